/// Why a policy document could not be read, with the JSON path of the offending element.
///
/// `description` is safe to show a user: it names the element and what was expected, and quotes at most a short
/// excerpt of the value that was found.
public struct PolicyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The text is not JSON (syntax error, bad UTF-8, nesting too deep).
        case invalidJSON = "invalid_json"
        /// The document is larger than the configured limit.
        case tooLarge = "too_large"
        /// An element has the wrong JSON type.
        case wrongType = "wrong_type"
        /// An element has the right type but a value AWS does not accept.
        case invalidValue = "invalid_value"
        /// A required element is missing, or two elements that exclude each other are both present.
        case missingElement = "missing_element"
        /// An element name that IAM does not know (names are case-sensitive).
        case unknownElement = "unknown_element"
        /// The same key appears twice in one JSON object.
        case duplicateKey = "duplicate_key"
    }

    public var code: Code
    /// JSON path of the element, e.g. `Statement[2].Effect`; `$` is the whole document.
    public var path: String
    public var message: String
    /// Byte offset into the document for syntax errors.
    public var offset: Int?

    public init(code: Code, path: String, message: String, offset: Int? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(path): \(message)" }
}
