/// One token of HCL source with the trivia around it.
///
/// Printing every token of a tree in order (leading trivia, text, trailing trivia) reproduces the source exactly.
/// A *missing* token stands where the parser expected one that was not there (an unterminated string, an unclosed
/// block at the end of the file); its text is empty, so it prints as nothing.
///
/// `Token` is a value type. Its fields live in one immutable storage object, so a token is a single reference wide:
/// syntax nodes stay small and the recursive parser and tree walks use little stack. Setting a field swaps in new
/// storage, which never changes another copy.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    private final class Storage: Sendable {
        let kind: TokenKind
        let isMissing: Bool
        let text: String
        let leadingTrivia: Trivia
        let trailingTrivia: Trivia
        let range: SourceRange

        init(kind: TokenKind, isMissing: Bool, text: String, leadingTrivia: Trivia, trailingTrivia: Trivia,
             range: SourceRange) {
            self.kind = kind
            self.isMissing = isMissing
            self.text = text
            self.leadingTrivia = leadingTrivia
            self.trailingTrivia = trailingTrivia
            self.range = range
        }
    }

    private var storage: Storage

    public init(_ kind: TokenKind, _ text: String, leadingTrivia: Trivia = .none, trailingTrivia: Trivia = .none,
                range: SourceRange = .zero, isMissing: Bool = false) {
        storage = Storage(kind: kind, isMissing: isMissing, text: text, leadingTrivia: leadingTrivia,
                          trailingTrivia: trailingTrivia, range: range)
    }

    private mutating func update(kind: TokenKind? = nil, isMissing: Bool? = nil, text: String? = nil,
                                 leadingTrivia: Trivia? = nil, trailingTrivia: Trivia? = nil,
                                 range: SourceRange? = nil) {
        let s = storage
        storage = Storage(kind: kind ?? s.kind, isMissing: isMissing ?? s.isMissing, text: text ?? s.text,
                          leadingTrivia: leadingTrivia ?? s.leadingTrivia,
                          trailingTrivia: trailingTrivia ?? s.trailingTrivia, range: range ?? s.range)
    }

    public var kind: TokenKind {
        get { storage.kind }
        set { update(kind: newValue) }
    }

    /// The token's exact source text.
    public var text: String {
        get { storage.text }
        set { update(text: newValue) }
    }

    public var leadingTrivia: Trivia {
        get { storage.leadingTrivia }
        set { update(leadingTrivia: newValue) }
    }

    public var trailingTrivia: Trivia {
        get { storage.trailingTrivia }
        set { update(trailingTrivia: newValue) }
    }

    /// Where the text (without trivia) was in the parsed source. Tokens made by edits carry ``SourceRange/zero`` or
    /// the range of what they replaced.
    public var range: SourceRange {
        get { storage.range }
        set { update(range: newValue) }
    }

    /// Whether this is a placeholder for a token the parser expected but did not find. Its text is empty and its
    /// range is the empty range where the parser looked for it (for an unclosed block: the end of the file).
    public var isMissing: Bool {
        get { storage.isMissing }
        set { update(isMissing: newValue) }
    }

    /// A token of a kind with fixed text (`=`, `{`, ...), or an identifier/number with the given text.
    public static func make(_ kind: TokenKind, _ text: String? = nil, leading: Trivia = .none,
                            trailing: Trivia = .none) -> Token {
        Token(kind, text ?? kind.fixedText ?? "", leadingTrivia: leading, trailingTrivia: trailing)
    }

    /// A zero-width placeholder for a token that should have been at `position`.
    public static func missing(_ kind: TokenKind, at position: SourcePosition) -> Token {
        Token(kind, "", range: SourceRange(at: position), isMissing: true)
    }

    /// Whether a newline separates this token from the one before it.
    public var hasNewlineBefore: Bool { storage.leadingTrivia.containsNewline }

    /// Whether this is the identifier `keyword`.
    public func isKeyword(_ keyword: String) -> Bool { storage.kind == .identifier && storage.text == keyword }

    /// Leading trivia, text and trailing trivia.
    public var fullText: String { storage.leadingTrivia.text + storage.text + storage.trailingTrivia.text }

    public var description: String { storage.text }

    public static func == (lhs: Token, rhs: Token) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let a = lhs.storage
        let b = rhs.storage
        return a.kind == b.kind && a.isMissing == b.isMissing && a.text == b.text && a.leadingTrivia == b.leadingTrivia
            && a.trailingTrivia == b.trailingTrivia && a.range == b.range
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.kind)
        hasher.combine(storage.text)
        hasher.combine(storage.leadingTrivia)
        hasher.combine(storage.trailingTrivia)
        hasher.combine(storage.range)
        hasher.combine(storage.isMissing)
    }
}
