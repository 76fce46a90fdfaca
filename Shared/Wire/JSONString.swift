/// Writing a JSON string literal by hand, for the places that build JSON text directly (log lines, large CLI
/// outputs) because a generic serializer is too slow there.
public enum JSONString {
    private static let hex = Array("0123456789abcdef".unicodeScalars)

    /// Appends `s` to `out` as a quoted, escaped JSON string.
    public static func append(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00"
                out.unicodeScalars.append(hex[Int(scalar.value >> 4)])
                out.unicodeScalars.append(hex[Int(scalar.value & 0xf)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
