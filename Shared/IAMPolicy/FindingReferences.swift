/// The references each kind of finding carries. Keys: `securityHub`, `cis`, `parliament`, `cloudsplaining`.
enum FindingReferences {
    static let adminAccess: [String: [String]] = [
        "securityHub": ["IAM.1"],
        "cis": ["CIS AWS Foundations v1.4.0 1.16", "CIS AWS Foundations v3.0.0 1.15"],
        "cloudsplaining": ["ServiceWildcard"],
    ]
    static let serviceWildcard: [String: [String]] = ["securityHub": ["IAM.21"], "cloudsplaining": ["ServiceWildcard"]]
    static let resourceWildcardWrite: [String: [String]] = [
        "parliament": ["RESOURCE_STAR"], "cloudsplaining": ["InfrastructureModification"],
    ]
    static let privilegeEscalation: [String: [String]] = [
        "parliament": ["PRIVILEGE_ESCALATION"], "cloudsplaining": ["PrivilegeEscalation"],
    ]
    static let dataExfiltration: [String: [String]] = [
        "parliament": ["SENSITIVE_ACCESS"], "cloudsplaining": ["DataExfiltration"],
    ]
    static let credentialsExposure: [String: [String]] = [
        "parliament": ["CREDENTIALS_EXPOSURE"], "cloudsplaining": ["CredentialsExposure"],
    ]
    static let resourceExposure: [String: [String]] = [
        "parliament": ["PERMISSIONS_MANAGEMENT_ACTIONS"], "cloudsplaining": ["ResourceExposure"],
    ]
    static let notActionAllow: [String: [String]] = [:]
    static let notResourceAllow: [String: [String]] = ["parliament": ["NOTRESOURCE_WITH_ALLOW"]]
    static let notPrincipalAllow: [String: [String]] = ["parliament": ["NOTPRINCIPAL_WITH_ALLOW"]]
    static let anyPrincipal: [String: [String]] = [:]
    static let crossAccount: [String: [String]] = [:]
    static let unknownAction: [String: [String]] = ["parliament": ["UNKNOWN_ACTION"]]
    static let unknownService: [String: [String]] = ["parliament": ["UNKNOWN_PREFIX"]]
    static let invalidARN: [String: [String]] = ["parliament": ["INVALID_ARN"]]
    static let invalidPrincipal: [String: [String]] = ["parliament": ["UNKNOWN_PRINCIPAL"]]
    static let resourceMismatch: [String: [String]] = ["parliament": ["RESOURCE_MISMATCH"]]
    static let unknownOperator: [String: [String]] = ["parliament": ["UNKNOWN_OPERATOR"]]
    static let unknownConditionKey: [String: [String]] = ["parliament": ["UNKNOWN_CONDITION_FOR_ACTION"]]
    static let mismatchedType: [String: [String]] = ["parliament": ["MISMATCHED_TYPE"]]
    static let nullMisuse: [String: [String]] = ["parliament": ["MISMATCHED_TYPE_OPERATION_TO_NULL"]]
    static let mfaPattern: [String: [String]] = ["parliament": ["BAD_PATTERN_FOR_MFA"]]
    static let noVersion: [String: [String]] = ["parliament": ["NO_VERSION"]]
    static let oldVersion: [String: [String]] = ["parliament": ["OLD_VERSION"]]
    static let invalidVersion: [String: [String]] = ["parliament": ["INVALID_VERSION"]]
    /// Neither parliament nor cloudsplaining nor Security Hub has an equivalent check.
    static let redundantStatement: [String: [String]] = [:]

    static func publicAccess(write: Bool, services: Set<String>) -> [String: [String]] {
        var hub: [String] = []
        if services.contains("s3") { hub.append(write ? "S3.3" : "S3.2") }
        if services.contains("lambda") { hub.append("Lambda.1") }
        var refs: [String: [String]] = [:]
        if !hub.isEmpty { refs["securityHub"] = hub }
        refs["cloudsplaining"] = ["ResourceExposure"]
        return refs
    }
}
