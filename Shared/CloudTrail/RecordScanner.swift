/// A fast structural pass over CloudTrail delivery files: finds each record's byte range and reads a few top-level
/// fields without building a tree, so that only records some rule cares about get the full parse.
///
/// It trusts the input only as far as it must: ranges are found by tracking strings and nesting, and anything
/// it does not understand makes it give up (returns nil) so the caller falls back to the strict parser.
public enum RecordScanner {
    /// The cheap fields of one record.
    public struct Summary: Sendable {
        public var range: Range<Int>
        public var eventSource: String
        public var eventName: String
        public var hasError: Bool
        public var isRoot: Bool
        /// eventID and eventTime are present as non-empty strings (what the strict normalizer requires besides
        /// source and name); when false the record must take the strict path, which reports the problem.
        public var complete: Bool
        /// FNV-1a hash of `eventSource`, a zero byte and `eventName` (see `keyHash(source:name:)`), computed from
        /// the bytes without building strings.
        public var keyHash: UInt64
    }

    /// The hash `Summary.keyHash` holds for these names.
    public static func keyHash(source: String, name: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in source.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ 0) &* 0x100000001b3
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    @inline(__always)
    static func hash(_ buf: UnsafeBufferPointer<UInt8>, _ source: Range<Int>, _ name: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for i in source { h = (h ^ UInt64(buf[i])) &* 0x100000001b3 }
        h = (h ^ 0) &* 0x100000001b3
        for i in name { h = (h ^ UInt64(buf[i])) &* 0x100000001b3 }
        return h
    }

    /// Summaries of the records of a `{"Records":[...]}` body, or nil when the body has another shape or the scan
    /// meets something unexpected.
    public static func scanDeliveryFile(_ bytes: [UInt8]) -> [Summary]? {
        bytes.withUnsafeBufferPointer { scanDeliveryFile($0) }
    }

    /// The same over a buffer (ranges are offsets into it). With `names` false, `eventSource` and `eventName` are
    /// left empty (use `keyHash`), which saves two allocations per record.
    public static func scanDeliveryFile(_ buf: UnsafeBufferPointer<UInt8>, names: Bool = true) -> [Summary]? {
        do {
            let n = buf.count
            var i = skipSpace(buf, 0)
            guard i < n, buf[i] == UInt8(ascii: "{") else { return nil }
            i = skipSpace(buf, i + 1)
            // Expect "Records" as the first key (AWS writes it so).
            guard let (key, afterKey) = readString(buf, i), key == "Records" else { return nil }
            i = skipSpace(buf, afterKey)
            guard i < n, buf[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(buf, i + 1)
            guard i < n, buf[i] == UInt8(ascii: "[") else { return nil }
            i = skipSpace(buf, i + 1)
            var out: [Summary] = []
            out.reserveCapacity(n / 1500)
            if i < n, buf[i] == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    guard i < n, buf[i] == UInt8(ascii: "{") else { return nil }
                    guard let summary = summarize(buf, i, names: names) else { return nil }
                    out.append(summary)
                    i = skipSpace(buf, summary.range.upperBound)
                    guard i < n else { return nil }
                    if buf[i] == UInt8(ascii: ",") { i = skipSpace(buf, i + 1); continue }
                    if buf[i] == UInt8(ascii: "]") { i += 1; break }
                    return nil
                }
            }
            i = skipSpace(buf, i)
            // Anything after the array other than the closing brace: let the strict parser judge it.
            guard i < n, buf[i] == UInt8(ascii: "}"), skipSpace(buf, i + 1) == n else { return nil }
            return out
        }
    }

    /// Reads one record object starting at `start` (a `{`): its range and the fields rules are indexed by.
    static func summarize(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, names: Bool) -> Summary? {
        let n = buf.count
        var i = skipSpace(buf, start + 1)
        var source = ""
        var name = ""
        var sourceRange = 0..<0
        var nameRange = 0..<0
        var hasError = false
        var isRoot = false
        var hasID = false
        var hasTime = false
        if i < n, buf[i] == UInt8(ascii: "}") {
            return Summary(range: start..<(i + 1), eventSource: "", eventName: "", hasError: false, isRoot: false, complete: false,
                           keyHash: keyHash(source: "", name: ""))
        }
        while true {
            guard let (key, afterKey) = readKey(buf, i) else { return nil }
            i = skipSpace(buf, afterKey)
            guard i < n, buf[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(buf, i + 1)
            guard i < n else { return nil }
            let valueStart = i
            guard let valueEnd = skipValue(buf, i, depth: 0) else { return nil }
            switch key {
            case .eventSource:
                sourceRange = plainString(buf, valueStart, valueEnd)
                if names { source = readString(buf, valueStart).map(\.0) ?? "" }
            case .eventName:
                nameRange = plainString(buf, valueStart, valueEnd)
                if names { name = readString(buf, valueStart).map(\.0) ?? "" }
            case .errorCode: hasError = buf[valueStart] == UInt8(ascii: "\"") && valueEnd - valueStart > 2
            case .userIdentity: isRoot = objectHasRootType(buf, valueStart, valueEnd)
            case .eventID: hasID = buf[valueStart] == UInt8(ascii: "\"") && valueEnd - valueStart > 2
            case .eventTime: hasTime = buf[valueStart] == UInt8(ascii: "\"") && valueEnd - valueStart > 2
            case .other: break
            }
            i = skipSpace(buf, valueEnd)
            guard i < n else { return nil }
            if buf[i] == UInt8(ascii: ",") { i = skipSpace(buf, i + 1); continue }
            if buf[i] == UInt8(ascii: "}") {
                return Summary(range: start..<(i + 1), eventSource: source, eventName: name, hasError: hasError, isRoot: isRoot,
                               complete: hasID && hasTime && !sourceRange.isEmpty && !nameRange.isEmpty,
                               keyHash: hash(buf, sourceRange, nameRange))
            }
            return nil
        }
    }

    enum Key { case eventSource, eventName, errorCode, userIdentity, eventID, eventTime, other }

    /// Reads a member name, recognising the few we need without allocating for the others.
    static func readKey(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Key, Int)? {
        guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { return nil }
        guard let end = stringEnd(buf, i) else { return nil }
        let len = end - i - 2
        func equals(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == len else { return false }
            return s.withUTF8Buffer { lit in
                for k in 0..<len where lit[k] != buf[i + 1 + k] { return false }
                return true
            }
        }
        let key: Key
        switch len {
        case 11 where equals("eventSource"): key = .eventSource
        case 9 where equals("eventName"): key = .eventName
        case 9 where equals("errorCode"): key = .errorCode
        case 9 where equals("eventTime"): key = .eventTime
        case 12 where equals("userIdentity"): key = .userIdentity
        case 7 where equals("eventID"): key = .eventID
        default: key = .other
        }
        return (key, end)
    }

    /// A `"type":"Root"` member directly inside the object at `start..<end`.
    static func objectHasRootType(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard buf[start] == UInt8(ascii: "{") else { return false }
        var i = skipSpace(buf, start + 1)
        while i < end {
            guard buf[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(buf, i) else { return false }
            let isType = keyEnd - i == 6 && buf[i + 1] == UInt8(ascii: "t") && buf[i + 2] == UInt8(ascii: "y")
                && buf[i + 3] == UInt8(ascii: "p") && buf[i + 4] == UInt8(ascii: "e")
            i = skipSpace(buf, keyEnd)
            guard i < end, buf[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(buf, i + 1)
            guard let valueEnd = skipValue(buf, i, depth: 1) else { return false }
            if isType { return readString(buf, i)?.0 == "Root" }
            i = skipSpace(buf, valueEnd)
            guard i < end else { return false }
            if buf[i] == UInt8(ascii: ",") { i = skipSpace(buf, i + 1) } else { return false }
        }
        return false
    }

    @inline(__always)
    static func skipSpace(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < buf.count {
            let c = buf[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
        return i
    }

    /// Index just past the closing quote of the string starting at `i`.
    @inline(__always)
    static func stringEnd(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        var j = i + 1
        let n = buf.count
        while j < n {
            let c = buf[j]
            if c == UInt8(ascii: "\"") { return j + 1 }
            if c == UInt8(ascii: "\\") { j += 2; continue }
            j += 1
        }
        return nil
    }

    /// The contents of a string value without escapes; empty for anything else.
    @inline(__always)
    static func plainString(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        guard end - start >= 2, buf[start] == UInt8(ascii: "\""), buf[end - 1] == UInt8(ascii: "\"") else { return 0..<0 }
        for i in (start + 1)..<(end - 1) where buf[i] == UInt8(ascii: "\\") { return 0..<0 }
        return (start + 1)..<(end - 1)
    }

    /// A short string value without escapes, decoded; nil for anything else.
    static func readString(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> (String, Int)? {
        guard i < buf.count, buf[i] == UInt8(ascii: "\""), let end = stringEnd(buf, i) else { return nil }
        let body = UnsafeBufferPointer(rebasing: buf[(i + 1)..<(end - 1)])
        if body.contains(UInt8(ascii: "\\")) { return nil }
        return (String(decoding: body, as: UTF8.self), end)
    }

    /// Index just past the value starting at `i`; nesting deeper than 512 gives up.
    static func skipValue(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, depth: Int) -> Int? {
        let n = buf.count
        guard start < n else { return nil }
        switch buf[start] {
        case UInt8(ascii: "\""):
            return stringEnd(buf, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var level = 0
            var i = start
            while i < n {
                let c = buf[i]
                switch c {
                case UInt8(ascii: "\""):
                    guard let e = stringEnd(buf, i) else { return nil }
                    i = e
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    level += 1
                    if depth + level > 512 { return nil }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    level -= 1
                    if level == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            return nil
        default:
            // A number or literal: up to the next delimiter.
            var i = start
            while i < n {
                let c = buf[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A
                    || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            return i > start ? i : nil
        }
    }
}
