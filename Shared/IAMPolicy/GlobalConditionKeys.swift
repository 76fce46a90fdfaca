/// The global `aws:` condition keys and their value types (the service-specific keys come from the catalog).
/// Keys ending in `/` take a tag key or attribute name after the slash.
public enum GlobalConditionKeys {
    public static let types: [String: String] = [
        "aws:assumedroot": "Bool",
        "aws:calledvia": "ArrayOfString",
        "aws:calledviafirst": "String",
        "aws:calledvialast": "String",
        "aws:chatbotsourcearn": "ARN",
        "aws:currenttime": "Date",
        "aws:ec2instancesourceprivateipv4": "IPAddress",
        "aws:ec2instancesourcevpc": "String",
        "aws:epochtime": "Date",
        "aws:federatedprovider": "String",
        "aws:multifactorauthage": "Numeric",
        "aws:multifactorauthpresent": "Bool",
        "aws:principalaccount": "String",
        "aws:principalarn": "ARN",
        "aws:principalisawsservice": "Bool",
        "aws:principalorgid": "String",
        "aws:principalorgpaths": "ArrayOfString",
        "aws:principalservicename": "String",
        "aws:principalservicenameslist": "ArrayOfString",
        "aws:principaltype": "String",
        "aws:referer": "String",
        "aws:requestedregion": "String",
        "aws:resourceaccount": "String",
        "aws:resourceorgid": "String",
        "aws:resourceorgpaths": "ArrayOfString",
        "aws:securetransport": "Bool",
        "aws:sourceaccount": "String",
        "aws:sourcearn": "ARN",
        "aws:sourceidentity": "String",
        "aws:sourceip": "IPAddress",
        "aws:sourceorgid": "String",
        "aws:sourceorgpaths": "ArrayOfString",
        "aws:sourcevpc": "String",
        "aws:sourcevpcarn": "ARN",
        "aws:sourcevpce": "String",
        "aws:tagkeys": "ArrayOfString",
        "aws:tokenissuetime": "Date",
        "aws:useragent": "String",
        "aws:userid": "String",
        "aws:username": "String",
        "aws:viaawsservice": "Bool",
        "aws:vpcsourceip": "IPAddress",
    ]

    /// Keys that take a suffix after `/`.
    public static let prefixTypes: [String: String] = [
        "aws:principaltag/": "String",
        "aws:requesttag/": "String",
        "aws:resourcetag/": "String",
        "aws:requestattribute/": "String",
    ]

    /// The type of a global key, or nil when it is not an `aws:` key IAM knows.
    public static func type(of key: String) -> String? {
        let lower = key.lowercased()
        if let type = types[lower] { return type }
        for (prefix, type) in prefixTypes where lower.hasPrefix(prefix) && lower.count > prefix.count {
            return type
        }
        return nil
    }

    /// Keys that, with a positive operator and specific values, really narrow who or where a grant applies to.
    public static let narrowing: Set<String> = [
        "aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid", "aws:principalorgpaths", "aws:sourceaccount",
        "aws:sourcearn", "aws:principalaccount", "aws:sourceip", "aws:sourceorgid", "aws:sourceorgpaths",
        "aws:principalarn", "aws:vpcsourceip",
    ]
}
