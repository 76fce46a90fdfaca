import Foundation
import Testing
@testable import AWS

/// Error documents of every protocol read into ``AWSError``, which errors are retried, and the backoff bounds.
/// The documents are the shapes AWS (and moto, where it differs in no way that matters) answers with.
@Suite("AWS error documents and retry rules")
struct AWSErrorTests {
    static func response(_ status: Int, _ body: String, headers: [(String, String)] = []) -> AWSResponse {
        AWSResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    // MARK: XML protocols

    @Test("a query-protocol ErrorResponse gives code, message, request id and status")
    func queryError() {
        let body = """
            <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
            <Message>The role with name missing-role cannot be found.</Message></Error>\
            <RequestId>4a7f2c8e-0000-4c1f-9d2e-000000000001</RequestId></ErrorResponse>
            """
        let e = AWSErrorDocument.parse(Self.response(404, body, headers: [("x-amzn-RequestId", "from-header")]), wireProtocol: .query)
        #expect(e.kind == .service)
        #expect(e.code == "NoSuchEntity")
        #expect(e.message == "The role with name missing-role cannot be found.")
        // The document's request id wins over the header's.
        #expect(e.requestId == "4a7f2c8e-0000-4c1f-9d2e-000000000001")
        #expect(e.statusCode == 404)
        #expect(!e.isRetryable)
        #expect(!e.isThrottling)
    }

    @Test("an EC2 Response/Errors/Error document gives the dotted code and RequestID")
    func ec2Error() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group 'sg-0123' does not exist</Message>\
            </Error></Errors><RequestID>ec2-request-1</RequestID></Response>
            """
        let e = AWSErrorDocument.parse(Self.response(400, body), wireProtocol: .ec2)
        #expect(e.kind == .service)
        #expect(e.code == "InvalidGroup.NotFound")
        #expect(e.message == "The security group 'sg-0123' does not exist")
        #expect(e.requestId == "ec2-request-1")
        #expect(e.statusCode == 400)
        #expect(!e.isRetryable)
    }

    @Test("an S3 Error document (root element Error) gives code, message and its RequestId")
    func s3Error() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>cl-missing</BucketName>\
            <RequestId>TX1234567890ABCD</RequestId><HostId>9Gjjt1m+cjU4OPvX9O9/8RuvnG41MRb</HostId></Error>
            """
        let e = AWSErrorDocument.parse(Self.response(404, body), wireProtocol: .restXML)
        #expect(e.kind == .service)
        #expect(e.code == "NoSuchBucket")
        #expect(e.message == "The specified bucket does not exist")
        #expect(e.requestId == "TX1234567890ABCD")
        #expect(e.statusCode == 404)
    }

    @Test("an XML error document without a request id falls back to the header's")
    func requestIdFromHeader() {
        let body = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        let e = AWSErrorDocument.parse(Self.response(400, body, headers: [("x-amzn-RequestId", "hdr-1")]), wireProtocol: .query)
        #expect(e.code == "Throttling")
        #expect(e.requestId == "hdr-1")
        #expect(e.isThrottling)
        #expect(e.isRetryable)
    }

    @Test("XML that is not an error document (no Error/Code) is a malformed response")
    func xmlWithoutCode() {
        let e = AWSErrorDocument.parse(Self.response(400, "<Something><Else>1</Else></Something>"), wireProtocol: .query)
        #expect(e.kind == .malformedResponse)
        #expect(e.code == "UnreadableErrorResponse")
        #expect(e.statusCode == 400)
    }

    // MARK: JSON protocols

    @Test("JSON __type with a namespace prefix (com.amazonaws.kms#NotFoundException) keeps only the name")
    func jsonTypeWithHash() {
        let body = #"{"__type": "com.amazonaws.kms#NotFoundException", "message": "Key 'arn:aws:kms:us-east-1:123456789012:key/k' does not exist"}"#
        let e = AWSErrorDocument.parse(Self.response(400, body, headers: [("x-amzn-RequestId", "kms-req")]),
                                       wireProtocol: AWSService.kms.wireProtocol)
        #expect(e.kind == .service)
        #expect(e.code == "NotFoundException")
        #expect(e.message == "Key 'arn:aws:kms:us-east-1:123456789012:key/k' does not exist")
        #expect(e.requestId == "kms-req")
        #expect(e.statusCode == 400)
    }

    @Test("JSON __type without a prefix, and a capitalised Message field")
    func jsonTypePlain() {
        let body = #"{"__type": "S3BucketDoesNotExistException", "Message": "S3 bucket nope-bucket does not exist!"}"#
        let e = AWSErrorDocument.parse(Self.response(400, body), wireProtocol: AWSService.cloudTrail.wireProtocol)
        #expect(e.code == "S3BucketDoesNotExistException")
        #expect(e.message == "S3 bucket nope-bucket does not exist!")
    }

    @Test("SQS's x-amzn-query-error header gives the code (as botocore reports it); the JSON type goes to the message")
    func jsonQueryErrorHeader() {
        let body = #"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#
        let e = AWSErrorDocument.parse(Self.response(400, body, headers: [("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")]),
                                       wireProtocol: AWSService.sqs.wireProtocol)
        #expect(e.code == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(e.message == "The specified queue does not exist. (QueueDoesNotExist)")
    }

    @Test("the x-amzn-ErrorType header wins over the body and loses its ':http://...' suffix (rest-json)")
    func restJSONErrorTypeHeader() {
        let body = #"{"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}"#
        let headers = [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.lambda/"),
                       ("x-amzn-RequestId", "lambda-req")]
        let e = AWSErrorDocument.parse(Self.response(404, body, headers: headers), wireProtocol: .restJSON)
        #expect(e.kind == .service)
        #expect(e.code == "ResourceNotFoundException")
        #expect(e.message == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope")
        #expect(e.requestId == "lambda-req")
        #expect(e.statusCode == 404)
    }

    @Test("restJSONCode strips namespaces, URL suffixes and whitespace")
    func restJSONCode() {
        #expect(AWSErrorDocument.restJSONCode("aws.protocoltests#FooError:http://internal.amazon.com/") == "FooError")
        #expect(AWSErrorDocument.restJSONCode("FooError") == "FooError")
        #expect(AWSErrorDocument.restJSONCode(" FooError ") == "FooError")
        #expect(AWSErrorDocument.restJSONCode("com.amazonaws.sqs#QueueNameExists") == "QueueNameExists")
    }

    @Test("a JSON error body that is not an object, or has no code, is a malformed response")
    func jsonWithoutCode() {
        let noCode = AWSErrorDocument.parse(Self.response(400, #"{"message": "something"}"#), wireProtocol: AWSService.kms.wireProtocol)
        #expect(noCode.kind == .malformedResponse)
        let array = AWSErrorDocument.parse(Self.response(400, "[1,2]"), wireProtocol: AWSService.kms.wireProtocol)
        #expect(array.kind == .malformedResponse)
        let truncated = AWSErrorDocument.parse(Self.response(400, #"{"__type": "Thrott"#), wireProtocol: AWSService.kms.wireProtocol)
        #expect(truncated.kind == .malformedResponse)
    }

    // MARK: Bodies that are no document at all

    static let html502 = """
        <!doctype html>
        <html lang=en>
        <title>502 Bad Gateway</title>
        <h1>Bad Gateway</h1>
        <p>The proxy server received an invalid response from an upstream server.</p>
        """

    @Test("an HTML 502 page is a malformed response that is retried", arguments: [AWSProtocol.query, .ec2, .restXML, .restJSON,
                                                                                  AWSService.kms.wireProtocol])
    func htmlBadGateway(_ wireProtocol: AWSProtocol) {
        let e = AWSErrorDocument.parse(Self.response(502, Self.html502, headers: [("Content-Type", "text/html")]), wireProtocol: wireProtocol)
        #expect(e.kind == .malformedResponse)
        #expect(e.code == "UnreadableErrorResponse")
        #expect(e.statusCode == 502)
        #expect(e.isRetryable)
        #expect(e.message.contains("text/html"))
        #expect(e.message.contains("502 Bad Gateway"))
        // Control characters of the body do not reach the message.
        #expect(!e.message.contains("\n"))
    }

    @Test("an HTML page on a 403 is malformed but not retried")
    func htmlForbidden() {
        let e = AWSErrorDocument.parse(Self.response(403, "<html><body>Forbidden", headers: [("Content-Type", "text/html")]), wireProtocol: .query)
        #expect(e.kind == .malformedResponse)
        #expect(!e.isRetryable)
    }

    @Test("an empty (or blank) body takes its code from the status")
    func emptyBody() {
        let cases: [(status: Int, code: String, retryable: Bool)] = [
            (404, "NotFound", false), (403, "Forbidden", false), (400, "BadRequest", false), (301, "PermanentRedirect", false),
            (412, "PreconditionFailed", false), (429, "TooManyRequests", true), (500, "InternalError", true),
            (503, "ServiceUnavailable", true), (418, "HTTP418", false),
        ]
        for c in cases {
            for body in ["", "  \r\n"] {
                let e = AWSErrorDocument.parse(Self.response(c.status, body), wireProtocol: .restXML)
                #expect(e.kind == .service, "HTTP \(c.status)")
                #expect(e.code == c.code, "HTTP \(c.status)")
                #expect(e.statusCode == c.status)
                #expect(e.isRetryable == c.retryable, "HTTP \(c.status)")
            }
        }
    }

    @Test("an empty body with x-amzn-ErrorType takes the header's code")
    func emptyBodyWithErrorType() {
        let e = AWSErrorDocument.parse(Self.response(404, "", headers: [("x-amzn-ErrorType", "ResourceNotFoundException:http://x/")]),
                                       wireProtocol: .restJSON)
        #expect(e.code == "ResourceNotFoundException")
    }

    // MARK: Which errors are retried

    @Test("throttling codes are retryable whatever the status", arguments: [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ])
    func throttlingRetryable(_ code: String) {
        let e = AWSError(kind: .service, code: code, message: "slow down", statusCode: 400)
        #expect(e.isThrottling)
        #expect(e.isRetryable)
    }

    @Test("permanent service errors are not retried", arguments: [
        ("AccessDenied", 403), ("AccessDeniedException", 400), ("NoSuchEntity", 404), ("ValidationError", 400),
        ("InvalidClientTokenId", 403), ("NotImplemented", 501),
    ])
    func permanentNotRetryable(_ code: String, _ status: Int) {
        let e = AWSError(kind: .service, code: code, message: "", statusCode: status)
        #expect(!e.isRetryable)
        #expect(!e.isThrottling)
    }

    @Test("5xx, transient codes, 429, timeouts and transport failures are retried; credentials and bad requests are not")
    func retryRules() {
        #expect(AWSError(kind: .service, code: "Whatever", message: "", statusCode: 500).isRetryable)
        #expect(AWSError(kind: .service, code: "Whatever", message: "", statusCode: 504).isRetryable)
        #expect(AWSError(kind: .service, code: "InternalError", message: "", statusCode: 400).isRetryable)
        #expect(AWSError(kind: .service, code: "RequestTimeout", message: "", statusCode: 400).isRetryable)
        #expect(AWSError(kind: .service, code: "IDPCommunicationError", message: "", statusCode: 400).isRetryable)
        let tooMany = AWSError(kind: .service, code: "SomethingElse", message: "", statusCode: 429)
        #expect(tooMany.isThrottling && tooMany.isRetryable)
        #expect(AWSError(kind: .timeout, code: "Timeout", message: "").isRetryable)
        #expect(AWSError(kind: .transport, code: "Transport", message: "").isRetryable)
        #expect(!AWSError(kind: .credentials, code: "MissingCredentials", message: "").isRetryable)
        #expect(!AWSError(kind: .invalidRequest, code: "InvalidURL", message: "").isRetryable)
        // A 200 whose body cannot be read will not read better next time.
        #expect(!AWSError(kind: .malformedResponse, code: "InvalidXML", message: "", statusCode: 200).isRetryable)
        #expect(AWSError(kind: .malformedResponse, code: "UnreadableErrorResponse", message: "", statusCode: 504).isRetryable)
        // Throttling is a service answer; the same code on another kind is not throttling.
        #expect(!AWSError(kind: .malformedResponse, code: "Throttling", message: "", statusCode: 400).isThrottling)
    }

    @Test("the description names kind, operation, code, message, status, request id and attempts")
    func errorDescription() {
        var e = AWSError(kind: .service, code: "AccessDenied", message: "not allowed", requestId: "r-1", statusCode: 403,
                         operation: "iam.ListRoles")
        #expect(e.description == "aws service error in iam.ListRoles: AccessDenied: not allowed (HTTP 403) [request id r-1]")
        e.attempts = 3
        #expect(e.description.hasSuffix(" after 3 attempts"))
        let bare = AWSError(kind: .malformedResponse, code: "InvalidXML", message: "")
        #expect(bare.description == "aws malformed_response error: InvalidXML")
    }

    // MARK: Backoff

    @Test("the backoff never exceeds min(maxDelay, baseDelay * 2^n) and is 0 with a random 0")
    func backoffBounds() {
        let policies = [RetryPolicy(), RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .seconds(1)),
                        RetryPolicy(maxAttempts: 8, baseDelay: .seconds(1), maxDelay: .milliseconds(1500))]
        for policy in policies {
            for retry in 0..<64 {
                let ceiling = min(policy.maxDelay, policy.baseDelay * Double(1 << min(retry, 30)))
                for random in [0, 0.001, 0.25, 0.5, 0.999_999] {
                    let d = policy.delay(forRetry: retry, random: random)
                    #expect(d >= .zero)
                    #expect(d <= ceiling, "retry \(retry), random \(random): \(d) > \(ceiling)")
                }
                #expect(policy.delay(forRetry: retry, random: 0) == .zero)
                // The default random source stays within the same bounds.
                let d = policy.delay(forRetry: retry)
                #expect(d >= .zero && d <= ceiling)
            }
        }
        // The ceiling doubles from the base: retry 0 waits up to 100 ms, retry 3 up to 800 ms.
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(20))
        #expect(Self.close(policy.delay(forRetry: 0, random: 0.5), .milliseconds(50)))
        #expect(Self.close(policy.delay(forRetry: 3, random: 0.5), .milliseconds(400)))
        #expect(Self.close(policy.delay(forRetry: 20, random: 0.5), .seconds(10)))
    }

    /// Equal within a microsecond (the delay is computed in floating point).
    static func close(_ a: Duration, _ b: Duration) -> Bool {
        let diff = a - b
        return diff < .microseconds(1) && diff > .microseconds(-1)
    }

    @Test("maxAttempts is at least 1, and .none means a single attempt")
    func retryPolicyAttempts() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: -5).maxAttempts == 1)
        #expect(RetryPolicy.none.maxAttempts == 1)
        #expect(RetryPolicy().maxAttempts == 5)
    }
}
