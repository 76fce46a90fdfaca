/// What each role may do. Every route names the permission it needs; the table is the single place that decides.
///
/// | permission | admin | approver | operator | viewer |
/// |---|---|---|---|---|
/// | read (any GET) | yes | yes | yes | yes |
/// | manageKeys (API keys) | yes | | | |
/// | readAudit (the audit trail) | yes | | | |
/// | manageSettings (suppressions, custom rules, accounts, EventBridge secret) | yes | | | |
/// | triage (finding status) | yes | | yes | |
/// | ingest (post events, backfill, re-drive dead letters) | yes | | yes | |
/// | scan (IAM lint, IaC scans, analyses) | yes | | yes | |
/// | approve (approve or reject remediations) | yes | yes | | |
enum Permission: String, Sendable, CaseIterable {
    case read, manageKeys, readAudit, manageSettings, triage, ingest, scan, approve

    var phrase: String {
        switch self {
        case .read: "read"
        case .manageKeys: "manage API keys"
        case .readAudit: "read the audit trail"
        case .manageSettings: "change the tenant's settings (suppressions, custom rules, accounts, secrets)"
        case .triage: "change findings"
        case .ingest: "send or re-drive events"
        case .scan: "run scans and analyses"
        case .approve: "approve or reject remediations"
        }
    }
}

enum RolePolicy {
    static let grants: [String: Set<Permission>] = [
        "admin": Set(Permission.allCases),
        "approver": [.read, .approve],
        "operator": [.read, .triage, .ingest, .scan],
        "viewer": [.read],
    ]

    static func allows(_ role: String, _ permission: Permission) -> Bool { grants[role]?.contains(permission) ?? false }

    /// 403 naming the role and what it may not do.
    static func require(_ p: Principal, _ permission: Permission) throws {
        guard allows(p.role, permission) else {
            throw APIError.forbidden("a key with the \(p.role) role cannot \(permission.phrase)")
        }
    }
}
