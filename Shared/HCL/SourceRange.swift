/// A span of a source file: from `start` (inclusive) to `end` (exclusive).
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// An empty range at `position`.
    public init(at position: SourcePosition) {
        self.init(start: position, end: position)
    }

    /// The empty range at the start of a file; the range of tokens made by edits rather than read from a file.
    public static let zero = SourceRange(at: .start)

    /// Byte offsets of the range, for slicing the source.
    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

    public var isEmpty: Bool { end.offset <= start.offset }

    /// Whether `position` lies inside the range (the end excluded).
    public func contains(_ position: SourcePosition) -> Bool {
        start.offset <= position.offset && position.offset < end.offset
    }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// `line:column-line:column`.
    public var description: String { "\(start)-\(end)" }
}
