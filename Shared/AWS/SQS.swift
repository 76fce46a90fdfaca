import CLCrypto
import Foundation

/// Amazon SQS (regional; the JSON 1.0 protocol with `X-Amz-Target: AmazonSQS.<Operation>`).
///
/// Every call posts to the endpoint root with the queue URL in the JSON body, as botocore does. Calls are sent in
/// query-compatible mode (`x-amzn-query-mode: true`) so error answers also carry SQS's query-era code
/// (`AWS.SimpleQueueService.NonExistentQueue`), which the error's message then includes.
public struct SQS: Sendable {
    public let client: AWSClient
    /// The region calls go to; the client's region when nil. It must be the queue's region.
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    /// How much longer than the long-poll wait one `ReceiveMessage` attempt may take before it counts as timed out.
    static let longPollMargin: Duration = .seconds(10)

    // MARK: Queues

    /// The URL of a queue by name; `ownerAccountId` for a queue another account shares with the caller.
    public func getQueueUrl(queueName: String, ownerAccountId: String? = nil) async throws(AWSError) -> String {
        let input = GetQueueUrlInput(queueName: queueName, ownerAccountId: ownerAccountId)
        return try await call("GetQueueUrl", input, as: QueueUrlOutput.self).queueUrl
    }

    /// Creates a queue (or returns the existing one when the attributes agree) and answers its URL.
    /// Used by tests and development setups; production queues are made by infrastructure code.
    public func createQueue(name: String, attributes: [String: String] = [:]) async throws(AWSError) -> String {
        let input = CreateQueueInput(queueName: name, attributes: attributes.isEmpty ? nil : attributes)
        return try await call("CreateQueue", input, as: QueueUrlOutput.self).queueUrl
    }

    // MARK: Messages

    /// One received message.
    public struct Message: Sendable, Equatable {
        public var messageId: String
        /// The handle to delete the message or change its visibility with; valid for this receipt only.
        public var receiptHandle: String
        public var body: String
        /// The hex MD5 of the body as SQS computed it (already checked against `body` on receipt).
        public var md5OfBody: String?
        /// System attributes as SQS answers them, all strings: `SentTimestamp` (epoch milliseconds),
        /// `ApproximateReceiveCount`, `ApproximateFirstReceiveTimestamp`, `SenderId`, ...
        public var attributes: [String: String]
        /// Message attributes that carry a `StringValue` (the `String` and `Number` data types); binary
        /// attributes are left out.
        public var messageAttributes: [String: String]

        /// How many times the message has been received, this receipt included (`ApproximateReceiveCount`).
        public var receiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }

        /// When the message was sent (`SentTimestamp`).
        public var sentAt: Date? {
            attributes["SentTimestamp"].flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0 / 1000) }
        }
    }

    /// Receives up to `maxMessages` (1 to 10) messages, with every system and message attribute.
    ///
    /// - Parameters:
    ///   - waitTimeSeconds: long polling: SQS holds the call open until a message arrives or this many seconds
    ///     (at most 20) pass. The attempt's timeout is extended to the wait plus a margin.
    ///   - visibilityTimeout: hides the received messages for this many seconds instead of the queue's default.
    /// - Returns: the messages, empty when none arrived in time.
    /// - Throws: `.malformedResponse` (`BodyChecksumMismatch`) when a body does not match its MD5; the batch's
    ///   messages then reappear after their visibility timeout, so none is lost.
    public func receiveMessages(queueUrl: String, maxMessages: Int = 10, waitTimeSeconds: Int? = nil,
                                visibilityTimeout: Int? = nil, attributeNames: [String] = ["All"],
                                messageAttributeNames: [String] = ["All"]) async throws(AWSError) -> [Message] {
        // `AttributeNames` is deprecated in favour of `MessageSystemAttributeNames`; both are sent (as botocore
        // users commonly do) so that SQS-compatible servers knowing only the older name answer the same.
        let input = ReceiveMessageInput(queueUrl: queueUrl, maxNumberOfMessages: maxMessages, waitTimeSeconds: waitTimeSeconds,
                                        visibilityTimeout: visibilityTimeout,
                                        attributeNames: attributeNames.isEmpty ? nil : attributeNames,
                                        messageSystemAttributeNames: attributeNames.isEmpty ? nil : attributeNames,
                                        messageAttributeNames: messageAttributeNames.isEmpty ? nil : messageAttributeNames)
        var timeout: Duration?
        if let waitTimeSeconds, waitTimeSeconds > 0 {
            timeout = max(client.configuration.timeout, .seconds(waitTimeSeconds) + Self.longPollMargin)
        }
        let output = try await call("ReceiveMessage", input, as: ReceiveMessageOutput.self, timeout: timeout)
        var messages: [Message] = []
        for m in output.messages ?? [] {
            if let md5 = m.md5OfBody { try Self.checkMD5(of: m.body, expected: md5, operation: "sqs.ReceiveMessage", messageId: m.messageId) }
            var strings: [String: String] = [:]
            for (name, value) in m.messageAttributes ?? [:] {
                if let s = value.stringValue { strings[name] = s }
            }
            messages.append(Message(messageId: m.messageId, receiptHandle: m.receiptHandle, body: m.body, md5OfBody: m.md5OfBody,
                                    attributes: m.attributes ?? [:], messageAttributes: strings))
        }
        return messages
    }

    /// Deletes a received message. SQS accepts a handle whose message is already gone; a malformed handle is
    /// `ReceiptHandleIsInvalid`.
    public func deleteMessage(queueUrl: String, receiptHandle: String) async throws(AWSError) {
        _ = try await send("DeleteMessage", ReceiptInput(queueUrl: queueUrl, receiptHandle: receiptHandle, visibilityTimeout: nil))
    }

    /// Changes how long a received message stays hidden; 0 makes it visible again at once.
    public func changeMessageVisibility(queueUrl: String, receiptHandle: String, visibilityTimeout: Int) async throws(AWSError) {
        _ = try await send("ChangeMessageVisibility",
                           ReceiptInput(queueUrl: queueUrl, receiptHandle: receiptHandle, visibilityTimeout: visibilityTimeout))
    }

    /// Sends a message and answers its id; `messageAttributes` are sent with the `String` data type.
    /// Used by tests and development tools; CloudTrail and EventBridge are the producers in production.
    public func sendMessage(queueUrl: String, body: String, messageAttributes: [String: String] = [:]) async throws(AWSError) -> String {
        var attributes: [String: MessageAttributeInput]?
        if !messageAttributes.isEmpty {
            attributes = messageAttributes.mapValues { MessageAttributeInput(dataType: "String", stringValue: $0) }
        }
        let input = SendMessageInput(queueUrl: queueUrl, messageBody: body, messageAttributes: attributes)
        let output = try await call("SendMessage", input, as: SendMessageOutput.self)
        if let md5 = output.md5OfMessageBody {
            try Self.checkMD5(of: body, expected: md5, operation: "sqs.SendMessage", messageId: output.messageId)
        }
        return output.messageId
    }

    // MARK: Wire

    /// Encodes, sends and decodes one call; `timeout` overrides the client's per-attempt limit.
    func call<Output: Decodable>(_ operation: String, _ input: some Encodable, as output: Output.Type,
                                 timeout: Duration? = nil) async throws(AWSError) -> Output {
        let response = try await send(operation, input, timeout: timeout)
        return try AWSClient.decodeJSON(Output.self, from: response, operation: "sqs.\(operation)")
    }

    func send(_ operation: String, _ input: some Encodable, timeout: Duration? = nil) async throws(AWSError) -> AWSResponse {
        let service = AWSService.sqs
        guard case .json(let version, let prefix) = service.wireProtocol else {
            throw AWSError(kind: .invalidRequest, code: "WrongProtocol", message: "sqs does not speak the JSON protocol")
        }
        let body = try AWSClient.encodeJSON(input, operation: "sqs.\(operation)")
        let request = AWSRequest(service: service, operation: operation, region: region, method: "POST", path: "/",
                                 headers: [("Content-Type", "application/x-amz-json-\(version)"), ("X-Amz-Target", "\(prefix).\(operation)"),
                                           ("x-amzn-query-mode", "true")],
                                 body: body, timeout: timeout)
        return try await client.send(request)
    }

    /// SQS's answer carries the body's MD5 so that corruption on the way is caught (botocore checks it too).
    static func checkMD5(of body: String, expected: String, operation: String, messageId: String) throws(AWSError) {
        let actual = Hex.encode(MD5.hash(Array(body.utf8)))
        guard actual == expected.lowercased() else {
            throw AWSError(kind: .malformedResponse, code: "BodyChecksumMismatch",
                           message: "the body of message \(messageId) does not match its MD5 (\(expected), computed \(actual))",
                           operation: operation)
        }
    }

    struct GetQueueUrlInput: Encodable {
        var queueName: String
        var ownerAccountId: String?
        enum CodingKeys: String, CodingKey {
            case queueName = "QueueName"
            case ownerAccountId = "QueueOwnerAWSAccountId"
        }
    }

    struct CreateQueueInput: Encodable {
        var queueName: String
        var attributes: [String: String]?
        enum CodingKeys: String, CodingKey {
            case queueName = "QueueName"
            case attributes = "Attributes"
        }
    }

    struct QueueUrlOutput: Decodable {
        var queueUrl: String
        enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
    }

    struct ReceiveMessageInput: Encodable {
        var queueUrl: String
        var maxNumberOfMessages: Int
        var waitTimeSeconds: Int?
        var visibilityTimeout: Int?
        var attributeNames: [String]?
        var messageSystemAttributeNames: [String]?
        var messageAttributeNames: [String]?
        enum CodingKeys: String, CodingKey {
            case queueUrl = "QueueUrl"
            case maxNumberOfMessages = "MaxNumberOfMessages"
            case waitTimeSeconds = "WaitTimeSeconds"
            case visibilityTimeout = "VisibilityTimeout"
            case attributeNames = "AttributeNames"
            case messageSystemAttributeNames = "MessageSystemAttributeNames"
            case messageAttributeNames = "MessageAttributeNames"
        }
    }

    struct ReceiveMessageOutput: Decodable {
        /// Absent when no message arrived.
        var messages: [WireMessage]?
        enum CodingKeys: String, CodingKey { case messages = "Messages" }
    }

    struct WireMessage: Decodable {
        var messageId: String
        var receiptHandle: String
        var body: String
        var md5OfBody: String?
        var attributes: [String: String]?
        var messageAttributes: [String: WireMessageAttribute]?
        enum CodingKeys: String, CodingKey {
            case messageId = "MessageId"
            case receiptHandle = "ReceiptHandle"
            case body = "Body"
            case md5OfBody = "MD5OfBody"
            case attributes = "Attributes"
            case messageAttributes = "MessageAttributes"
        }
    }

    struct WireMessageAttribute: Decodable {
        var stringValue: String?
        var dataType: String?
        enum CodingKeys: String, CodingKey {
            case stringValue = "StringValue"
            case dataType = "DataType"
        }
    }

    struct ReceiptInput: Encodable {
        var queueUrl: String
        var receiptHandle: String
        var visibilityTimeout: Int?
        enum CodingKeys: String, CodingKey {
            case queueUrl = "QueueUrl"
            case receiptHandle = "ReceiptHandle"
            case visibilityTimeout = "VisibilityTimeout"
        }
    }

    struct MessageAttributeInput: Encodable {
        var dataType: String
        var stringValue: String
        enum CodingKeys: String, CodingKey {
            case dataType = "DataType"
            case stringValue = "StringValue"
        }
    }

    struct SendMessageInput: Encodable {
        var queueUrl: String
        var messageBody: String
        var messageAttributes: [String: MessageAttributeInput]?
        enum CodingKeys: String, CodingKey {
            case queueUrl = "QueueUrl"
            case messageBody = "MessageBody"
            case messageAttributes = "MessageAttributes"
        }
    }

    struct SendMessageOutput: Decodable {
        var messageId: String
        var md5OfMessageBody: String?
        enum CodingKeys: String, CodingKey {
            case messageId = "MessageId"
            case md5OfMessageBody = "MD5OfMessageBody"
        }
    }
}
