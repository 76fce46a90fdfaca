import Foundation
import Wire

/// Turns a CloudTrail body, in any of the shapes AWS delivers, into normalized `CLCloudTrailEvent`s.
///
/// Accepted shapes: one record; a delivery file `{"Records":[...]}`; a JSON array of records; NDJSON (one record
/// per line); an EventBridge envelope (`detail-type` "AWS API Call via CloudTrail" or "AWS Console Sign In via
/// CloudTrail", record in `detail`), alone or in any of the list shapes. Each record keeps its exact source bytes.
public enum CloudTrailNormalizer {
    /// detail-types of EventBridge events that carry a CloudTrail record.
    public static let cloudTrailDetailTypes: Set<String> = [
        "AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Service Event via CloudTrail",
        "AWS Console Action via CloudTrail", "AWS Insight via CloudTrail",
    ]

    /// The largest single record accepted (1 MiB; CloudTrail's own records stay far below it).
    public static let maxRecordBytes = 1 << 20

    /// A record that could not be accepted, kept whole so it can be seen and retried.
    public struct Rejection: Error, Sendable {
        public var index: Int
        public var eventID: String
        public var message: String
        public var raw: [UInt8]
    }

    public struct Result: Sendable {
        public var events: [CLCloudTrailEvent] = []
        public var rejections: [Rejection] = []
        public init() {}
    }

    /// Normalizes `body`. Throws when the body as a whole is unusable (not JSON, empty, no records).
    public static func normalize(_ body: [UInt8], tenant: String, source: String,
                                 receivedAtMs: Int64) throws(IngestBodyError) -> Result {
        let documents: [JSONNode]
        do { documents = try JSONParser.parseSequence(body) } catch {
            throw IngestBodyError("malformed JSON: \(error)")
        }
        guard !documents.isEmpty else { throw IngestBodyError("the body is empty: expected CloudTrail JSON") }
        var records: [JSONNode] = []
        if documents.count == 1 {
            let doc = documents[0]
            switch doc.value {
            case .array(let items):
                records = items
            case .object:
                if let list = doc.value.node("Records") {
                    guard case .array(let items) = list.value else {
                        throw IngestBodyError("\"Records\" must be an array of CloudTrail records")
                    }
                    records = items
                } else {
                    records = [doc]
                }
            default:
                throw IngestBodyError("expected a JSON object or array of CloudTrail records, found a \(kind(doc.value))")
            }
        } else {
            records = documents
        }
        var result = Result()
        result.events.reserveCapacity(records.count)
        for (index, node) in records.enumerated() {
            switch normalizeRecord(node, body: body, tenant: tenant, source: source, receivedAtMs: receivedAtMs) {
            case .success(let event): result.events.append(event)
            case .failure(let rejection):
                var r = rejection
                r.index = index
                result.rejections.append(r)
            }
        }
        return result
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    private static func normalizeRecord(_ node: JSONNode, body: [UInt8], tenant: String, source: String,
                                        receivedAtMs: Int64) -> Swift.Result<CLCloudTrailEvent, Rejection> {
        var node = node
        var ingestSource = source
        func reject(_ message: String) -> Swift.Result<CLCloudTrailEvent, Rejection> {
            .failure(Rejection(index: 0, eventID: node.value["eventID"]?.string ?? "", message: message,
                               raw: Array(body[node.range])))
        }
        guard node.value.isObject else { return reject("a record must be a JSON object, found a \(kind(node.value))") }
        // CloudTrail records are at most a few hundred KiB; anything far larger is not one, and would bloat every
        // consumer downstream. It is refused on its own (kept whole in the dead letters) and the batch goes on.
        guard node.range.count <= maxRecordBytes else {
            return reject("the record is \(node.range.count) bytes, over the \(maxRecordBytes)-byte limit for one CloudTrail record")
        }
        if let detailType = node.value["detail-type"]?.string {
            guard cloudTrailDetailTypes.contains(detailType) else {
                return reject("EventBridge event of type \"\(detailType)\" does not carry a CloudTrail record")
            }
            guard let detail = node.value.node("detail"), detail.value.isObject else {
                return reject("EventBridge envelope has no \"detail\" object")
            }
            node = detail
            ingestSource = source == "webhook" ? "eventbridge" : source
        }
        let r = node.value
        var missing: [String] = []
        for field in ["eventID", "eventTime", "eventSource", "eventName"] where (r[field]?.string ?? "").isEmpty {
            missing.append(field)
        }
        guard missing.isEmpty else {
            return reject("not a CloudTrail record: missing \(missing.joined(separator: ", "))")
        }
        let eventTime = r["eventTime"]!.string!
        guard let timeMs = ISO8601.parseMilliseconds(eventTime) else {
            return reject("eventTime \"\(eventTime)\" is not an ISO 8601 UTC timestamp")
        }
        var e = CLCloudTrailEvent()
        e.tenantID = tenant
        e.eventID = r["eventID"]!.string!
        e.eventTime = eventTime
        e.eventTimeMs = timeMs
        e.eventVersion = r["eventVersion"]?.scalarText ?? ""
        e.eventSource = r["eventSource"]!.string!
        e.eventName = r["eventName"]!.string!
        e.awsRegion = r["awsRegion"]?.string ?? ""
        e.sourceIpAddress = r["sourceIPAddress"]?.string ?? ""
        e.userAgent = r["userAgent"]?.string ?? ""
        e.errorCode = r["errorCode"]?.string ?? ""
        e.errorMessage = r["errorMessage"]?.string ?? ""
        if let ro = r["readOnly"]?.bool { e.readOnly = ro; e.hasReadOnly_p = true }
        e.eventType = r["eventType"]?.string ?? ""
        e.managementEvent = r["managementEvent"]?.bool ?? false
        e.recipientAccountID = r["recipientAccountId"]?.string ?? ""
        e.requestID = r["requestID"]?.string ?? ""
        for (field, keyPath) in [("requestParameters", \CLCloudTrailEvent.requestParametersJson),
                                 ("responseElements", \CLCloudTrailEvent.responseElementsJson),
                                 ("additionalEventData", \CLCloudTrailEvent.additionalEventDataJson)] {
            if let n = r.node(field), n.value != .null {
                e[keyPath: keyPath] = String(decoding: body[n.range], as: UTF8.self)
            }
        }
        if let ui = r["userIdentity"], ui.isObject {
            var u = CLUserIdentity()
            u.type = ui["type"]?.string ?? ""
            u.arn = ui["arn"]?.string ?? ""
            u.accountID = ui["accountId"]?.string ?? ""
            u.principalID = ui["principalId"]?.string ?? ""
            u.accessKeyID = ui["accessKeyId"]?.string ?? ""
            u.userName = ui["userName"]?.string ?? ""
            u.invokedBy = ui["invokedBy"]?.string ?? ""
            if let ctx = ui["sessionContext"] {
                if let issuer = ctx["sessionIssuer"] {
                    u.sessionIssuerType = issuer["type"]?.string ?? ""
                    u.sessionIssuerArn = issuer["arn"]?.string ?? ""
                    u.sessionIssuerUserName = issuer["userName"]?.string ?? ""
                }
                u.mfaAuthenticated = ctx["attributes"]?["mfaAuthenticated"]?.bool ?? false
            }
            e.userIdentity = u
        }
        e.raw = Data(body[node.range])
        e.ingestSource = ingestSource
        e.receivedAtMs = receivedAtMs
        return .success(e)
    }
}

/// The body as a whole cannot be used; `message` names the problem.
public struct IngestBodyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
