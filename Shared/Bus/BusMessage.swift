import CNATS
import Wire

/// A message as received or to be sent: subject, headers and body, copied out of libnats so it is a plain value.
public struct BusMessage: Sendable {
    public var subject: String
    public var reply: String?
    public var headers: [String: String]
    public var data: [UInt8]

    public init(subject: String, reply: String? = nil, headers: [String: String] = [:], data: [UInt8] = []) {
        self.subject = subject
        self.reply = reply
        self.headers = headers
        self.data = data
    }

    public var tenant: String? { headers[WireHeader.tenant] }

    /// Copies a libnats message. Does not take ownership of `msg`.
    init(copying msg: OpaquePointer) {
        subject = String(cString: natsMsg_GetSubject(msg))
        reply = natsMsg_GetReply(msg).map { String(cString: $0) }
        let length = Int(natsMsg_GetDataLength(msg))
        if length > 0, let ptr = natsMsg_GetData(msg) {
            data = ptr.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        } else {
            data = []
        }
        var keys: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var count: Int32 = 0
        var headers: [String: String] = [:]
        if natsMsgHeader_Keys(msg, &keys, &count) == NATS_OK, let keys {
            // The array is ours to free; the strings belong to the message.
            defer { free(keys) }
            for i in 0..<Int(count) {
                guard let key = keys[i] else { continue }
                var value: UnsafePointer<CChar>?
                if natsMsgHeader_Get(msg, key, &value) == NATS_OK, let value {
                    headers[String(cString: key)] = String(cString: value)
                }
            }
        }
        self.headers = headers
    }

    /// Makes a libnats message; the caller owns the result and must destroy it (or hand it to a call that does).
    func makeNATSMessage(subject: String? = nil) throws(BusError) -> OpaquePointer {
        var msg: OpaquePointer?
        let s = data.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { natsMsg_Create(&msg, subject ?? self.subject, reply, $0.baseAddress, Int32(buf.count)) }
        }
        guard s == NATS_OK, let msg else { throw BusError.nats(s, "create message") }
        for (key, value) in headers {
            let hs = natsMsgHeader_Set(msg, key, value)
            guard hs == NATS_OK else {
                natsMsg_Destroy(msg)
                throw BusError.nats(hs, "set header \(key)")
            }
        }
        return msg
    }
}
