/// A parsed HCL file: its top-level body and the end-of-file token that holds the trivia after the last item.
///
/// `description` prints the file; for a tree the parser made and nobody changed, that is the original text byte for
/// byte.
public struct ConfigFile: SyntaxNode, CustomStringConvertible {
    public var fileName: String
    public var body: Body
    public var endOfFile: Token

    public init(fileName: String, body: Body, endOfFile: Token) {
        self.fileName = fileName
        self.body = body
        self.endOfFile = endOfFile
    }

    public func forEachToken(_ body: (Token) -> Void) {
        self.body.forEachToken(body)
        body(endOfFile)
    }

    public mutating func rewriteTokens(_ body: (inout Token) -> Void) {
        self.body.rewriteTokens(body)
        body(&endOfFile)
    }

    public var description: String { HCLPrinter.print(self) }
}
