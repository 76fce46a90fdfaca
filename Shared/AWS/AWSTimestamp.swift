import Foundation

/// The signing time in SigV4's two spellings: `20240102T030405Z` and `20240102`.
public struct AWSTimestamp: Sendable, Equatable {
    public var amzDate: String
    public var dateStamp: String { String(amzDate.prefix(8)) }

    public init(_ date: Date) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        var out = [UInt8]()
        out.reserveCapacity(16)
        func digits(_ value: Int, _ count: Int) {
            var v = value
            var buf = [UInt8](repeating: 48, count: count)
            for i in stride(from: count - 1, through: 0, by: -1) { buf[i] = UInt8(48 + v % 10); v /= 10 }
            out += buf
        }
        digits(Int(parts.tm_year) + 1900, 4); digits(Int(parts.tm_mon) + 1, 2); digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); digits(Int(parts.tm_min), 2); digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "Z"))
        amzDate = String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    public init?(amzDate: String) {
        let b = Array(amzDate.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
              b[0..<8].allSatisfy({ (48...57).contains($0) }), b[9..<15].allSatisfy({ (48...57).contains($0) }) else { return nil }
        self.amzDate = amzDate
    }

    /// The same instant as an HTTP date the way botocore writes it: `Tue, 02 Jan 2024 03:04:05 -0000`.
    public var httpDate: String {
        let b = Array(amzDate.utf8)
        func num(_ r: Range<Int>) -> Int { Int(String(decoding: b[r], as: UTF8.self)) ?? 0 }
        let (y, m, d) = (num(0..<4), num(4..<6), num(6..<8))
        // Zeller-style weekday: Sakamoto's method.
        let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let yy = m < 3 ? y - 1 : y
        let weekday = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return days[weekday] + ", " + String(format: "%02d ", d) + months[m - 1]
            + String(format: " %04d %02d:%02d:%02d -0000", y, num(9..<11), num(11..<13), num(13..<15))
    }

    public static var now: AWSTimestamp { AWSTimestamp(Date()) }
}
