import Foundation

/// The signing time in SigV4's two spellings: `20240102T030405Z` and `20240102`.
public struct AWSTimestamp: Sendable, Equatable {
    public var amzDate: String
    public var dateStamp: String { String(amzDate.prefix(8)) }

    public init(_ date: Date) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        amzDate = String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                         Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    public init?(amzDate: String) {
        let b = Array(amzDate.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
              b[0..<8].allSatisfy({ (48...57).contains($0) }), b[9..<15].allSatisfy({ (48...57).contains($0) }) else { return nil }
        self.amzDate = amzDate
    }

    public static var now: AWSTimestamp { AWSTimestamp(Date()) }
}
