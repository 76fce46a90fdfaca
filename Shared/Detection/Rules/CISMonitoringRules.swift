import CloudTrail
import Wire

/// The CIS AWS Foundations Benchmark monitoring controls (section 4 of v3.0), each as a real-time rule on the
/// events the control asks to alarm on. Security Hub's CloudWatch.1–14 controls are the same checks.
enum CISMonitoringRules {
    static let unauthorizedCodes: Set<String> = ["AccessDenied", "UnauthorizedOperation", "Client.UnauthorizedOperation",
                                                 "AccessDeniedException", "UnauthorizedAccess"]

    static let all: [any EventRule] = [
        SimpleRule(RuleMetadata(
            id: "CL-CT-003", title: "API call denied for lack of permission", severity: .low, category: "reconnaissance",
            description: "A principal called an API it is not allowed to use and AWS refused it.",
            rationale: "One denied call is usually a mistake; they are recorded because bursts of them are how stolen "
                + "credentials are probed. The stateful rule CL-ST-002 raises a higher-severity finding for bursts.",
            remediation: "Check whether the principal should have this permission. If the caller is unexpected, "
                + "review its recent activity and rotate its credentials.",
            evidenceFields: ["errorCode", "errorMessage", "userIdentity.arn"],
            references: [("CIS-AWS-3.0", "4.1"), ("AWS-SECURITY-HUB", "CloudWatch.2"), ("MITRE-ATTACK", "T1580")]),
            triggers: [anyFailedCall]) { e, _ in
                guard unauthorizedCodes.contains(e.errorCode) || e.errorCode.hasSuffix("UnauthorizedOperation") else { return nil }
                return RuleMatch(resourceType: "AWS::IAM::Principal", resourceID: e.userIdentity.arn,
                                 evidence: ["errorCode": e.errorCode, "errorMessage": e.errorMessage])
            },
        SimpleRule(RuleMetadata(
            id: "CL-CT-004", title: "Console sign-in without MFA", severity: .medium, category: "initial-access",
            description: "An IAM user signed in to the AWS console with a password alone.",
            rationale: "A password is one leaked credential away from an attacker. Console access without a second "
                + "factor is the easiest way in for phished or reused passwords.",
            remediation: "Require MFA for the user (an IAM policy that denies everything without aws:MultiFactorAuthPresent "
                + "except managing one's own MFA), or move people to IAM Identity Center with MFA enforced.",
            evidenceFields: ["additionalEventData.MFAUsed", "responseElements.ConsoleLogin", "userIdentity.arn"],
            references: [("CIS-AWS-3.0", "4.2"), ("AWS-SECURITY-HUB", "CloudWatch.3"), ("MITRE-ATTACK", "T1078.004"),
                         ("STRATUS", "aws.initial-access.console-login-without-mfa")]),
            triggers: [EventKey("signin.amazonaws.com", "ConsoleLogin")]) { e, _ in
                let extra = try? JSONParser.parse(Array(e.additionalEventDataJson.utf8)).value
                let response = try? JSONParser.parse(Array(e.responseElementsJson.utf8)).value
                guard extra?["MFAUsed"]?.string == "No", response?["ConsoleLogin"]?.string == "Success",
                      e.userIdentity.type == "IAMUser" else { return nil }
                return RuleMatch(resourceType: "AWS::IAM::User", resourceID: e.userIdentity.arn, evidence: ["MFAUsed": "No"])
            },
        SimpleRule(RuleMetadata(
            id: "CL-CT-005", title: "Root user used", severity: .high, category: "privileged-access",
            description: "The account's root user made an API call or signed in.",
            rationale: "Root cannot be limited by IAM policies and is needed for only a handful of tasks. Everyday use "
                + "means the most powerful credential in the account is exposed far more than it should be.",
            remediation: "Confirm the task needed root. Otherwise use an IAM role, make sure root has hardware MFA and no "
                + "access keys, and lock its credentials away.",
            evidenceFields: ["userIdentity.type", "eventName", "sourceIPAddress"],
            references: [("CIS-AWS-3.0", "4.3"), ("CIS-AWS-3.0", "1.7"), ("AWS-SECURITY-HUB", "CloudWatch.1"),
                         ("MITRE-ATTACK", "T1078.004")]),
            triggers: [anyRootCall]) { e, _ in
                guard e.userIdentity.type == "Root", e.userIdentity.invokedBy.isEmpty, e.eventType != "AwsServiceEvent" else { return nil }
                return RuleMatch(resourceType: "AWS::Account", resourceID: "arn:aws:iam::\(Fields.ownAccount(e)):root",
                                 evidence: ["userIdentity.type": "Root"])
            },
        SimpleRule(RuleMetadata(
            id: "CL-CT-006", title: "IAM policy changed", severity: .low, category: "iam-change",
            description: "An IAM policy was created, changed, deleted, attached or detached.",
            rationale: "Permission changes decide who can do what. Tracking them lets you catch grants nobody approved.",
            remediation: "Check the change against an approved request; revert it if it has none.",
            evidenceFields: ["eventName", "requestParameters.policyArn", "requestParameters.policyName"],
            references: [("CIS-AWS-3.0", "4.4"), ("AWS-SECURITY-HUB", "CloudWatch.4"), ("MITRE-ATTACK", "T1098")]),
            triggers: events("iam.amazonaws.com", ["DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
                                                   "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy",
                                                   "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
                                                   "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                                                   "AttachGroupPolicy", "DetachGroupPolicy"]),
            match: Match.succeeded(resourceType: "AWS::IAM::Policy",
                                   keys: ["policyArn", "roleName", "userName", "groupName", "policyName"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-007", title: "CloudTrail configuration changed", severity: .medium, category: "defense-evasion",
            description: "A trail was created, updated, or had logging started or its event selectors changed.",
            rationale: "Changing what a trail records, or where it writes, can blind you as surely as stopping it.",
            remediation: "Confirm the change was planned and that the trail still records management events in every "
                + "region to a protected bucket.",
            evidenceFields: ["eventName", "requestParameters.name"],
            references: [("CIS-AWS-3.0", "4.5"), ("AWS-SECURITY-HUB", "CloudWatch.5"), ("MITRE-ATTACK", "T1562.008")]),
            triggers: events("cloudtrail.amazonaws.com", ["CreateTrail", "UpdateTrail", "StartLogging"]),
            match: Match.succeeded(resourceType: "AWS::CloudTrail::Trail", keys: ["name", "trailName"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-008", title: "Console sign-in failed", severity: .low, category: "credential-access",
            description: "A console password sign-in failed.",
            rationale: "Single failures are typos; repeated ones are guessing. CL-ST-001 raises the burst as a "
                + "brute-force finding.",
            remediation: "If the attempts are not the user's own, make sure MFA is on and look at the source addresses.",
            evidenceFields: ["errorMessage", "sourceIPAddress", "additionalEventData.LoginTo"],
            references: [("CIS-AWS-3.0", "4.6"), ("AWS-SECURITY-HUB", "CloudWatch.6"), ("MITRE-ATTACK", "T1110")]),
            triggers: [EventKey("signin.amazonaws.com", "ConsoleLogin")]) { e, _ in
                let response = try? JSONParser.parse(Array(e.responseElementsJson.utf8)).value
                guard response?["ConsoleLogin"]?.string == "Failure" || e.errorMessage == "Failed authentication" else { return nil }
                let who = e.userIdentity.userName.isEmpty ? e.userIdentity.arn : e.userIdentity.userName
                return RuleMatch(resourceType: "AWS::IAM::User", resourceID: who, evidence: ["errorMessage": e.errorMessage])
            },
        SimpleRule(RuleMetadata(
            id: "CL-CT-009", title: "KMS key disabled or scheduled for deletion", severity: .high, category: "impact",
            description: "A customer-managed KMS key was disabled or scheduled for deletion.",
            rationale: "Data encrypted under the key becomes unreadable while it is disabled, and for good once it is "
                + "deleted: an outage at best, ransom or destruction at worst.",
            remediation: "If unplanned, cancel the deletion (CancelKeyDeletion) and re-enable the key (EnableKey) within "
                + "the waiting period, and restrict kms:ScheduleKeyDeletion to a few administrators.",
            evidenceFields: ["requestParameters.keyId", "requestParameters.pendingWindowInDays"],
            references: [("CIS-AWS-3.0", "4.7"), ("AWS-SECURITY-HUB", "CloudWatch.7"), ("MITRE-ATTACK", "T1485")]),
            triggers: events("kms.amazonaws.com", ["DisableKey", "ScheduleKeyDeletion"]),
            match: Match.succeeded(resourceType: "AWS::KMS::Key", keys: ["keyId", "pendingWindowInDays"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-010", title: "S3 bucket access policy changed", severity: .low, category: "data-exposure",
            description: "A bucket's policy, ACL, CORS, lifecycle or replication configuration was changed or removed.",
            rationale: "These settings decide who can read a bucket, where its data is copied and when it is deleted.",
            remediation: "Review the new setting; CL-CT-001, CL-CT-021, CL-CT-036 and CL-CT-037 flag the dangerous ones (and then replace this finding).",
            evidenceFields: ["eventName", "requestParameters.bucketName"],
            references: [("CIS-AWS-3.0", "4.8"), ("AWS-SECURITY-HUB", "CloudWatch.8")]),
            triggers: events("s3.amazonaws.com", ["PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
                                                  "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors",
                                                  "DeleteBucketLifecycle", "DeleteBucketReplication"]),
            match: Match.succeeded(resourceType: "AWS::S3::Bucket", keys: ["bucketName"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-011", title: "AWS Config recording changed or stopped", severity: .medium, category: "defense-evasion",
            description: "The Config recorder was stopped or changed, or its delivery channel was changed or deleted.",
            rationale: "Config is the record of how resources were configured over time; stopping it hides changes.",
            remediation: "Restart the recorder (StartConfigurationRecorder) and restore the delivery channel.",
            evidenceFields: ["eventName", "requestParameters.configurationRecorderName"],
            references: [("CIS-AWS-3.0", "4.9"), ("AWS-SECURITY-HUB", "CloudWatch.9"), ("MITRE-ATTACK", "T1562.001")]),
            triggers: events("config.amazonaws.com", ["StopConfigurationRecorder", "DeleteDeliveryChannel",
                                                      "PutDeliveryChannel", "PutConfigurationRecorder",
                                                      "DeleteConfigurationRecorder"]),
            match: Match.succeeded(resourceType: "AWS::Config::ConfigurationRecorder",
                                   keys: ["configurationRecorderName", "deliveryChannelName"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-012", title: "Security group changed", severity: .info, category: "network-change",
            description: "A security group was created, deleted, or had rules added or removed.",
            rationale: "Security groups are the instance firewall; every change can open a path in. CL-CT-040 flags "
                + "openings to the internet.",
            remediation: "Check the change against the intended network design.",
            evidenceFields: ["eventName", "requestParameters.groupId"],
            references: [("CIS-AWS-3.0", "4.10"), ("AWS-SECURITY-HUB", "CloudWatch.10")]),
            triggers: events("ec2.amazonaws.com", ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                                                   "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                                                   "CreateSecurityGroup", "DeleteSecurityGroup",
                                                   "ModifySecurityGroupRules"]),
            match: Match.succeeded(resourceType: "AWS::EC2::SecurityGroup", keys: ["groupId", "groupName"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-013", title: "Network ACL changed", severity: .info, category: "network-change",
            description: "A network ACL or one of its entries was created, replaced or deleted.",
            rationale: "NACLs filter whole subnets; a permissive entry exposes everything in them.",
            remediation: "Check the change against the intended network design.",
            evidenceFields: ["eventName", "requestParameters.networkAclId"],
            references: [("CIS-AWS-3.0", "4.11"), ("AWS-SECURITY-HUB", "CloudWatch.11")]),
            triggers: events("ec2.amazonaws.com", ["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                                                   "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                                                   "ReplaceNetworkAclAssociation"]),
            match: Match.succeeded(resourceType: "AWS::EC2::NetworkAcl", keys: ["networkAclId", "associationId"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-014", title: "Network gateway changed", severity: .low, category: "network-change",
            description: "An internet or customer gateway was created, attached, detached or deleted.",
            rationale: "Gateways are the doors between a VPC and other networks; a new one can create an unmonitored path.",
            remediation: "Confirm the gateway belongs to an approved design; remove it otherwise.",
            evidenceFields: ["eventName", "requestParameters.internetGatewayId"],
            references: [("CIS-AWS-3.0", "4.12"), ("AWS-SECURITY-HUB", "CloudWatch.12")]),
            triggers: events("ec2.amazonaws.com", ["CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                                   "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"]),
            match: Match.succeeded(resourceType: "AWS::EC2::InternetGateway",
                                   keys: ["internetGatewayId", "customerGatewayId", "vpcId"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-015", title: "Route table changed", severity: .info, category: "network-change",
            description: "A route or route table was created, replaced, disassociated or deleted.",
            rationale: "Routes decide where traffic goes; a changed route can send it past your inspection points.",
            remediation: "Check the change against the intended routing.",
            evidenceFields: ["eventName", "requestParameters.routeTableId"],
            references: [("CIS-AWS-3.0", "4.13"), ("AWS-SECURITY-HUB", "CloudWatch.13")]),
            triggers: events("ec2.amazonaws.com", ["CreateRoute", "CreateRouteTable", "ReplaceRoute",
                                                   "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute",
                                                   "DisassociateRouteTable"]),
            match: Match.succeeded(resourceType: "AWS::EC2::RouteTable", keys: ["routeTableId", "associationId"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-016", title: "VPC changed", severity: .low, category: "network-change",
            description: "A VPC, its attributes, a peering connection or ClassicLink setting changed.",
            rationale: "Peering and VPC changes join networks that were meant to be separate.",
            remediation: "Confirm the change was planned; remove unapproved peering connections.",
            evidenceFields: ["eventName", "requestParameters.vpcId"],
            references: [("CIS-AWS-3.0", "4.14"), ("AWS-SECURITY-HUB", "CloudWatch.14")]),
            triggers: events("ec2.amazonaws.com", ["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                                                   "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
                                                   "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                                                   "DisableVpcClassicLink", "EnableVpcClassicLink"]),
            match: Match.succeeded(resourceType: "AWS::EC2::VPC", keys: ["vpcId", "vpcPeeringConnectionId"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-017", title: "AWS Organizations changed", severity: .medium, category: "governance-change",
            description: "Accounts, organizational units or organization policies (SCPs) were changed.",
            rationale: "The organization is where guardrails such as SCPs live; changes there weaken every account below.",
            remediation: "Confirm the change with the organization's owners; restore removed guardrails.",
            evidenceFields: ["eventName", "requestParameters.policyId", "requestParameters.accountId"],
            references: [("CIS-AWS-3.0", "4.15"), ("MITRE-ATTACK", "T1666")]),
            triggers: events("organizations.amazonaws.com", ["AcceptHandshake", "AttachPolicy", "CreateAccount",
                                                             "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake",
                                                             "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
                                                             "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
                                                             "InviteAccountToOrganization", "MoveAccount",
                                                             "RemoveAccountFromOrganization", "UpdatePolicy",
                                                             "UpdateOrganizationalUnit"]),
            match: Match.succeeded(resourceType: "AWS::Organizations::Organization",
                                   keys: ["policyId", "accountId", "organizationalUnitId", "name"])),
        SimpleRule(RuleMetadata(
            id: "CL-CT-018", title: "Security Hub disabled or weakened", severity: .high, category: "defense-evasion",
            description: "Security Hub was disabled, standards were turned off, or member accounts were removed.",
            rationale: "Security Hub gathers findings from every detector; turning it off removes the alarm panel.",
            remediation: "Re-enable Security Hub and its standards, and restrict who may disable them.",
            evidenceFields: ["eventName"],
            references: [("CIS-AWS-3.0", "4.16"), ("MITRE-ATTACK", "T1562.001")]),
            triggers: events("securityhub.amazonaws.com", ["DisableSecurityHub", "BatchDisableStandards", "DeleteMembers",
                                                           "DisassociateMembers", "DisableImportFindingsForProduct",
                                                           "DisableOrganizationAdminAccount"]),
            match: Match.succeeded(resourceType: "AWS::SecurityHub::Hub", keys: ["HubArn", "AccountIds"])),
    ]
}
