/// The binary operators with their precedence levels (higher binds tighter; all are left-associative).
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"

    public init?(_ kind: TokenKind) {
        switch kind {
        case .or: self = .or
        case .and: self = .and
        case .equalEqual: self = .equal
        case .notEqual: self = .notEqual
        case .less: self = .less
        case .greater: self = .greater
        case .lessEqual: self = .lessOrEqual
        case .greaterEqual: self = .greaterOrEqual
        case .plus: self = .add
        case .minus: self = .subtract
        case .star: self = .multiply
        case .slash: self = .divide
        case .percent: self = .modulo
        default: return nil
        }
    }

    /// 1 (`||`) to 6 (`* / %`), as in the HCL specification.
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual: 3
        case .less, .greater, .lessOrEqual, .greaterOrEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide, .modulo: 6
        }
    }
}
