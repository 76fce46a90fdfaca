import CloudTrail
import Wire

/// Attacker techniques (Stratus Red Team's AWS techniques among them) and misconfigurations that one event creates.
enum ThreatRules {
    /// Ports whose exposure to the internet is an incident rather than a design choice.
    static let adminPorts: [(Int, String)] = [(22, "SSH"), (3389, "RDP"), (23, "Telnet"), (445, "SMB"), (3306, "MySQL"),
                                              (5432, "PostgreSQL"), (1433, "SQL Server"), (27017, "MongoDB"),
                                              (6379, "Redis"), (9200, "Elasticsearch"), (5900, "VNC")]

    static func lambda(_ names: [String]) -> [EventKey] {
        // Lambda records carry an API version suffix on many event names.
        names.flatMap { [EventKey("lambda.amazonaws.com", $0), EventKey("lambda.amazonaws.com", $0 + "20150331"),
                         EventKey("lambda.amazonaws.com", $0 + "20150331v2")] }
    }

    /// The generic change-monitoring rule each specific rule makes redundant on the same event.
    static let supersession: [String: [String]] = [
        "CL-CT-021": ["CL-CT-010"], "CL-CT-036": ["CL-CT-010"], "CL-CT-037": ["CL-CT-010"],
        "CL-CT-020": ["CL-CT-007"], "CL-CT-026": ["CL-CT-006"], "CL-CT-051": ["CL-CT-006"],
        "CL-CT-040": ["CL-CT-012"], "CL-CT-025": ["CL-CT-017"], "CL-CT-027": ["CL-CT-006"],
    ]

    static func meta(_ id: String, _ title: String, _ severity: CLSeverity, _ category: String, _ description: String,
                     _ rationale: String, _ remediation: String, _ evidence: [String], _ refs: [(String, String)]) -> RuleMetadata {
        RuleMetadata(id: id, title: title, severity: severity, category: category, description: description,
                     rationale: rationale, remediation: remediation, evidenceFields: evidence, references: refs,
                     supersedes: supersession[id] ?? [])
    }

    /// True when an actor acts on a user other than themselves.
    static func actsOnOtherUser(_ e: CLCloudTrailEvent, _ request: JSONValue?) -> String? {
        guard let target = request?["userName"]?.string, !target.isEmpty else { return nil }
        let actor = e.userIdentity.userName.isEmpty ? (e.userIdentity.arn.split(separator: "/").last.map(String.init) ?? "")
                                                    : e.userIdentity.userName
        guard e.userIdentity.type != "IAMUser" || actor != target else { return nil }
        return target
    }

    static let adminPolicyARNs = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess",
                                  "arn:aws:iam::aws:policy/PowerUserAccess"]

    /// An inline policy document granting every action on every resource.
    static func grantsEverything(_ doc: JSONValue?) -> Bool {
        for s in doc?["Statement"]?.elements ?? [] where s["Effect"]?.string == "Allow" {
            let actions = s["Action"]?.elements.compactMap(\.string) ?? []
            let resources = s["Resource"]?.elements.compactMap(\.string) ?? []
            if actions.contains(where: { $0 == "*" || $0 == "*:*" }) && resources.contains("*") && s["Condition"] == nil { return true }
        }
        return false
    }

    static let all: [any EventRule] = [
        SimpleRule(meta("CL-CT-020", "CloudTrail event selectors stop recording management events", .high, "defense-evasion",
                        "A trail's event selectors were changed so that it no longer records management events (or records none).",
                        "Attackers narrow a trail instead of stopping it, hoping the trail still looks healthy.",
                        "Restore selectors that record read and write management events, and alert on PutEventSelectors.",
                        ["requestParameters.eventSelectors", "requestParameters.trailName"],
                        [("CIS-AWS-3.0", "4.5"), ("MITRE-ATTACK", "T1562.008"), ("STRATUS", "aws.defense-evasion.cloudtrail-event-selectors")]),
                   triggers: [EventKey("cloudtrail.amazonaws.com", "PutEventSelectors")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let selectors = r?["eventSelectors"]?.elements ?? []
            let advanced = r?["advancedEventSelectors"]?.elements ?? []
            let recordsManagement = selectors.contains { s in
                s["includeManagementEvents"]?.bool != false && (s["readWriteType"]?.string ?? "All") != "None"
            } || advanced.contains { a in
                Fields.all(a, "fieldSelectors").isEmpty == false && "\(a)".contains("Management")
            }
            guard !recordsManagement else { return nil }
            return RuleMatch(resourceType: "AWS::CloudTrail::Trail", resourceID: r?["trailName"]?.string ?? "",
                             evidence: ["selectors": "\(selectors.count) basic, \(advanced.count) advanced, none recording management events"])
        },
        SimpleRule(meta("CL-CT-021", "S3 lifecycle rule deletes objects within a week", .medium, "defense-evasion",
                        "A bucket lifecycle rule expires objects after seven days or less.",
                        "A short expiration on a log bucket quietly erases the audit trail; on a data bucket it destroys data.",
                        "Check which bucket it is; for log buckets keep at least the retention your policy demands and lock it with Object Lock.",
                        ["requestParameters.bucketName", "requestParameters.LifecycleConfiguration"],
                        [("MITRE-ATTACK", "T1562.008"), ("STRATUS", "aws.defense-evasion.cloudtrail-lifecycle-rule")]),
                   triggers: [EventKey("s3.amazonaws.com", "PutBucketLifecycle"), EventKey("s3.amazonaws.com", "PutBucketLifecycleConfiguration")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let days = Fields.all(r, "LifecycleConfiguration.Rule.Expiration.Days").compactMap(Int.init)
            guard let shortest = days.min(), shortest <= 7 else { return nil }
            let bucket = r?["bucketName"]?.string ?? ""
            return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: "arn:aws:s3:::\(bucket)", evidence: ["expirationDays": "\(shortest)"])
        },
        SimpleRule(meta("CL-CT-022", "GuardDuty disabled or its findings suppressed", .high, "defense-evasion",
                        "A GuardDuty detector was deleted or disabled, a member was removed, or a filter now auto-archives findings.",
                        "GuardDuty is AWS's own threat detector; turning it off or archiving its findings hides an attack in progress.",
                        "Re-enable the detector, delete unexpected archive filters, and restrict guardduty:Delete*/Update* to administrators.",
                        ["eventName", "requestParameters.detectorId"],
                        [("MITRE-ATTACK", "T1562.001")]),
                   triggers: events("guardduty.amazonaws.com", ["DeleteDetector", "UpdateDetector", "CreateFilter", "UpdateFilter",
                                                                "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount",
                                                                "StopMonitoringMembers", "DeleteMembers"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            switch e.eventName {
            case "UpdateDetector": guard r?["enable"]?.bool == false else { return nil }
            case "CreateFilter", "UpdateFilter": guard r?["action"]?.string?.uppercased() == "ARCHIVE" else { return nil }
            default: break
            }
            return RuleMatch(resourceType: "AWS::GuardDuty::Detector", resourceID: r?["detectorId"]?.string ?? "")
        },
        SimpleRule(meta("CL-CT-023", "VPC flow logs deleted", .medium, "defense-evasion",
                        "Flow logs were deleted from a VPC, subnet or network interface.",
                        "Flow logs are the record of network traffic; removing them hides exfiltration and lateral movement.",
                        "Recreate the flow logs and restrict ec2:DeleteFlowLogs.",
                        ["requestParameters.DeleteFlowLogsRequest.FlowLogId"],
                        [("MITRE-ATTACK", "T1562.008"), ("STRATUS", "aws.defense-evasion.vpc-remove-flow-logs"), ("AWS-SECURITY-HUB", "EC2.6")]),
                   triggers: [EventKey("ec2.amazonaws.com", "DeleteFlowLogs")],
                   match: Match.succeeded(resourceType: "AWS::EC2::FlowLog", keys: ["DeleteFlowLogsRequest.FlowLogId.content", "DeleteFlowLogsRequest.FlowLogId", "flowLogIds"])),
        SimpleRule(meta("CL-CT-024", "DNS query logging removed", .medium, "defense-evasion",
                        "A Route 53 Resolver query logging configuration was deleted or detached from a VPC.",
                        "DNS logs show which domains workloads resolve, which is how command-and-control is often spotted.",
                        "Restore the query logging configuration and its VPC associations.",
                        ["requestParameters.resolverQueryLogConfigId"],
                        [("MITRE-ATTACK", "T1562.008"), ("STRATUS", "aws.defense-evasion.dns-delete-logs")]),
                   triggers: events("route53resolver.amazonaws.com", ["DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"]),
                   match: Match.succeeded(resourceType: "AWS::Route53Resolver::ResolverQueryLoggingConfig", keys: ["resolverQueryLogConfigId"])),
        SimpleRule(meta("CL-CT-025", "Account left its AWS organization", .critical, "defense-evasion",
                        "The account removed itself from its organization.",
                        "Leaving the organization drops every SCP guardrail and the organization's central logging at once.",
                        "Investigate immediately; invite the account back and deny organizations:LeaveOrganization with an SCP.",
                        ["eventName"],
                        [("MITRE-ATTACK", "T1666"), ("STRATUS", "aws.defense-evasion.organizations-leave")]),
                   triggers: [EventKey("organizations.amazonaws.com", "LeaveOrganization")]) { e, _ in
            guard e.errorCode.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::Account", resourceID: Fields.ownAccount(e))
        },
        SimpleRule(meta("CL-CT-026", "Administrator access granted", .high, "privilege-escalation",
                        "An administrator-level managed policy was attached, or an inline policy granting every action on every resource was written.",
                        "Full administrator rights are what an intruder wants first; every new grant of them deserves a human look.",
                        "Detach the policy unless the grant was approved; prefer narrowly scoped roles assumed on demand.",
                        ["requestParameters.policyArn", "requestParameters.userName", "requestParameters.roleName"],
                        [("MITRE-ATTACK", "T1098"), ("STRATUS", "aws.persistence.iam-create-admin-user"), ("AWS-SECURITY-HUB", "IAM.1")]),
                   triggers: events("iam.amazonaws.com", ["AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy",
                                                          "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let arn = r?["policyArn"]?.string ?? ""
            let inline = Fields.policy(r?["policyDocument"])
            guard adminPolicyARNs.contains(arn) || grantsEverything(inline) else { return nil }
            let target = Fields.first(r, ["userName", "roleName", "groupName"]) ?? ""
            return RuleMatch(resourceType: "AWS::IAM::Principal", resourceID: target,
                             evidence: ["policy": arn.isEmpty ? "inline policy granting *:*" : arn, "target": target])
        },
        SimpleRule(meta("CL-CT-027", "Role trust policy lets another account or anyone assume it", .high, "persistence",
                        "A role was created or its trust policy changed so that a foreign account, or any principal, may assume it.",
                        "A backdoored trust policy gives an outsider a standing way back into the account that survives password and key rotation.",
                        "Remove the foreign principal from the trust policy, or require sts:ExternalId and aws:PrincipalOrgID conditions.",
                        ["requestParameters.roleName", "requestParameters.policyDocument"],
                        [("MITRE-ATTACK", "T1098.003"), ("STRATUS", "aws.persistence.iam-backdoor-role"),
                         ("STRATUS", "aws.persistence.iam-create-backdoor-role")]),
                   triggers: events("iam.amazonaws.com", ["UpdateAssumeRolePolicy", "CreateRole"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let doc = Fields.policy(r?["policyDocument"] ?? r?["assumeRolePolicyDocument"])
            let principals = Fields.allowedPrincipals(doc)
            let foreign = Fields.foreignAccounts(principals, own: Fields.ownAccount(e))
            let anyone = Fields.grantsToAnyone(doc)
            guard anyone || !foreign.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::IAM::Role", resourceID: r?["roleName"]?.string ?? "",
                             evidence: ["trustedAccounts": anyone ? "*" : foreign.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-028", "Access key created for another user", .high, "persistence",
                        "A principal created an access key for an IAM user other than itself.",
                        "Minting keys for someone else is a classic way to keep access after the original credentials are revoked.",
                        "Deactivate the new key unless the user asked for it, and review who holds iam:CreateAccessKey on others.",
                        ["requestParameters.userName", "userIdentity.arn"],
                        [("MITRE-ATTACK", "T1098.001"), ("STRATUS", "aws.persistence.iam-backdoor-user")]),
                   triggers: [EventKey("iam.amazonaws.com", "CreateAccessKey")]) { e, r in
            guard e.errorCode.isEmpty, let target = actsOnOtherUser(e, r) else { return nil }
            return RuleMatch(resourceType: "AWS::IAM::User", resourceID: target, evidence: ["targetUser": target])
        },
        SimpleRule(meta("CL-CT-029", "Console password set for another user", .high, "persistence",
                        "A principal created or changed the console password of an IAM user other than itself.",
                        "Setting someone's password lets the actor sign in as them: persistence and privilege escalation in one call.",
                        "Reset the password and require MFA; limit iam:CreateLoginProfile and iam:UpdateLoginProfile to administrators.",
                        ["requestParameters.userName", "userIdentity.arn"],
                        [("MITRE-ATTACK", "T1098"), ("STRATUS", "aws.persistence.iam-create-user-login-profile"),
                         ("STRATUS", "aws.privilege-escalation.iam-update-user-login-profile")]),
                   triggers: events("iam.amazonaws.com", ["CreateLoginProfile", "UpdateLoginProfile"])) { e, r in
            guard e.errorCode.isEmpty, let target = actsOnOtherUser(e, r) else { return nil }
            return RuleMatch(resourceType: "AWS::IAM::User", resourceID: target, evidence: ["targetUser": target])
        },
        SimpleRule(meta("CL-CT-030", "Lambda function invocable by anyone", .high, "persistence",
                        "A Lambda permission was added that lets any AWS principal invoke the function, with no source condition.",
                        "A public function is a backdoor anyone can call, running with the function's role.",
                        "Remove the statement (RemovePermission) or add SourceAccount/SourceArn or a PrincipalOrgID condition.",
                        ["requestParameters.functionName", "requestParameters.principal"],
                        [("MITRE-ATTACK", "T1546"), ("STRATUS", "aws.persistence.lambda-backdoor-function"), ("AWS-SECURITY-HUB", "Lambda.1")]),
                   triggers: lambda(["AddPermission"])) { e, r in
            guard e.errorCode.isEmpty, r?["principal"]?.string == "*" else { return nil }
            if r?["sourceAccount"]?.string != nil || r?["sourceArn"]?.string != nil || r?["principalOrgID"]?.string != nil { return nil }
            return RuleMatch(resourceType: "AWS::Lambda::Function", resourceID: r?["functionName"]?.string ?? "")
        },
        SimpleRule(meta("CL-CT-031", "Lambda function code replaced", .low, "persistence",
                        "A function's code was replaced.",
                        "Overwriting the code of an existing function lets an intruder run their own code with its role, unnoticed by name.",
                        "Confirm the deployment came from your pipeline; use code signing for functions that matter.",
                        ["requestParameters.functionName"],
                        [("MITRE-ATTACK", "T1525"), ("STRATUS", "aws.persistence.lambda-overwrite-code")]),
                   triggers: lambda(["UpdateFunctionCode"]),
                   match: Match.succeeded(resourceType: "AWS::Lambda::Function", keys: ["functionName"])),
        SimpleRule(meta("CL-CT-032", "Lambda layer attached to a function", .low, "persistence",
                        "A function's configuration was changed to add layers.",
                        "A layer can carry an extension that runs beside every invocation and reads its events and credentials.",
                        "Check that the layer is one you publish; remove unknown ones.",
                        ["requestParameters.functionName", "requestParameters.layers"],
                        [("MITRE-ATTACK", "T1525"), ("STRATUS", "aws.persistence.lambda-layer-extension")]),
                   triggers: lambda(["UpdateFunctionConfiguration"])) { e, r in
            guard e.errorCode.isEmpty, !(r?["layers"]?.elements ?? []).isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::Lambda::Function", resourceID: r?["functionName"]?.string ?? "",
                             evidence: ["layers": (r?["layers"]?.elements.compactMap(\.string) ?? []).joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-033", "EBS snapshot shared publicly or with another account", .critical, "exfiltration",
                        "A snapshot's create-volume permission was opened to everyone or to another account.",
                        "Anyone given the permission can make a volume from the snapshot and read every byte of the disk.",
                        "Remove the permission (ModifySnapshotAttribute remove) and turn on EBS snapshot block public access.",
                        ["requestParameters.snapshotId", "requestParameters.createVolumePermission"],
                        [("MITRE-ATTACK", "T1537"), ("STRATUS", "aws.exfiltration.ec2-share-ebs-snapshot"), ("AWS-SECURITY-HUB", "EC2.1")]),
                   triggers: [EventKey("ec2.amazonaws.com", "ModifySnapshotAttribute")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let groups = Fields.all(r, "createVolumePermission.add.items.group")
            let users = Fields.all(r, "createVolumePermission.add.items.userId").filter { $0 != Fields.ownAccount(e) }
            guard groups.contains("all") || !users.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::Snapshot", resourceID: r?["snapshotId"]?.string ?? "",
                             evidence: ["sharedWith": groups.contains("all") ? "everyone" : users.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-034", "AMI shared publicly or with another account", .high, "exfiltration",
                        "An image's launch permission was opened to everyone or to another account.",
                        "An image contains the disks it was made from, with whatever secrets they hold.",
                        "Remove the launch permission and turn on AMI block public access.",
                        ["requestParameters.imageId", "requestParameters.launchPermission"],
                        [("MITRE-ATTACK", "T1537"), ("STRATUS", "aws.exfiltration.ec2-share-ami")]),
                   triggers: [EventKey("ec2.amazonaws.com", "ModifyImageAttribute")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let groups = Fields.all(r, "launchPermission.add.items.group")
            let users = Fields.all(r, "launchPermission.add.items.userId").filter { $0 != Fields.ownAccount(e) }
            guard groups.contains("all") || !users.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::Image", resourceID: r?["imageId"]?.string ?? "",
                             evidence: ["sharedWith": groups.contains("all") ? "everyone" : users.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-035", "RDS snapshot shared publicly or with another account", .critical, "exfiltration",
                        "A database snapshot's restore permission was given to everyone or to another account.",
                        "Whoever can restore the snapshot gets a full copy of the database.",
                        "Remove the account from the snapshot's restore attribute (ModifyDBSnapshotAttribute valuesToRemove).",
                        ["requestParameters.dBSnapshotIdentifier", "requestParameters.valuesToAdd"],
                        [("MITRE-ATTACK", "T1537"), ("STRATUS", "aws.exfiltration.rds-share-snapshot"), ("AWS-SECURITY-HUB", "RDS.1")]),
                   triggers: events("rds.amazonaws.com", ["ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"])) { e, r in
            guard e.errorCode.isEmpty, r?["attributeName"]?.string == "restore" else { return nil }
            let added = r?["valuesToAdd"]?.elements.compactMap(\.string).filter { $0 != Fields.ownAccount(e) } ?? []
            guard !added.isEmpty else { return nil }
            let id = Fields.first(r, ["dBSnapshotIdentifier", "dBClusterSnapshotIdentifier"]) ?? ""
            return RuleMatch(resourceType: "AWS::RDS::DBSnapshot", resourceID: id,
                             evidence: ["sharedWith": added.contains("all") ? "everyone" : added.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-036", "Bucket policy grants access to anyone or to another account", .high, "exfiltration",
                        "A bucket policy was written whose Allow statements name any principal, or an account outside this one.",
                        "A bucket policy is the quietest way to hand data to an outsider: no user is created and nothing moves until they read it.",
                        "Remove the statement, keep Block Public Access on, and use aws:PrincipalOrgID to allow only your organization.",
                        ["requestParameters.bucketName", "requestParameters.bucketPolicy"],
                        [("MITRE-ATTACK", "T1537"), ("STRATUS", "aws.exfiltration.s3-backdoor-bucket-policy"), ("AWS-SECURITY-HUB", "S3.2")]),
                   triggers: [EventKey("s3.amazonaws.com", "PutBucketPolicy")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let doc = Fields.policy(r?["bucketPolicy"] ?? r?["policy"])
            let anyone = Fields.grantsToAnyone(doc)
            let foreign = Fields.foreignAccounts(Fields.allowedPrincipals(doc), own: Fields.ownAccount(e))
            guard anyone || !foreign.isEmpty else { return nil }
            let bucket = r?["bucketName"]?.string ?? ""
            return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: "arn:aws:s3:::\(bucket)",
                             evidence: ["grantedTo": anyone ? "*" : foreign.joined(separator: ",")],
                             title: anyone ? "S3 bucket \(bucket) made public by its bucket policy" : nil)
        },
        SimpleRule(meta("CL-CT-037", "S3 replication to another account", .high, "exfiltration",
                        "A bucket's replication configuration copies its objects to a bucket owned by another account.",
                        "Replication keeps copying every new object to the destination: a continuous, silent exfiltration channel.",
                        "Remove the replication rule unless the destination account is yours.",
                        ["requestParameters.bucketName", "requestParameters.ReplicationConfiguration"],
                        [("MITRE-ATTACK", "T1537")]),
                   triggers: [EventKey("s3.amazonaws.com", "PutBucketReplication")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let accounts = Fields.all(r, "ReplicationConfiguration.Rule.Destination.Account").filter { $0 != Fields.ownAccount(e) }
            guard !accounts.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: "arn:aws:s3:::\(r?["bucketName"]?.string ?? "")",
                             evidence: ["destinationAccounts": accounts.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-038", "Secret value read", .info, "credential-access",
                        "A secret was read from Secrets Manager, or an encrypted SSM parameter was read with decryption.",
                        "Reads are normal for applications; recorded so unusual readers and bulk reads (CL-ST-005) stand out.",
                        "If the reader is not the application that owns the secret, rotate the secret and review the reader.",
                        ["requestParameters.secretId", "requestParameters.name"],
                        [("MITRE-ATTACK", "T1555.006"), ("STRATUS", "aws.credential-access.secretsmanager-retrieve-secrets"),
                         ("STRATUS", "aws.credential-access.secretsmanager-batch-retrieve-secrets"),
                         ("STRATUS", "aws.credential-access.ssm-retrieve-securestring-parameters")]),
                   triggers: events("secretsmanager.amazonaws.com", ["GetSecretValue", "BatchGetSecretValue"])
                       + events("ssm.amazonaws.com", ["GetParameter", "GetParameters", "GetParametersByPath"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            if e.eventSource == "ssm.amazonaws.com" && r?["withDecryption"]?.bool != true { return nil }
            return RuleMatch(resourceType: e.eventSource == "ssm.amazonaws.com" ? "AWS::SSM::Parameter" : "AWS::SecretsManager::Secret",
                             resourceID: Fields.first(r, ["secretId", "name", "path"]) ?? e.userIdentity.arn)
        },
        SimpleRule(meta("CL-CT-040", "Security group opened to the internet on an administrative or every port", .high, "network-exposure",
                        "An ingress rule now allows 0.0.0.0/0 or ::/0 to reach SSH, RDP, a database port, or all ports.",
                        "Internet-wide scanners find such ports within minutes; they are the most common way servers are broken into.",
                        "Revoke the rule and reach administrative ports through Session Manager, a VPN or a bastion restricted by address.",
                        ["requestParameters.groupId", "requestParameters.ipPermissions"],
                        [("CIS-AWS-3.0", "5.2"), ("CIS-AWS-3.0", "5.3"), ("AWS-SECURITY-HUB", "EC2.19"), ("AWS-SECURITY-HUB", "EC2.53"),
                         ("MITRE-ATTACK", "T1190"), ("STRATUS", "aws.exfiltration.ec2-security-group-open-port-22-ingress")]),
                   triggers: [EventKey("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            var exposed: [String] = []
            for perm in r?["ipPermissions"]?["items"]?.elements ?? r?["ipPermissions"]?.elements ?? [] {
                let v4 = Fields.all(perm, "ipRanges.items.cidrIp")
                let v6 = Fields.all(perm, "ipv6Ranges.items.cidrIpv6")
                guard v4.contains("0.0.0.0/0") || v6.contains("::/0") else { continue }
                let proto = perm["ipProtocol"]?.scalarText ?? ""
                if proto == "-1" || proto == "all" { exposed.append("all traffic"); continue }
                guard let from = perm["fromPort"]?.scalarText.flatMap(Int.init), let to = perm["toPort"]?.scalarText.flatMap(Int.init) else { continue }
                if from <= 0 && to >= 65535 { exposed.append("all ports"); continue }
                for (port, name) in adminPorts where from <= port && port <= to { exposed.append("\(name) (\(port))") }
            }
            guard !exposed.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::SecurityGroup", resourceID: r?["groupId"]?.string ?? "",
                             evidence: ["exposed": exposed.joined(separator: ", ")])
        },
        SimpleRule(meta("CL-CT-041", "S3 Block Public Access removed or weakened", .high, "data-exposure",
                        "Block Public Access was deleted, or one of its four settings turned off, for a bucket or the whole account.",
                        "Block Public Access is the safety net that stops any ACL or policy from making data public by mistake.",
                        "Turn all four settings back on; grant the rare public bucket through CloudFront instead.",
                        ["requestParameters.bucketName", "requestParameters.PublicAccessBlockConfiguration"],
                        [("CIS-AWS-3.0", "2.1.4"), ("AWS-SECURITY-HUB", "S3.1"), ("AWS-SECURITY-HUB", "S3.8"), ("MITRE-ATTACK", "T1530")]),
                   triggers: events("s3.amazonaws.com", ["PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock"])
                       + events("s3control.amazonaws.com", ["PutPublicAccessBlock", "DeletePublicAccessBlock"])
                       + events("s3.amazonaws.com", ["PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let bucket = r?["bucketName"]?.string
            let resource = bucket.map { "arn:aws:s3:::\($0)" } ?? "arn:aws:s3::\(Fields.ownAccount(e)):account"
            if e.eventName.hasPrefix("Delete") {
                return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: resource, evidence: ["change": "removed"])
            }
            let config = r?["PublicAccessBlockConfiguration"] ?? r?["publicAccessBlock"]
            let off = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].filter {
                config?[$0]?.bool == false
            }
            guard !off.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::S3::Bucket", resourceID: resource, evidence: ["turnedOff": off.joined(separator: ",")])
        },
        SimpleRule(meta("CL-CT-042", "RDS database made publicly accessible", .high, "network-exposure",
                        "A database instance was created or modified with PubliclyAccessible set.",
                        "A public endpoint exposes the database's login to the whole internet.",
                        "Set PubliclyAccessible to false and reach the database from inside the VPC.",
                        ["requestParameters.dBInstanceIdentifier", "requestParameters.publiclyAccessible"],
                        [("AWS-SECURITY-HUB", "RDS.2"), ("CIS-AWS-3.0", "2.3.3"), ("MITRE-ATTACK", "T1190")]),
                   triggers: events("rds.amazonaws.com", ["ModifyDBInstance", "CreateDBInstance", "RestoreDBInstanceFromDBSnapshot"])) { e, r in
            guard e.errorCode.isEmpty, r?["publiclyAccessible"]?.bool == true else { return nil }
            return RuleMatch(resourceType: "AWS::RDS::DBInstance", resourceID: r?["dBInstanceIdentifier"]?.string ?? "")
        },
        SimpleRule(meta("CL-CT-043", "Instance metadata service v1 re-enabled", .medium, "credential-access",
                        "An instance's metadata options were set to allow IMDSv1 (session tokens optional).",
                        "IMDSv1 answers any request, so one server-side request forgery bug is enough to steal the instance role's credentials.",
                        "Set HttpTokens to required (ModifyInstanceMetadataOptions) and enforce it with the ec2:MetadataHttpTokens condition.",
                        ["requestParameters.ModifyInstanceMetadataOptionsRequest"],
                        [("AWS-SECURITY-HUB", "EC2.8"), ("CIS-AWS-3.0", "5.6"), ("MITRE-ATTACK", "T1552.005"),
                         ("STRATUS", "aws.credential-access.ec2-steal-instance-credentials")]),
                   triggers: [EventKey("ec2.amazonaws.com", "ModifyInstanceMetadataOptions")]) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let tokens = Fields.first(r, ["ModifyInstanceMetadataOptionsRequest.HttpTokens", "httpTokens", "HttpTokens"])
            guard tokens?.lowercased() == "optional" else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::Instance",
                             resourceID: Fields.first(r, ["ModifyInstanceMetadataOptionsRequest.InstanceId", "instanceId"]) ?? "")
        },
        SimpleRule(meta("CL-CT-044", "Account password policy weakened or deleted", .medium, "credential-access",
                        "The IAM password policy was deleted, or set below 14 characters or to allow reuse of recent passwords.",
                        "Weak password rules make guessing and reuse attacks on console users far easier.",
                        "Restore a policy with at least 14 characters and reuse prevention of 24 passwords.",
                        ["requestParameters.minimumPasswordLength", "requestParameters.passwordReusePrevention"],
                        [("CIS-AWS-3.0", "1.8"), ("CIS-AWS-3.0", "1.9"), ("AWS-SECURITY-HUB", "IAM.15"), ("AWS-SECURITY-HUB", "IAM.16")]),
                   triggers: events("iam.amazonaws.com", ["DeleteAccountPasswordPolicy", "UpdateAccountPasswordPolicy"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            let account = "arn:aws:iam::\(Fields.ownAccount(e)):account-password-policy"
            if e.eventName == "DeleteAccountPasswordPolicy" {
                return RuleMatch(resourceType: "AWS::IAM::AccountPasswordPolicy", resourceID: account, evidence: ["change": "deleted"])
            }
            var weak: [String] = []
            if let n = r?["minimumPasswordLength"]?.scalarText.flatMap(Int.init), n < 14 { weak.append("minimum length \(n)") }
            let reuse = r?["passwordReusePrevention"]?.scalarText.flatMap(Int.init) ?? 0
            if reuse < 24 { weak.append(reuse == 0 ? "no reuse prevention" : "reuse prevention \(reuse)") }
            guard !weak.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::IAM::AccountPasswordPolicy", resourceID: account, evidence: ["weakened": weak.joined(separator: ", ")])
        },
        SimpleRule(meta("CL-CT-045", "EC2 Windows password data retrieved", .low, "credential-access",
                        "The encrypted administrator password of a Windows instance was retrieved.",
                        "With the instance's key pair, this is the local administrator password.",
                        "Confirm the reader manages the instance; rotate the password otherwise.",
                        ["requestParameters.instanceId"],
                        [("MITRE-ATTACK", "T1552"), ("STRATUS", "aws.credential-access.ec2-get-password-data")]),
                   triggers: [EventKey("ec2.amazonaws.com", "GetPasswordData")],
                   match: Match.succeeded(resourceType: "AWS::EC2::Instance", keys: ["instanceId"])),
        SimpleRule(meta("CL-CT-046", "Federation token issued", .medium, "persistence",
                        "An IAM user obtained a federation token.",
                        "Federation tokens outlive the revocation of the user's access key, which makes them a persistence trick.",
                        "Confirm the use; deny sts:GetFederationToken to users who do not need it.",
                        ["requestParameters.name", "userIdentity.arn"],
                        [("MITRE-ATTACK", "T1550.001"), ("STRATUS", "aws.persistence.sts-federation-token")]),
                   triggers: [EventKey("sts.amazonaws.com", "GetFederationToken")],
                   match: Match.succeeded(resourceType: "AWS::IAM::User", keys: ["name"])),
        SimpleRule(meta("CL-CT-047", "IAM Roles Anywhere trust anchor created", .high, "persistence",
                        "A Roles Anywhere trust anchor was created, letting holders of certificates from its authority get AWS credentials.",
                        "An attacker-controlled certificate authority becomes a permanent key to the account.",
                        "Delete trust anchors you do not manage and restrict rolesanywhere:CreateTrustAnchor.",
                        ["requestParameters.name"],
                        [("MITRE-ATTACK", "T1098"), ("STRATUS", "aws.persistence.rolesanywhere-create-trust-anchor")]),
                   triggers: [EventKey("rolesanywhere.amazonaws.com", "CreateTrustAnchor")],
                   match: Match.succeeded(resourceType: "AWS::RolesAnywhere::TrustAnchor", keys: ["name"])),
        SimpleRule(meta("CL-CT-048", "SSH key pushed through EC2 Instance Connect", .low, "lateral-movement",
                        "A temporary SSH public key was pushed to an instance or its serial console.",
                        "Instance Connect lets anyone with the IAM permission log in to instances without their key pair.",
                        "Confirm the operator; restrict ec2-instance-connect:SendSSHPublicKey by instance tag.",
                        ["requestParameters.instanceId", "requestParameters.instanceOSUser"],
                        [("MITRE-ATTACK", "T1021.004"), ("STRATUS", "aws.lateral-movement.ec2-instance-connect"),
                         ("STRATUS", "aws.lateral-movement.ec2-serial-console-send-ssh-public-key")]),
                   triggers: events("ec2-instance-connect.amazonaws.com", ["SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"]),
                   match: Match.succeeded(resourceType: "AWS::EC2::Instance", keys: ["instanceId"])),
        SimpleRule(meta("CL-CT-049", "Command run on instances through SSM", .info, "execution",
                        "A command was sent to instances, or an interactive session started, through Systems Manager.",
                        "SSM runs commands as root on managed instances; it is an administration tool and an attacker's favourite.",
                        "Confirm the operator and the document run.",
                        ["requestParameters.documentName", "requestParameters.instanceIds", "requestParameters.target"],
                        [("MITRE-ATTACK", "T1651"), ("STRATUS", "aws.execution.ssm-send-command"), ("STRATUS", "aws.execution.ssm-start-session")]),
                   triggers: events("ssm.amazonaws.com", ["SendCommand", "StartSession"]),
                   match: Match.succeeded(resourceType: "AWS::EC2::Instance", keys: ["target", "instanceIds", "documentName"])),
        SimpleRule(meta("CL-CT-050", "Instance user data modified", .medium, "execution",
                        "An instance's user data was replaced.",
                        "User data runs as root on the next start: a way to run code on an instance without logging in.",
                        "Compare the new user data with your launch template; restore it if it is not yours.",
                        ["requestParameters.instanceId"],
                        [("MITRE-ATTACK", "T1059.009"), ("STRATUS", "aws.execution.ec2-user-data")]),
                   triggers: [EventKey("ec2.amazonaws.com", "ModifyInstanceAttribute")]) { e, r in
            guard e.errorCode.isEmpty, r?["userData"] != nil || r?["attribute"]?.string == "userData" else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::Instance", resourceID: r?["instanceId"]?.string ?? "")
        },
        SimpleRule(meta("CL-CT-051", "New default version of a managed policy", .medium, "privilege-escalation",
                        "A managed policy got a new default version, created as default or switched to with SetDefaultPolicyVersion.",
                        "Whoever can set the default version of a policy attached to them can grant themselves anything.",
                        "Review the new version; restrict iam:CreatePolicyVersion and iam:SetDefaultPolicyVersion.",
                        ["requestParameters.policyArn", "requestParameters.versionId"],
                        [("MITRE-ATTACK", "T1098"), ("AWS-SECURITY-HUB", "IAM.21")]),
                   triggers: events("iam.amazonaws.com", ["CreatePolicyVersion", "SetDefaultPolicyVersion"])) { e, r in
            guard e.errorCode.isEmpty else { return nil }
            if e.eventName == "CreatePolicyVersion" && r?["setAsDefault"]?.bool != true { return nil }
            return RuleMatch(resourceType: "AWS::IAM::ManagedPolicy", resourceID: r?["policyArn"]?.string ?? "")
        },
        SimpleRule(meta("CL-CT-052", "Unusual EC2 instance types launched", .medium, "impact",
                        "Instances of a GPU or very large family were launched.",
                        "Stolen credentials are often used to mine cryptocurrency on the biggest instances the account allows.",
                        "Confirm the workload; terminate unknown instances and set service quotas or SCPs on instance types.",
                        ["requestParameters.instanceType"],
                        [("MITRE-ATTACK", "T1496"), ("STRATUS", "aws.execution.ec2-launch-unusual-instances")]),
                   triggers: [EventKey("ec2.amazonaws.com", "RunInstances")]) { e, r in
            guard e.errorCode.isEmpty, let type = r?["instanceType"]?.string else { return nil }
            let family = type.split(separator: ".").first.map(String.init) ?? ""
            let gpu = ["p2", "p3", "p4d", "p4de", "p5", "g3", "g4dn", "g4ad", "g5", "g5g", "g6", "dl1", "trn1", "inf2", "x1", "x1e", "x2iedn"]
            guard gpu.contains(family) || type.hasSuffix(".metal") || type.contains("48xlarge") || type.contains("32xlarge") else { return nil }
            return RuleMatch(resourceType: "AWS::EC2::Instance", resourceID: type, evidence: ["instanceType": type])
        },
        SimpleRule(meta("CL-CT-053", "SES sending limits enumerated", .low, "discovery",
                        "A principal asked SES whether sending is enabled or what its quota is.",
                        "Before spamming or phishing from a breached account, attackers check whether it can send mail.",
                        "Confirm the caller is a mail application; otherwise review its credentials.",
                        ["eventName"],
                        [("MITRE-ATTACK", "T1526"), ("STRATUS", "aws.discovery.ses-enumerate")]),
                   triggers: events("ses.amazonaws.com", ["GetAccountSendingEnabled", "GetSendQuota"])) { e, _ in
            guard e.errorCode.isEmpty else { return nil }
            return RuleMatch(resourceType: "AWS::SES::Account", resourceID: e.userIdentity.arn)
        },
    ]
}
