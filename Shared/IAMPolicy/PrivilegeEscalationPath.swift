/// A known way for a principal to gain more permissions than it was given: every action of `actions` together is
/// enough. Names and action sets are facts about IAM; the descriptions are ours.
public struct PrivilegeEscalationPath: Sendable, Hashable {
    /// Stable name, used in the finding id `IAM-PRIVESC-<name>`.
    public var name: String
    /// All of these must be allowed.
    public var actions: [String]
    public var severity: Severity
    /// What an attacker does with it.
    public var explanation: String

    public init(name: String, actions: [String], severity: Severity, explanation: String) {
        self.name = name
        self.actions = actions
        self.severity = severity
        self.explanation = explanation
    }

    /// The paths the analyzer checks.
    public static let known: [PrivilegeEscalationPath] = [
        .init(name: "CreatePolicyVersion", actions: ["iam:CreatePolicyVersion"], severity: .critical,
              explanation: "can write a new default version of a managed policy it is attached to, granting itself anything"),
        .init(name: "SetDefaultPolicyVersion", actions: ["iam:SetDefaultPolicyVersion"], severity: .critical,
              explanation: "can switch a managed policy to an older, broader version"),
        .init(name: "AttachUserPolicy", actions: ["iam:AttachUserPolicy"], severity: .critical,
              explanation: "can attach AdministratorAccess (or any managed policy) to a user, including itself"),
        .init(name: "AttachGroupPolicy", actions: ["iam:AttachGroupPolicy"], severity: .critical,
              explanation: "can attach any managed policy to a group it belongs to"),
        .init(name: "AttachRolePolicy", actions: ["iam:AttachRolePolicy"], severity: .critical,
              explanation: "can attach any managed policy to a role it uses or can assume"),
        .init(name: "PutUserPolicy", actions: ["iam:PutUserPolicy"], severity: .critical,
              explanation: "can write an inline policy with any permissions onto a user, including itself"),
        .init(name: "PutGroupPolicy", actions: ["iam:PutGroupPolicy"], severity: .critical,
              explanation: "can write an inline policy with any permissions onto a group it belongs to"),
        .init(name: "PutRolePolicy", actions: ["iam:PutRolePolicy"], severity: .critical,
              explanation: "can write an inline policy with any permissions onto a role it uses"),
        .init(name: "AddUserToGroup", actions: ["iam:AddUserToGroup"], severity: .critical,
              explanation: "can add itself to a more privileged group"),
        .init(name: "UpdateAssumeRolePolicy", actions: ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], severity: .critical,
              explanation: "can rewrite a role's trust policy to trust itself and then assume the role"),
        .init(name: "CreateAccessKey", actions: ["iam:CreateAccessKey"], severity: .high,
              explanation: "can create access keys for other users and act as them"),
        .init(name: "CreateLoginProfile", actions: ["iam:CreateLoginProfile"], severity: .high,
              explanation: "can give a console password to another user and sign in as them"),
        .init(name: "UpdateLoginProfile", actions: ["iam:UpdateLoginProfile"], severity: .high,
              explanation: "can change another user's console password and sign in as them"),
        .init(name: "PassRoleToEC2", actions: ["iam:PassRole", "ec2:RunInstances"], severity: .high,
              explanation: "can start an instance with a more privileged role and read the role's credentials from it"),
        .init(name: "PassRoleToLambda", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
              severity: .high, explanation: "can create and run a function that executes with a more privileged role"),
        .init(name: "PassRoleToLambdaEventSource",
              actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"], severity: .high,
              explanation: "can create a function with a more privileged role and have an event source trigger it"),
        .init(name: "UpdateLambdaCode", actions: ["lambda:UpdateFunctionCode"], severity: .high,
              explanation: "can replace the code of an existing function and run as its role"),
        .init(name: "PassRoleToGlue", actions: ["iam:PassRole", "glue:CreateDevEndpoint"], severity: .high,
              explanation: "can create a Glue development endpoint with a more privileged role and log in to it"),
        .init(name: "UpdateGlueDevEndpoint", actions: ["glue:UpdateDevEndpoint"], severity: .high,
              explanation: "can add its own SSH key to an existing Glue development endpoint and use its role"),
        .init(name: "PassRoleToCloudFormation", actions: ["iam:PassRole", "cloudformation:CreateStack"], severity: .high,
              explanation: "can launch a stack that creates resources with a more privileged role"),
        .init(name: "PassRoleToDataPipeline",
              actions: ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
              severity: .high, explanation: "can define a pipeline that runs commands with a more privileged role"),
        .init(name: "PassRoleToSageMaker",
              actions: ["iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
              severity: .high, explanation: "can open a notebook that runs with a more privileged role"),
        .init(name: "PassRoleToCodeBuild", actions: ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"],
              severity: .high, explanation: "can run a build whose commands execute with a more privileged role"),
        .init(name: "PassRoleToECS",
              actions: ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"], severity: .high,
              explanation: "can run a container task with a more privileged task role"),
    ]
}

/// Action lists for the data-exfiltration, credentials-exposure and resource-exposure checks.
public enum SensitiveActions {
    /// Reading data or secrets out of the account.
    public static let dataExfiltration = [
        "s3:GetObject", "s3:GetObjectVersion", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue", "kms:Decrypt", "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem",
        "rds:DownloadDBLogFilePortion", "ec2:GetPasswordData",
    ]

    /// Creating or returning credentials, keys or tokens.
    public static let credentialsExposure = [
        "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateServiceSpecificCredential",
        "iam:ResetServiceSpecificCredential", "iam:UploadSSHPublicKey", "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile", "sts:GetSessionToken", "sts:GetFederationToken", "ecr:GetAuthorizationToken",
        "redshift:GetClusterCredentials", "cognito-identity:GetCredentialsForIdentity",
        "lightsail:GetInstanceAccessDetails", "lightsail:DownloadDefaultKeyPair", "ec2:GetPasswordData",
        "codeartifact:GetAuthorizationToken", "gamelift:RequestUploadCredentials",
    ]

    /// Changing who can access a resource (resource policies, ACLs, sharing).
    public static let resourceExposure = [
        "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl",
        "s3:PutBucketPublicAccessBlock", "s3:PutAccountPublicAccessBlock", "kms:PutKeyPolicy", "kms:CreateGrant",
        "sqs:AddPermission", "sqs:SetQueueAttributes", "sns:AddPermission", "sns:SetTopicAttributes",
        "lambda:AddPermission", "lambda:AddLayerVersionPermission", "ecr:SetRepositoryPolicy",
        "secretsmanager:PutResourcePolicy", "glacier:SetVaultAccessPolicy", "iam:UpdateAssumeRolePolicy",
        "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute", "rds:ModifyDBSnapshotAttribute",
        "backup:PutBackupVaultAccessPolicy", "elasticfilesystem:PutFileSystemPolicy", "ram:CreateResourceShare",
        "logs:PutResourcePolicy", "events:PutPermission", "glue:PutResourcePolicy", "apigateway:UpdateRestApiPolicy",
    ]

    /// Services where a `service:*` grant is especially dangerous.
    public static let sensitiveServices: Set<String> = [
        "iam", "sts", "organizations", "kms", "secretsmanager", "ssm", "lambda", "ec2", "s3", "cloudtrail",
        "config", "guardduty", "securityhub", "account", "sso", "identitystore",
    ]
}
