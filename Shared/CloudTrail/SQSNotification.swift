/// What the body of an SQS message received by the ingestor asks it to do.
///
/// Accepted bodies:
/// - an S3 event notification `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{...}}]}`,
///   whose object keys are URL-encoded form-style (`+` is a space, `%XX` a byte);
/// - the S3 test event `{"Service":"Amazon S3","Event":"s3:TestEvent",...}`;
/// - an SNS envelope (`"Type":"Notification"`, SNS → SQS without raw message delivery) whose `Message` string is any
///   of the other shapes, including CloudTrail's own notification `{"s3Bucket":"b","s3ObjectKey":["AWSLogs/..."]}`
///   (keys not URL-encoded); one level of SNS wrapping is unwrapped, an SNS envelope inside a `Message` is an error;
/// - CloudTrail's notification on its own (raw message delivery);
/// - an EventBridge event from `aws.s3` (`Object Created` names an object; its key is not URL-encoded);
/// - CloudTrail records in any shape `CloudTrailNormalizer` reads: one record, `{"Records":[...]}`, an array,
///   NDJSON, or an EventBridge envelope whose `detail-type` is in `CloudTrailNormalizer.cloudTrailDetailTypes`.
///
/// Classification is pure (no I/O) and linear in the body size: the JSON nesting depth is limited by `JSONParser`
/// and only one SNS `Message` is parsed a second time.
public enum SQSNotification: Sendable, Equatable {
    /// The bytes hold CloudTrail records: hand `body` to `CloudTrailNormalizer.normalize`. It is the message body
    /// itself, or the UTF-8 of the `Message` of an SNS envelope that carried the records.
    case cloudTrail(body: [UInt8])
    /// Objects to fetch: only ones newly created, deduplicated by bucket and key, in the order of the notification.
    /// Objects that are not CloudTrail log files are included too; `S3ObjectReference.isCloudTrailLogFile` tells.
    case objects([S3ObjectReference])
    /// Nothing to process (test events, subscription confirmations, deletions): delete the message. The text says
    /// why, for the log.
    case ignorable(String)

    /// Classifies an SQS message body. Throws when the body is not one of the shapes above; the message names what
    /// was found.
    public static func classify(_ body: [UInt8]) throws(IngestBodyError) -> SQSNotification {
        try classify(body, insideSNS: false)
    }
}

/// An S3 object named by a notification.
public struct S3ObjectReference: Sendable, Equatable, Hashable {
    public var bucket: String
    /// The object key, decoded (S3 event notifications URL-encode it; the other notifications do not).
    public var key: String
    /// Size in bytes, when the notification says.
    public var size: Int?
    public var etag: String?
    /// The bucket's region, when the notification says (S3 event notifications and EventBridge events do).
    public var region: String?

    public init(bucket: String, key: String, size: Int? = nil, etag: String? = nil, region: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag
        self.region = region
    }

    /// CloudTrail log files (`…/CloudTrail/…json.gz`), not digests (`CloudTrail-Digest`) or other objects.
    public var isCloudTrailLogFile: Bool {
        guard !key.hasSuffix("/") else { return false }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, let file = parts.last, file.count > ".json.gz".count, file.hasSuffix(".json.gz") else {
            return false
        }
        guard parts.dropLast().contains(where: { $0 == "CloudTrail" }) else { return false }
        return !parts.contains { $0.contains("CloudTrail-Digest") }
    }

    /// Decodes a key as S3 event notifications write it: URL-encoded form-style, `+` for a space and `%XX` for a
    /// byte of the UTF-8 key. Throws on a malformed escape or bytes that are not UTF-8 rather than guessing, since a
    /// wrong key would only fetch the wrong object or none.
    public static func decodeNotificationKey(_ encoded: String) throws(IngestBodyError) -> String {
        let plus = UInt8(ascii: "+")
        let percent = UInt8(ascii: "%")
        let utf8 = Array(encoded.utf8)
        guard utf8.contains(where: { $0 == plus || $0 == percent }) else { return encoded }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            switch utf8[i] {
            case plus:
                out.append(0x20)
                i += 1
            case percent:
                guard i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) else {
                    throw IngestBodyError("the object key \(SQSNotification.quoted(encoded)) has a malformed % escape at byte \(i)")
                }
                out.append(high << 4 | low)
                i += 3
            case let b:
                out.append(b)
                i += 1
            }
        }
        guard let decoded = String(validating: out, as: UTF8.self) else {
            throw IngestBodyError("the object key \(SQSNotification.quoted(encoded)) does not decode to UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

// MARK: - Classification

extension SQSNotification {
    /// At most this many names (object keys, event names) are listed in an error or reason.
    static let maxNamesListed = 8
    /// Strings from the body quoted in an error or reason are cut to this many characters.
    static let maxQuotedCharacters = 120

    private static func classify(_ body: [UInt8], insideSNS: Bool) throws(IngestBodyError) -> SQSNotification {
        let subject = insideSNS ? "the SNS Message" : "the body"
        let documents: [JSONNode]
        do throws(JSONSyntaxError) { documents = try JSONParser.parseSequence(body) } catch {
            // The parser's message may quote a member name of any length.
            let detail = error.message.count > maxQuotedCharacters * 2
                ? "\(error.message.prefix(maxQuotedCharacters * 2))…" : error.message
            throw IngestBodyError("\(subject) is not JSON at byte \(error.offset) (line \(error.line), column "
                + "\(error.column)): \(detail)")
        }
        guard let document = documents.first else {
            throw IngestBodyError("\(subject) is empty: expected an S3 notification, SNS envelope, EventBridge event or "
                + "CloudTrail records")
        }
        if documents.count > 1 {
            // NDJSON is a CloudTrail shape only.
            for (index, d) in documents.enumerated() where !isCloudTrailItem(d.value) {
                throw IngestBodyError("\(subject) holds \(documents.count) JSON documents, and document \(index + 1) is "
                    + "\(describe(d.value)), not a CloudTrail record; only CloudTrail records may come one per line")
            }
            return .cloudTrail(body: body)
        }
        switch document.value {
        case .object:
            return try classifyObject(document.value, body: body, subject: subject, insideSNS: insideSNS)
        case .array(let items):
            guard !items.isEmpty else { return .ignorable("\(subject) is an empty JSON array") }
            // Items that are not records are kept as rejections by the normalizer; nothing is lost.
            if items.contains(where: { isCloudTrailItem($0.value) }) { return .cloudTrail(body: body) }
            throw IngestBodyError("\(subject) is a JSON array whose first item is \(describe(items[0].value)), and no "
                + "item is a CloudTrail record")
        default:
            throw IngestBodyError("\(subject) is \(describe(document.value)), expected a JSON object: an S3 notification, "
                + "SNS envelope, EventBridge event or CloudTrail record")
        }
    }

    private static func classifyObject(_ object: JSONValue, body: [UInt8], subject: String,
                                       insideSNS: Bool) throws(IngestBodyError) -> SQSNotification {
        if let records = object.node("Records") {
            guard case .array(let items) = records.value else {
                throw IngestBodyError("\"Records\" in \(subject) is \(describe(records.value)), expected an array of S3 "
                    + "event records or CloudTrail records")
            }
            return try classifyRecords(items, body: body)
        }
        if object["Event"]?.string == "s3:TestEvent" {
            let bucket = (object["Bucket"]?.string).map { " for bucket \(quoted($0))" } ?? ""
            return .ignorable("an S3 test event\(bucket)")
        }
        if let type = object["Type"]?.string, object["TopicArn"] != nil || object["MessageId"] != nil {
            guard !insideSNS else {
                throw IngestBodyError("the SNS Message is itself an SNS envelope (Type \(quoted(type))); only one level "
                    + "of SNS wrapping is unwrapped")
            }
            return try classifySNS(object, type: type)
        }
        if let detailType = object["detail-type"]?.string {
            return try classifyEventBridge(object, detailType: detailType, body: body)
        }
        if object["s3Bucket"] != nil || object["s3ObjectKey"] != nil {
            return try classifyCloudTrailNotification(object)
        }
        if isCloudTrailRecord(object) { return .cloudTrail(body: body) }
        throw IngestBodyError("\(subject) is \(describe(object)), which is not an S3 notification, SNS envelope, "
            + "EventBridge event or CloudTrail record")
    }

    // MARK: Records lists

    private static func classifyRecords(_ items: [JSONNode], body: [UInt8]) throws(IngestBodyError) -> SQSNotification {
        guard !items.isEmpty else { return .ignorable("the Records list is empty") }
        var firstS3: Int?
        var firstCloudTrail: Int?
        var firstOther: Int?
        for (index, item) in items.enumerated() {
            if isS3EventRecord(item.value) {
                if firstS3 == nil { firstS3 = index }
            } else if isCloudTrailItem(item.value) {
                if firstCloudTrail == nil { firstCloudTrail = index }
            } else if firstOther == nil {
                firstOther = index
            }
        }
        switch (firstS3, firstCloudTrail) {
        case (let s3?, let cloudTrail?):
            throw IngestBodyError("the Records list mixes S3 event records (item \(s3)) and CloudTrail records "
                + "(item \(cloudTrail))")
        case (nil, _?):
            // Items that are not records are kept as rejections by the normalizer; nothing is lost.
            return .cloudTrail(body: body)
        case (nil, nil):
            let index = firstOther ?? 0
            throw IngestBodyError("Records item \(index) is \(describe(items[index].value)), which is neither an S3 "
                + "event record nor a CloudTrail record")
        case (_?, nil):
            if let index = firstOther {
                throw IngestBodyError("Records item \(index) of an S3 event notification is "
                    + "\(describe(items[index].value)), not an S3 event record")
            }
            return try s3EventRecords(items)
        }
    }

    private static func isS3EventRecord(_ v: JSONValue) -> Bool { v["eventSource"]?.string == "aws:s3" }

    private static func s3EventRecords(_ items: [JSONNode]) throws(IngestBodyError) -> SQSNotification {
        var references: [S3ObjectReference] = []
        var ignoredEvents: [String] = []
        for (index, item) in items.enumerated() {
            let record = item.value
            guard let eventName = record["eventName"]?.string, !eventName.isEmpty else {
                throw IngestBodyError("S3 event record \(index) has no eventName")
            }
            // Notifications write "ObjectCreated:Put"; the configuration's "s3:" prefix is accepted too.
            let name = eventName.hasPrefix("s3:") ? String(eventName.dropFirst(3)) : eventName
            guard name.hasPrefix("ObjectCreated:") else {
                if !ignoredEvents.contains(eventName) { ignoredEvents.append(eventName) }
                continue
            }
            let s3 = record["s3"]
            guard let bucket = s3?["bucket"]?["name"]?.string, !bucket.isEmpty else {
                throw IngestBodyError("S3 event record \(index) (\(quoted(eventName))) has no s3.bucket.name")
            }
            guard let encodedKey = s3?["object"]?["key"]?.string, !encodedKey.isEmpty else {
                throw IngestBodyError("S3 event record \(index) (\(quoted(eventName))) has no s3.object.key")
            }
            let key: String
            do throws(IngestBodyError) { key = try S3ObjectReference.decodeNotificationKey(encodedKey) } catch {
                throw IngestBodyError("S3 event record \(index): \(error.message)")
            }
            let object = s3?["object"]
            references.append(S3ObjectReference(bucket: bucket, key: key, size: byteCount(object?["size"]),
                                                etag: object?["eTag"]?.string, region: record["awsRegion"]?.string))
        }
        guard !references.isEmpty else {
            return .ignorable("the S3 notification has no ObjectCreated event (found \(list(ignoredEvents)))")
        }
        return .objects(deduplicated(references))
    }

    // MARK: SNS

    private static func classifySNS(_ envelope: JSONValue, type: String) throws(IngestBodyError) -> SQSNotification {
        switch type {
        case "Notification":
            guard let messageNode = envelope.node("Message") else {
                throw IngestBodyError("the SNS Notification has no Message")
            }
            guard let message = messageNode.value.string else {
                throw IngestBodyError("the SNS Notification's Message is \(describe(messageNode.value)), expected a "
                    + "string holding JSON")
            }
            return try classify(Array(message.utf8), insideSNS: true)
        case "SubscriptionConfirmation", "UnsubscribeConfirmation":
            // The SubscribeURL carries a token, so only the topic is named.
            let topic = (envelope["TopicArn"]?.string).map { " for topic \(quoted($0))" } ?? ""
            return .ignorable("an SNS \(type)\(topic): it is answered in SNS, not by the ingestor")
        default:
            throw IngestBodyError("an SNS envelope of Type \(quoted(type)) is not a Notification")
        }
    }

    /// CloudTrail's notification `{"s3Bucket":"b","s3ObjectKey":["AWSLogs/…json.gz", …]}`; keys are not encoded.
    private static func classifyCloudTrailNotification(_ n: JSONValue) throws(IngestBodyError) -> SQSNotification {
        guard let bucket = n["s3Bucket"]?.string, !bucket.isEmpty else {
            throw IngestBodyError("a CloudTrail notification needs an s3Bucket string; found \(describe(n))")
        }
        guard let keys = n["s3ObjectKey"] else {
            throw IngestBodyError("the CloudTrail notification for bucket \(quoted(bucket)) has no s3ObjectKey")
        }
        var references: [S3ObjectReference] = []
        for (index, item) in keys.elements.enumerated() {
            guard let key = item.string, !key.isEmpty else {
                throw IngestBodyError("s3ObjectKey item \(index) is \(describe(item)), expected an object key")
            }
            references.append(S3ObjectReference(bucket: bucket, key: key))
        }
        guard !references.isEmpty else {
            return .ignorable("the CloudTrail notification for bucket \(quoted(bucket)) lists no objects")
        }
        return .objects(deduplicated(references))
    }

    // MARK: EventBridge

    private static func classifyEventBridge(_ event: JSONValue, detailType: String,
                                            body: [UInt8]) throws(IngestBodyError) -> SQSNotification {
        if CloudTrailNormalizer.cloudTrailDetailTypes.contains(detailType) { return .cloudTrail(body: body) }
        let source = event["source"]?.string ?? ""
        guard source == "aws.s3" else {
            throw IngestBodyError("an EventBridge event of type \(quoted(detailType)) from source \(quoted(source)) is "
                + "neither a CloudTrail record nor an S3 Object Created event")
        }
        guard detailType == "Object Created" else {
            return .ignorable("an S3 \(quoted(detailType)) event (only Object Created names a new object)")
        }
        let detail = event["detail"]
        guard let bucket = detail?["bucket"]?["name"]?.string, !bucket.isEmpty else {
            throw IngestBodyError("the EventBridge Object Created event has no detail.bucket.name")
        }
        guard let key = detail?["object"]?["key"]?.string, !key.isEmpty else {
            throw IngestBodyError("the EventBridge Object Created event has no detail.object.key")
        }
        let object = detail?["object"]
        return .objects([S3ObjectReference(bucket: bucket, key: key, size: byteCount(object?["size"]),
                                           etag: object?["etag"]?.string, region: event["region"]?.string)])
    }

    // MARK: CloudTrail records

    /// A CloudTrail record, or an EventBridge envelope carrying one.
    private static func isCloudTrailItem(_ v: JSONValue) -> Bool {
        guard v.isObject else { return false }
        if let detailType = v["detail-type"]?.string { return CloudTrailNormalizer.cloudTrailDetailTypes.contains(detailType) }
        return isCloudTrailRecord(v)
    }

    /// Two of eventVersion, eventID and eventSource, with an eventSource that is not an `aws:` notification source
    /// (`aws:s3`, `aws:sqs`, ... are the Lambda-style event records).
    private static func isCloudTrailRecord(_ v: JSONValue) -> Bool {
        let source = v["eventSource"]?.string
        if let source, source.hasPrefix("aws:") { return false }
        let present = [v["eventVersion"]?.scalarText, v["eventID"]?.string, source].count(where: { !($0 ?? "").isEmpty })
        return present >= 2
    }

    // MARK: Helpers

    private struct BucketKey: Hashable {
        var bucket: String
        var key: String
    }

    /// The first reference to each bucket and key, in order.
    private static func deduplicated(_ references: [S3ObjectReference]) -> [S3ObjectReference] {
        var seen = Set<BucketKey>()
        return references.filter { seen.insert(BucketKey(bucket: $0.bucket, key: $0.key)).inserted }
    }

    /// A size in bytes: a non-negative integer, else nil.
    private static func byteCount(_ v: JSONValue?) -> Int? {
        guard case .number(let text)? = v, let n = Int(text), n >= 0 else { return nil }
        return n
    }

    static func quoted(_ s: String) -> String {
        s.count > maxQuotedCharacters ? "\"\(s.prefix(maxQuotedCharacters))…\"" : "\"\(s)\""
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(maxNamesListed).map { quoted($0) }.joined(separator: ", ")
        return names.count > maxNamesListed ? "\(shown) and \(names.count - maxNamesListed) more" : shown
    }

    /// What a value is, for an error: "an object with keys a, b, c", "a number", ...
    static func describe(_ v: JSONValue) -> String {
        switch v {
        case .object(let members):
            guard !members.isEmpty else { return "an empty object" }
            return "an object with keys " + list(members.map { $0.key })
        case .array(let items): return items.isEmpty ? "an empty array" : "an array of \(items.count) items"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}
