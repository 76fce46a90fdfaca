/// Dates as the `Date*` condition operators read them: ISO 8601 (`2025-01-31`, `2025-01-31T12:00:00Z`,
/// `2025-01-31T12:00:00.123+02:00`) or epoch seconds (`1738324800`). Values are seconds since 1970 in UTC.
public enum PolicyDate {
    /// Seconds since 1970-01-01T00:00:00Z, or nil when the text is not a date IAM accepts.
    public static func parse(_ text: String) -> Double? {
        let s = Array(text.trimmingSpaces().utf8)
        guard !s.isEmpty else { return nil }
        if s.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
           !s.dropFirst().contains(UInt8(ascii: "-")) {
            return Double(String(decoding: s, as: UTF8.self))
        }
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var v = 0
            for k in 0..<count {
                guard isDigit(s[i + k]) else { return nil }
                v = v * 10 + Int(s[i + k] - UInt8(ascii: "0"))
            }
            i += count
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if i == s.count { return seconds }
        guard expect("T") || expect("t") || expect(" ") else { return nil }
        guard let hour = number(2), hour < 24, expect(":"), let minute = number(2), minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(":") {
            guard let second = number(2), second <= 60 else { return nil }
            seconds += Double(second)
            if expect(".") {
                var scale = 0.1
                var digits = 0
                while i < s.count, isDigit(s[i]) {
                    seconds += Double(s[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        if i == s.count { return seconds }
        if expect("Z") || expect("z") { return i == s.count ? seconds : nil }
        let sign: Double
        if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
        guard let offsetHours = number(2), offsetHours < 24 else { return nil }
        _ = expect(":")
        guard let offsetMinutes = number(2), offsetMinutes < 60, i == s.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
