import CloudTrail
import Wire

/// The built-in stateful rules.
enum StatefulCatalog {
    static let destructive: [EventKey] = events("s3.amazonaws.com", ["DeleteBucket", "DeleteObjects", "PutBucketPolicy"])
        + events("ec2.amazonaws.com", ["TerminateInstances", "DeleteSnapshot", "DeleteVolume", "ModifySnapshotAttribute"])
        + events("rds.amazonaws.com", ["DeleteDBInstance", "DeleteDBCluster", "DeleteDBSnapshot"])
        + events("kms.amazonaws.com", ["ScheduleKeyDeletion", "DisableKey"])
        + events("iam.amazonaws.com", ["CreateUser", "CreateAccessKey", "AttachUserPolicy", "AttachRolePolicy"])
        + events("dynamodb.amazonaws.com", ["DeleteTable"])

    static let all: [any StatefulRule] = [
        ThresholdRule(ThreatRules.meta("CL-ST-001", "Burst of failed console sign-ins", .high, "credential-access",
                                       "At least 10 console sign-ins failed for one user, or from one address, within 5 minutes.",
                                       "That many failures in so short a time is password guessing, not a forgetful user.",
                                       "Make sure the user has MFA, look at the source addresses, and reset the password if any attempt succeeded.",
                                       ["userIdentity.userName", "sourceIPAddress", "errorMessage"],
                                       [("CIS-AWS-3.0", "4.6"), ("MITRE-ATTACK", "T1110"), ("AWS-SECURITY-HUB", "CloudWatch.6")]),
                      triggers: [EventKey("signin.amazonaws.com", "ConsoleLogin")], threshold: 10, window: .seconds(300),
                      resourceType: "AWS::IAM::User") { e, _ in
            let response = try? JSONParser.parse(Array(e.responseElementsJson.utf8)).value
            guard response?["ConsoleLogin"]?.string == "Failure" || e.errorMessage == "Failed authentication" else { return [] }
            var keys: [String] = []
            let user = e.userIdentity.userName.isEmpty ? e.userIdentity.arn : e.userIdentity.userName
            if !user.isEmpty { keys.append("user:\(user)") }
            if !e.sourceIpAddress.isEmpty { keys.append("ip:\(e.sourceIpAddress)") }
            return keys
        },
        ThresholdRule(ThreatRules.meta("CL-ST-002", "Burst of denied API calls from one access key", .high, "reconnaissance",
                                       "At least 20 calls made with one access key were denied within 2 minutes.",
                                       "Stolen keys are probed by trying many calls to learn what they may do; a burst of denials is the trace it leaves.",
                                       "Find the key's owner; if the calls are not theirs, deactivate the key and review what it did successfully.",
                                       ["userIdentity.accessKeyId", "errorCode"],
                                       [("CIS-AWS-3.0", "4.1"), ("MITRE-ATTACK", "T1580"), ("AWS-SECURITY-HUB", "CloudWatch.2")]),
                      triggers: [anyFailedCall], threshold: 20, window: .seconds(120), resourceType: "AWS::IAM::AccessKey") { e, _ in
            guard CISMonitoringRules.unauthorizedCodes.contains(e.errorCode) || e.errorCode.hasSuffix("UnauthorizedOperation") else { return [] }
            let key = e.userIdentity.accessKeyID.isEmpty ? e.userIdentity.arn : e.userIdentity.accessKeyID
            return key.isEmpty ? [] : [key]
        },
        SequenceRule(ThreatRules.meta("CL-ST-003", "New user given administrator rights and an access key", .critical, "persistence",
                                      "The same principal created a user, gave it administrator rights and created an access key for it within an hour.",
                                      "This is the shortest path to a backdoor account: a fresh identity with full power and long-lived keys.",
                                      "Delete the user's keys and the user unless the change was approved, then investigate the actor.",
                                      ["requestParameters.userName", "requestParameters.policyArn"],
                                      [("MITRE-ATTACK", "T1136.003"), ("MITRE-ATTACK", "T1098.001"), ("STRATUS", "aws.persistence.iam-create-admin-user")]),
                     steps: [
                        .init([EventKey("iam.amazonaws.com", "CreateUser")]) { _, r, _ in
                            r?["userName"]?.string.map { ["user": $0] }
                        },
                        .init(events("iam.amazonaws.com", ["AttachUserPolicy", "PutUserPolicy", "AddUserToGroup"])) { _, r, captured in
                            guard r?["userName"]?.string == captured["user"] else { return nil }
                            let arn = r?["policyArn"]?.string ?? ""
                            let group = r?["groupName"]?.string ?? ""
                            let admin = ThreatRules.adminPolicyARNs.contains(arn)
                                || ThreatRules.grantsEverything(Fields.policy(r?["policyDocument"]))
                                || group.lowercased().contains("admin")
                            return admin ? ["grant": arn.isEmpty ? (group.isEmpty ? "inline *:*" : "group \(group)") : arn] : nil
                        },
                        .init([EventKey("iam.amazonaws.com", "CreateAccessKey"), EventKey("iam.amazonaws.com", "CreateLoginProfile")]) { _, r, captured in
                            r?["userName"]?.string == captured["user"] ? [:] : nil
                        },
                     ], window: .seconds(3600)),
        SequenceRule(ThreatRules.meta("CL-ST-004", "Logging stopped, then destructive or persistence actions", .critical, "defense-evasion",
                                      "A principal stopped or deleted a CloudTrail trail and then, within an hour, deleted data or created credentials.",
                                      "Turning off the recorder right before acting is what an intruder does; the pair is far stronger evidence than either alone.",
                                      "Treat the actor as compromised: revoke its sessions and keys, restart logging, and restore what was deleted.",
                                      ["eventName", "userIdentity.arn"],
                                      [("MITRE-ATTACK", "T1562.008"), ("MITRE-ATTACK", "T1485"), ("STRATUS", "aws.defense-evasion.cloudtrail-stop")]),
                     steps: [
                        .init(events("cloudtrail.amazonaws.com", ["StopLogging", "DeleteTrail"])) { e, _, _ in ["stopped": e.eventName] },
                        .init(destructive) { e, _, _ in ["then": e.eventName] },
                     ], window: .seconds(3600)),
        ThresholdRule(ThreatRules.meta("CL-ST-005", "Many secrets read by one principal", .high, "credential-access",
                                       "One principal read at least 10 different secrets or decrypted parameters within 5 minutes.",
                                       "Applications read the few secrets they need; sweeping many at once is credential harvesting.",
                                       "Identify the principal; rotate the secrets it read if it is not an approved tool.",
                                       ["userIdentity.arn", "requestParameters.secretId"],
                                       [("MITRE-ATTACK", "T1555.006"), ("STRATUS", "aws.credential-access.secretsmanager-retrieve-secrets")]),
                      triggers: events("secretsmanager.amazonaws.com", ["GetSecretValue", "BatchGetSecretValue"])
                          + events("ssm.amazonaws.com", ["GetParameter", "GetParameters"]),
                      threshold: 10, window: .seconds(300), resourceType: "AWS::IAM::Principal") { e, r in
            guard e.errorCode.isEmpty, !e.userIdentity.arn.isEmpty else { return [] }
            if e.eventSource == "ssm.amazonaws.com" && r?["withDecryption"]?.bool != true { return [] }
            return [e.userIdentity.arn]
        },
    ]
}
