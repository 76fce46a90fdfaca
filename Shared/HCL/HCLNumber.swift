/// A number written in HCL: the source spelling and its value.
///
/// HCL numbers are arbitrary-precision; this keeps the spelling (for messages and for exact comparison by rules) and
/// offers `Double` and, for whole numbers that fit, `Int`.
public struct HCLNumber: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The spelling, with a leading `-` for negated literals (`-1.5e3`).
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(integerLiteral value: Int) {
        self.text = String(value)
    }

    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value as an `Int` when it is a whole number that fits.
    public var intValue: Int? {
        if let exact = Int(text) { return exact }
        let d = doubleValue
        guard d.isFinite, d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }

    public var description: String { text }

    public static func == (lhs: HCLNumber, rhs: HCLNumber) -> Bool {
        lhs.text == rhs.text || lhs.doubleValue == rhs.doubleValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(doubleValue)
    }
}
