/// The parameters of a query-protocol call, serialized the way botocore does it.
public struct QueryParameters: Sendable {
    public private(set) var items: [(String, String)] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String?) {
        if let value { items.append((name, value)) }
    }

    public mutating func add(_ name: String, _ value: Int?) { add(name, value.map(String.init)) }

    public mutating func add(_ name: String, _ value: Bool?) { add(name, value.map { $0 ? "true" : "false" }) }

    /// IAM/STS/RDS lists: `Name.member.1=a&Name.member.2=b`.
    public mutating func addMembers(_ name: String, _ values: [String]) {
        for (i, v) in values.enumerated() { items.append(("\(name).member.\(i + 1)", v)) }
    }

    /// EC2 lists: `Name.1=a&Name.2=b`.
    public mutating func addFlat(_ name: String, _ values: [String]) {
        for (i, v) in values.enumerated() { items.append(("\(name).\(i + 1)", v)) }
    }

    /// The form body for `Action` and `Version` plus the parameters.
    func body(action: String, version: String) -> [UInt8] {
        Array(AWSURIEncoding.query([("Action", action), ("Version", version)] + items).utf8)
    }
}

/// An EC2 `Filter.N.Name` / `Filter.N.Value.M` filter.
public struct EC2Filter: Sendable, Equatable {
    public var name: String
    public var values: [String]
    public init(_ name: String, _ values: [String]) {
        self.name = name
        self.values = values
    }
}

extension QueryParameters {
    mutating func addFilters(_ filters: [EC2Filter]) {
        for (i, f) in filters.enumerated() {
            add("Filter.\(i + 1).Name", f.name)
            for (j, v) in f.values.enumerated() { add("Filter.\(i + 1).Value.\(j + 1)", v) }
        }
    }
}
