/// An IPv4 or IPv6 address or CIDR block, as used by the `IpAddress`/`NotIpAddress` operators and `aws:SourceIp`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]
    public let prefixLength: Int

    public var isIPv6: Bool { bytes.count == 16 }

    /// Parses `203.0.113.0/24`, `203.0.113.7`, `2001:db8::/32`, `::ffff:192.0.2.1`. A missing prefix means a single
    /// address. Returns nil for anything else (zone ids, out-of-range octets or prefixes).
    public init?(_ text: String) {
        var addressPart = Substring(text.trimmingSpaces())
        var prefix: Int?
        if let slash = addressPart.firstIndex(of: "/") {
            let digits = addressPart[addressPart.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let p = Int(digits) else { return nil }
            prefix = p
            addressPart = addressPart[..<slash]
        }
        let parsed: [UInt8]?
        if addressPart.contains(":") {
            parsed = Self.parseIPv6(addressPart)
        } else {
            parsed = Self.parseIPv4(addressPart)
        }
        guard let bytes = parsed else { return nil }
        let maximum = bytes.count * 8
        let length = prefix ?? maximum
        guard length >= 0 && length <= maximum else { return nil }
        self.bytes = bytes
        self.prefixLength = length
    }

    /// Whether `address` (its prefix is ignored) lies inside this block. IPv4 never matches an IPv6 block.
    public func contains(_ address: IPAddressRange) -> Bool {
        guard address.bytes.count == bytes.count else { return false }
        var bitsLeft = prefixLength
        var i = 0
        while bitsLeft > 0 {
            let take = min(8, bitsLeft)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if bytes[i] & mask != address.bytes[i] & mask { return false }
            bitsLeft -= take
            i += 1
        }
        return true
    }

    public var description: String {
        if bytes.count == 4 {
            return bytes.map(String.init).joined(separator: ".") + "/\(prefixLength)"
        }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":") + "/\(prefixLength)"
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(part), value <= 255 else { return nil }
            out.append(UInt8(value))
        }
        return out
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard !text.contains("%") else { return nil }
        let halves = text.splitAtDoubleColon()
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            if s.isEmpty { return [] }
            let fields = s.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt8] = []
            for (i, field) in fields.enumerated() {
                if allowIPv4Tail && i == fields.count - 1 && field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    out.append(contentsOf: v4)
                    continue
                }
                guard !field.isEmpty, field.count <= 4, let value = UInt16(field, radix: 16) else { return nil }
                out.append(UInt8(value >> 8))
                out.append(UInt8(value & 0xFF))
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowIPv4Tail: false),
              let tail = groups(halves[1], allowIPv4Tail: true),
              head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension Substring {
    /// Splits at `::` (the IPv6 zero-run marker).
    fileprivate func splitAtDoubleColon() -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":", next < endIndex, self[next] == ":" {
                parts.append(self[start..<i])
                start = index(after: next)
                i = start
                continue
            }
            i = next
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}
