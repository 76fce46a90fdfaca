import Foundation

/// Reads configuration from the process environment with documented defaults.
public struct Environment: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    public func string(_ key: String, default value: String) -> String {
        guard let v = values[key], !v.isEmpty else { return value }
        return v
    }

    public func optional(_ key: String) -> String? {
        guard let v = values[key], !v.isEmpty else { return nil }
        return v
    }

    public func int(_ key: String, default value: Int) throws(ConfigurationError) -> Int {
        guard let raw = optional(key) else { return value }
        guard let v = Int(raw) else { throw ConfigurationError("\(key) must be an integer, got \"\(raw)\"") }
        return v
    }
}

/// A configuration value is missing or malformed. The message names the variable, never a secret's value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "configuration error: \(message)" }
}
