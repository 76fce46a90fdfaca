import CloudTrail
import Foundation
import Wire

/// The REST shape of a finding (see proto/openapi.yaml).
struct FindingJSON: Encodable {
    struct Ref: Encodable {
        var framework: String
        var id: String
    }

    var id, tenant_id, rule_id, title, severity, category, status: String
    var resource_type, resource_id, account_id, region, actor_arn: String
    var event_ids: [String]
    var count: Int64
    var evidence: [String: String]
    var description, remediation: String
    var references: [Ref]
    var first_seen, last_seen, created_at: String

    init(_ f: CLFinding) {
        id = f.id
        tenant_id = f.tenantID
        rule_id = f.ruleID
        title = f.title
        severity = ["unspecified", "info", "low", "medium", "high", "critical"][max(0, min(5, f.severity.rawValue))]
        category = f.category
        status = ["unspecified", "open", "acknowledged", "resolved", "suppressed"][max(0, min(4, f.status.rawValue))]
        resource_type = f.resourceType
        resource_id = f.resourceID
        account_id = f.accountID
        region = f.region
        actor_arn = f.actorArn
        event_ids = f.eventIds
        count = f.count
        evidence = f.evidence
        description = f.description_p
        remediation = f.remediation
        references = f.references.map { Ref(framework: $0.framework, id: $0.id) }
        first_seen = ISO8601.format(milliseconds: f.firstSeenMs)
        last_seen = ISO8601.format(milliseconds: f.lastSeenMs)
        created_at = ISO8601.format(milliseconds: f.createdAtMs)
    }
}

struct FindingListJSON: Encodable {
    var findings: [FindingJSON]
    var next_page_token: String?
}
