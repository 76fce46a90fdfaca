/// Realistic Terraform files written for these tests, used for round-trip, query and fuzz tests.
///
/// Each parses without diagnostics; the python-hcl2 reference parser accepts them too, except for two things
/// it does not support (strip markers `${~ ~}` in `misc` and inline comments between a block's type and labels
/// or after `=` in `comments`).
enum TerraformCorpus {
    /// S3 buckets: for_each, versioning/encryption/public-access-block/logging resources, a heredoc policy with interpolation, a jsonencode policy with a for expression.
    static let s3 = #"""
# S3 buckets for the data platform.
# Every bucket is encrypted and versioned; the logs bucket receives access logs.

locals {
  bucket_prefix = "${var.project}-${var.environment}"
  teams         = toset(["invoices", "analytics", "ml"])

  common_tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}

resource "aws_s3_bucket" "logs" {
  bucket        = "${local.bucket_prefix}-logs"
  force_destroy = false

  tags = merge(local.common_tags, { Name = "${local.bucket_prefix}-logs" })
}

resource "aws_s3_bucket" "per_team" {
  for_each = local.teams
  bucket   = "${local.bucket_prefix}-${each.key}"

  tags = merge(local.common_tags, {
    Team = each.value # owner of the data
  })
}

resource "aws_s3_bucket_versioning" "per_team" {
  for_each = aws_s3_bucket.per_team
  bucket   = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "per_team" {
  for_each = aws_s3_bucket.per_team
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "per_team" {
  for_each                = aws_s3_bucket.per_team
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "per_team" {
  for_each      = aws_s3_bucket.per_team
  bucket        = each.value.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${each.key}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-old-logs"
    status = "Enabled"

    filter {
      prefix = "s3/"
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = var.log_retention_days * 2
    }
  }
}

# Legacy policy written as a heredoc, kept for the audit team.
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowLogDelivery",
      "Effect": "Allow",
      "Principal": { "Service": "logging.s3.amazonaws.com" },
      "Action": "s3:PutObject",
      "Resource": "${aws_s3_bucket.logs.arn}/*"
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["${aws_s3_bucket.logs.arn}", "${aws_s3_bucket.logs.arn}/*"],
      "Condition": { "Bool": { "aws:SecureTransport": "false" } }
    }
  ]
}
POLICY
}

resource "aws_s3_bucket_policy" "per_team" {
  for_each = aws_s3_bucket.per_team
  bucket   = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [each.value.arn, "${each.value.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
      {
        Sid    = "ReadOnlyForAnalysts"
        Effect = "Allow"
        Principal = {
          AWS = [for arn in var.analyst_role_arns : arn if arn != ""]
        }
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = [each.value.arn, "${each.value.arn}/*"]
      },
    ]
  })
}

resource "aws_kms_key" "data" {
  description             = "Data platform bucket key"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.kms.json
}

output "bucket_arns" {
  value = { for name, bucket in aws_s3_bucket.per_team : name => bucket.arn }
}

output "bucket_names" {
  value = values(aws_s3_bucket.per_team)[*].bucket
}

"""#

    /// VPC, subnets with count and cidrsubnet, security groups with dynamic blocks, attribute splats and legacy indexes, grouping for expressions.
    static let network = #"""
/*
 * Network: one VPC, public and private subnets in every zone, and the
 * security groups of the web tier.
 */

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-vpc" }
}

resource "aws_subnet" "public" {
  count                   = length(data.aws_availability_zones.available.names)
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = false

  tags = {
    Name = format("%s-public-%02d", var.name, count.index + 1)
    Tier = "public"
  }
}

resource "aws_subnet" "private" {
  count             = var.private_subnet_count
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 100)
  availability_zone = element(data.aws_availability_zones.available.names, count.index % 3)
}

locals {
  ingress_rules = [
    { port = 443, cidrs = ["0.0.0.0/0"], description = "HTTPS" },
    { port = 80, cidrs = ["0.0.0.0/0"], description = "HTTP redirect" },
    {
      port        = 22
      cidrs       = var.admin_cidrs
      description = "SSH from the office"
    },
  ]
  public_subnet_ids  = aws_subnet.public.*.id
  first_private_id   = aws_subnet.private.0.id
  private_cidr_by_az = { for s in aws_subnet.private : s.availability_zone => s.cidr_block... }
  all_ports          = [for r in local.ingress_rules : r.port]
  open_to_world      = [for r in local.ingress_rules : r if contains(r.cidrs, "0.0.0.0/0")]
  has_ssh            = length([for r in local.ingress_rules : r.port if r.port == 22]) > 0
}

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "Web tier"
  vpc_id      = aws_vpc.main.id

  dynamic "ingress" {
    for_each = local.ingress_rules
    iterator = rule
    content {
      description = rule.value.description
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = rule.value.cidrs
    }
  }

  dynamic "ingress" {
    for_each = var.enable_ipv6 ? [1] : []
    content {
      from_port        = 443
      to_port          = 443
      protocol         = "tcp"
      ipv6_cidr_blocks = ["::/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags["LastScanned"], description]
  }
}

resource "aws_security_group_rule" "db_from_web" {
  type                     = "ingress"
  from_port                = var.db_port
  to_port                  = var.db_port
  protocol                 = "tcp"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "ranges" {
  for_each          = { for i, r in var.extra_ranges : "${r.cidr}-${r.from}" => r }
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = each.value.cidr
  from_port         = each.value.from
  to_port           = try(each.value.to, each.value.from)
  ip_protocol       = "tcp"
}

resource "aws_network_acl" "main" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = concat(aws_subnet.public[*].id, aws_subnet.private[*].id)

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }
}

resource "aws_flow_log" "main" {
  iam_role_arn    = aws_iam_role.flow_logs.arn
  log_destination = aws_cloudwatch_log_group.flow_logs.arn
  traffic_type    = "ALL"
  vpc_id          = aws_vpc.main.id
}

"""#

    /// terraform/provider/backend blocks, variables with validation, locals with for expressions and templates with directives, modules, moved/import/check blocks.
    static let modules = #"""
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = { source = "hashicorp/random", version = ">= 3.5" }
  }

  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "platform/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.common_tags
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "environment" {
  type        = string
  description = "Deployment environment (dev, staging or prod)."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be one of dev, staging or prod."
  }
}

variable "instance_count" {
  type    = number
  default = 2

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 10 && floor(var.instance_count) == var.instance_count
    error_message = "Use a whole number of instances between 1 and 10."
  }
}

variable "subnets" {
  type = map(object({
    cidr   = string
    public = optional(bool, false)
    zone   = string
  }))
  default = {}
}

variable "db_password" {
  type      = string
  sensitive = true
  nullable  = false
}

locals {
  is_prod       = var.environment == "prod"
  instance_type = local.is_prod ? "m6i.large" : (var.environment == "staging" ? "t3.large" : "t3.micro")
  public_subnets = {
    for name, subnet in var.subnets : name => subnet
    if subnet.public
  }
  subnet_names = sort(keys(var.subnets))
  zone_counts  = { for s in values(var.subnets) : s.zone => s.cidr... }
  flat_rules = flatten([
    for sg_name, sg in var.security_groups : [
      for rule in sg.rules : {
        sg   = sg_name
        port = rule.port
      }
    ]
  ])
  negative     = -1
  ratio        = 1.5e-3
  not_prod     = !local.is_prod
  precedence   = 1 + 2 * 3 - 4 / 2 % 3
  comparison   = 1 < 2 && 3 >= 2 || !(4 != 4)
  motd         = "Welcome to ${var.environment}!\nMaintained by \"platform\" \\ ops"
  escaped      = "literal $${not_interpolated} and %%{not_a_directive}"
  unicode      = "caf\u00e9 \U0001F600"
  user_data    = templatefile("${path.module}/user_data.sh.tpl", { env = var.environment, count = var.instance_count })
  greeting     = "Hello, %{ if var.name != "" }${var.name}%{ else }stranger%{ endif }!"
  server_lines = <<-EOT
    %{~ for i, host in var.hosts ~}
    server ${i} ${host}:8080
    %{~ endfor ~}
  EOT
  script = <<-SCRIPT
    #!/bin/bash
    set -euo pipefail
      echo "indented more"
    echo "environment: ${var.environment}"
  SCRIPT
}

module "vpc" {
  source = "./modules/vpc"

  name            = "platform-${var.environment}"
  cidr            = "10.0.0.0/16"
  azs             = slice(data.aws_availability_zones.available.names, 0, 3)
  private_subnets = [for i in range(3) : cidrsubnet("10.0.0.0/16", 8, i)]
  public_subnets  = [for i in range(3) : cidrsubnet("10.0.0.0/16", 8, i + 100)]

  providers = {
    aws = aws.us_east_1
  }

  depends_on = [aws_iam_role.flow_logs]
}

module "app" {
  source   = "git::https://example.com/acme/app.git?ref=v1.2.0"
  for_each = toset(local.subnet_names)

  subnet_id     = module.vpc.private_subnet_ids[index(local.subnet_names, each.key)]
  instance_type = local.instance_type
  min_size      = max(1, var.instance_count - 1)
  tags          = merge(local.common_tags, { Subnet = each.key })
  args          = concat(["--port", "8080"], var.extra_args...)
}

resource "random_password" "db" {
  length  = 32
  special = true
}

resource "aws_db_instance" "main" {
  identifier                          = "platform-${var.environment}"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = local.is_prod ? "db.r6g.large" : "db.t4g.micro"
  allocated_storage                   = 20
  storage_encrypted                   = true
  username                            = "platform"
  password                            = coalesce(var.db_password, random_password.db.result)
  multi_az                            = local.is_prod
  backup_retention_period             = local.is_prod ? 30 : 1
  deletion_protection                 = local.is_prod
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  skip_final_snapshot                 = !local.is_prod
}

moved {
  from = aws_instance.legacy
  to   = aws_instance.web[0]
}

import {
  to = aws_s3_bucket.imported
  id = "acme-imported-bucket"
}

check "health" {
  data "http" "status" {
    url = "https://${module.app["a"].hostname}/health"
  }

  assert {
    condition     = data.http.status.status_code == 200
    error_message = "${data.http.status.url} returned an unhealthy status code"
  }
}

output "db_endpoint" {
  value     = aws_db_instance.main.endpoint
  sensitive = false
}

output "instance_ips" {
  value = module.app[*]
}

"""#

    /// IAM policy documents with dynamic statements, jsonencode and <<- heredoc policies, secrets in Lambda environment variables, a one-line metadata_options block.
    static let iam = #"""
data "aws_iam_policy_document" "assume_ec2" {
  statement {
    sid     = "AssumeFromEC2"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "RootAccess"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = var.kms_admin_arns
    content {
      sid       = "Admin${statement.key}"
      actions   = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = [statement.value]
      }
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "app-${var.environment}"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  max_session_duration = 3600

  inline_policy {
    name = "read-config"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParametersByPath"]
        Resource = "arn:aws:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter/app/*"
      }]
    })
  }
}

resource "aws_iam_policy" "admin" {
  name        = "break-glass"
  description = "Full access, only for incidents"
  policy      = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "*",
          "Resource": "*"
        }
      ]
    }
  EOF
}

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
  path = "/system/"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length        = 14
  require_lowercase_characters   = true
  require_numbers                = true
  require_uppercase_characters   = true
  require_symbols                = true
  allow_users_to_change_password = true
  password_reuse_prevention      = 24
  max_password_age               = 90
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each   = toset(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"])
  role       = aws_iam_role.app.name
  policy_arn = each.value
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.app.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "${path.module}/build/worker.zip"

  environment {
    variables = {
      STAGE        = var.environment
      API_TOKEN    = "tok_live_5f2b9c1e8d7a" # FIXME: move to secrets manager
      DATABASE_URL = "postgres://platform:${random_password.db.result}@${aws_db_instance.main.address}:5432/app"
    }
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_instance" "web" {
  count                  = var.instance_count
  ami                    = data.aws_ami.al2023.id
  instance_type          = local.instance_type
  subnet_id              = element(local.public_subnet_ids, count.index)
  vpc_security_group_ids = [aws_security_group.web.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  monitoring             = true
  ebs_optimized          = true
  user_data              = base64encode(local.user_data)

  metadata_options { http_tokens = "required" }

  root_block_device {
    encrypted   = true
    volume_size = 50
  }

  tags = { Name = "web-${count.index}" }
}

"""#

    /// Unusual but valid syntax: bare-identifier labels, one-line blocks, nested conditionals, object colons and computed keys, splat chains, namespaced functions, strip markers.
    static let misc = #"""
// Odd but valid formatting, all in one place.
resource aws_cloudtrail main { # bare-identifier labels
  name                          = "org-trail" /* inline */
  s3_bucket_name                = aws_s3_bucket.logs.id
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.data.arn
  include_global_service_events = true
  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource { type = "AWS::S3::Object" }
  }
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/aws/vpc/flow-logs"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.data.arn
}

resource "null_resource" "empty" {}

resource "null_resource" "one_line" { triggers = { always = timestamp() } }

locals {
  empty_object = {}
  empty_tuple  = []
  trailing     = [1, 2, 3,]
  multiline_args = join(
    ",",
    [
      "a",
      "b",
    ],
  )
  nested_conditional = var.a ? var.b ? "both" : "a" : var.c ? "c" : "none"
  parenthesized      = (var.a || var.b) && (var.c)
  object_colons      = { "key": "value", other: 1 }
  object_expr_keys   = { (var.dynamic_key) = true, "${var.prefix}-x" = false }
  splat_chain        = aws_instance.web[*].ebs_block_device[*].volume_id
  index_chain        = var.matrix[0][1]
  attr_splat_index   = aws_instance.web.*.id[0]
  legacy_chain       = var.list.0.name
  namespaced         = provider::terraform::encode_tfvars({ a = 1 })
  interpolated_only  = "${var.x}"
  nested_template    = "outer ${"inner ${var.y} done"} end"
  strip_markers      = "a ${~ var.z ~} b"
  condition_on_lines = (
    var.enabled
    ? "on"
    : "off"
  )
  for_multiline = {
    for k, v in var.map :
    k => upper(v)
    if v != null
  }
  /* comment before item */ after_comment = 1
  numbers = [0, 1.0, 10e3, 2E-2, 3.25e+1]
  operators = [1 + 2, 3 - 1, 2 * 3, 8 / 2, 7 % 3, 1 == 1, 1 != 2, 1 < 2, 2 > 1, 1 <= 1, 2 >= 2, true && false, true || false, !true, -5]
}

# Final comment without a newline at the end of the file follows.

"""#

    /// Comments of all three kinds between tokens, inside expressions, before closing braces and at the end of the file without a newline.
    static let comments = #"""
# Comments of all three kinds, in every place the grammar allows trivia.
// A slash comment at the top.
/* A block comment
   over several lines, with "quotes" and ${not_interpolation} inside. */

resource /* between type and label */ "aws_sqs_queue" "jobs" /* before brace */ { # after brace
  # before an argument
  name = /* after equals */ "jobs" # after value
  // slash before an argument
  visibility_timeout_seconds = 30 // slash after value

  message_retention_seconds = (
    # inside parentheses
    4 * 24 * 3600 /* four days */
  )

  tags = {
    # inside an object
    Team = "platform", # after a comma
    // slash inside an object
    Tier = "backend" /* block before newline */
  }

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead.arn # inline
    maxReceiveCount     = 5
  })

  kms_master_key_id = coalesce(
    var.kms_key_id, # first choice
    /* fallback */ "alias/aws/sqs",
  )

  allowed = [
    "a", # one
    # own line inside a tuple
    "b", /* two */
    "c"  // three
  ]

  selected = [
    for q in var.queues : # after the colon
    q.name                # the element
    if q.enabled          // the filter
  ]
  # comment before the closing brace
}

/* block comment between blocks */ # and a hash on the same line

variable "queues" {
  type = list(object({ name = string, enabled = bool })) # inline object type
  default = [] /**/
}
# Final comment without a newline at the end of the file.

"""#

    /// A file whose last line has no newline.
    static let noFinalNewline = #"""
resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = "alias/aws/sns"
}
"""#

    /// Every file with its name.
    static let files: [(name: String, source: String)] = [
        ("s3.tf", s3),
        ("network.tf", network),
        ("modules.tf", modules),
        ("iam.tf", iam),
        ("misc.tf", misc),
        ("comments.tf", comments),
        ("nofinalnewline.tf", noFinalNewline),
    ]

    /// The files rewritten in other styles that must round-trip just the same: CRLF line endings, tab indentation,
    /// trailing whitespace, no final newline, a byte order mark.
    static var variants: [(name: String, source: String)] {
        var result: [(name: String, source: String)] = []
        for (name, source) in files {
            result.append(("\(name) (CRLF)", source.replacingNewlines(with: "\r\n")))
            result.append(("\(name) (tabs)", source.indentedWithTabs))
            result.append(("\(name) (trailing whitespace)", source.withTrailingWhitespace))
            result.append(("\(name) (no final newline)", source.droppingFinalNewlines))
            result.append(("\(name) (BOM)", "\u{FEFF}" + source))
            result.append(("\(name) (CRLF, tabs, trailing whitespace)",
                           source.indentedWithTabs.withTrailingWhitespace.replacingNewlines(with: "\r\n")))
        }
        return result
    }
}

extension String {
    func replacingNewlines(with newline: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: newline)
    }

    var droppingFinalNewlines: String {
        var result = self
        while result.hasSuffix("\n") { result.removeLast() }
        return result
    }

    /// Every two leading spaces become a tab.
    var indentedWithTabs: String {
        let lines: [Substring] = split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line -> String in
            let spaces = line.prefix { $0 == " " }.count
            return String(repeating: "\t", count: spaces / 2) + String(repeating: " ", count: spaces % 2)
                + String(line.dropFirst(spaces))
        }.joined(separator: "\n")
    }

    /// Spaces and a tab appended to every line ending with `{`, `}`, `,`, `]` or `)` (heredoc content included,
    /// which is still valid: only closing-marker lines must stay bare, and those end with a letter).
    var withTrailingWhitespace: String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let last = line.last, "{},])".contains(last) else { return String(line) }
            return line + " \t "
        }.joined(separator: "\n")
    }
}
