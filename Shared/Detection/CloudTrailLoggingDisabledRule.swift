import CloudTrail
import Wire

/// A CloudTrail trail was stopped or deleted: the account stops recording API activity, the classic first step of
/// an intruder covering their tracks.
public struct CloudTrailLoggingDisabledRule: EventRule {
    public let metadata = RuleMetadata(
        id: "CL-CT-002",
        title: "CloudTrail logging stopped or trail deleted",
        severity: .critical,
        category: "defense-evasion",
        description: "A StopLogging or DeleteTrail call succeeded. From that moment the trail records nothing, so later "
            + "actions in the account leave no audit record in it.",
        rationale: "Audit logs are how you detect and investigate an intrusion. Turning them off is rarely routine and is "
            + "a common early step of an attacker who wants the rest of their actions to go unseen.",
        remediation: "Confirm with the actor whether the change was planned. If not, restart logging (StartLogging) or "
            + "recreate the trail, treat the actor's credentials as compromised, and review what the account did while "
            + "logging was off. Deny cloudtrail:StopLogging and cloudtrail:DeleteTrail in an SCP for everyone but a "
            + "break-glass role.",
        evidenceFields: ["eventName", "requestParameters.name", "userIdentity.arn"],
        references: [("CIS-AWS-3.0", "3.1"), ("CIS-AWS-3.0", "4.5"), ("AWS-SECURITY-HUB", "CloudTrail.1"),
                     ("MITRE-ATTACK", "T1562.008"), ("STRATUS", "aws.defense-evasion.cloudtrail-stop"),
                     ("STRATUS", "aws.defense-evasion.cloudtrail-delete")])

    public let triggers = [EventKey("cloudtrail.amazonaws.com", "StopLogging"),
                           EventKey("cloudtrail.amazonaws.com", "DeleteTrail")]

    public init() {}

    public func evaluate(_ event: CLCloudTrailEvent, request: JSONValue?) -> RuleMatch? {
        guard event.errorCode.isEmpty else { return nil }
        let name = request?["name"]?.string ?? ""
        let arn: String
        if name.hasPrefix("arn:") {
            arn = name
        } else if !name.isEmpty {
            let account = event.recipientAccountID.isEmpty ? event.userIdentity.accountID : event.recipientAccountID
            arn = "arn:aws:cloudtrail:\(event.awsRegion):\(account):trail/\(name)"
        } else {
            arn = ""
        }
        let verb = event.eventName == "DeleteTrail" ? "deleted" : "stopped"
        return RuleMatch(resourceType: "AWS::CloudTrail::Trail", resourceID: arn,
                         evidence: ["requestParameters.name": name],
                         title: name.isEmpty ? nil : "CloudTrail trail \(name.split(separator: "/").last.map(String.init) ?? name) \(verb)")
    }
}
