/// The condition keys of a request and their values. Keys are case-insensitive, as in IAM; every key holds a list
/// (single-valued keys hold one element).
public struct RequestContext: Sendable, Hashable {
    private var storage: [String: [String]]

    public init(_ values: [String: [String]] = [:]) {
        storage = [:]
        for (key, value) in values { storage[key.lowercased()] = value }
    }

    /// The values of `key`, or nil when the request does not carry it.
    public subscript(key: String) -> [String]? {
        get { storage[key.lowercased()] }
        set { storage[key.lowercased()] = newValue }
    }

    /// The single value of `key`, when it has exactly one.
    public func single(_ key: String) -> String? {
        guard let values = storage[key.lowercased()], values.count == 1 else { return nil }
        return values[0]
    }

    /// The lowercased keys present.
    public var keys: [String] { storage.keys.sorted() }
}
