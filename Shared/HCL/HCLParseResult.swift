/// What ``HCLParser/parse(_:fileName:)`` returns: the tree, always (parts that could not be parsed are kept as
/// ``BodyItem/unexpected(_:)`` so the tree still prints the file), and the problems found.
public struct HCLParseResult: Sendable {
    public var file: ConfigFile
    public var diagnostics: [HCLDiagnostic]

    public init(file: ConfigFile, diagnostics: [HCLDiagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error; if not, the tree holds no unexpected tokens.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public var errors: [HCLDiagnostic] { diagnostics.filter { $0.severity == .error } }
}
