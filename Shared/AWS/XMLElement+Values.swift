import Foundation

extension XMLElement {
    /// The text at the path, or a malformed-response error naming what was missing.
    func required(_ path: String..., in operation: String) throws(AWSError) -> String {
        guard let value = descend(path)?.text else {
            throw AWSError(kind: .malformedResponse, code: "MissingField",
                           message: "the \(operation) answer lacks \(([name] + path).joined(separator: "/"))", operation: operation)
        }
        return value
    }

    func bool(_ path: String...) -> Bool? {
        guard let t = descend(path)?.text else { return nil }
        return t.lowercased() == "true"
    }

    func int(_ path: String...) -> Int? { descend(path).flatMap { Int($0.text) } }

    func date(_ path: String...) -> Date? { descend(path).flatMap { AWSDate.parse($0.text) } }
}

/// Dates in AWS answers: ISO 8601 with or without fractional seconds, or epoch seconds.
public enum AWSDate {
    public static func parse(_ text: String) -> Date? {
        let t = text.trimmingASCIIWhitespace()
        if let seconds = Double(t) { return Date(timeIntervalSince1970: seconds) }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: t) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = fractional.date(from: t) { return d }
        // RFC 1123 (S3 Last-Modified headers) and "+0000" offsets (Lambda).
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ssZ"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = format
            if let d = f.date(from: t) { return d }
        }
        return nil
    }
}
