import Foundation

/// Reads the error document of a non-2xx answer, in the shape of each protocol.
enum AWSErrorDocument {
    static func parse(_ response: AWSResponse, wireProtocol: AWSProtocol) -> AWSError {
        let status = response.status
        let headerRequestId = response.requestId
        if response.body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            // HEAD requests and some S3 errors carry no body: the status is all there is (as botocore does it).
            let code = response.header("x-amzn-ErrorType").map(restJSONCode) ?? statusCode(status)
            return AWSError(kind: .service, code: code, message: "HTTP \(status) with an empty body",
                            requestId: headerRequestId, statusCode: status)
        }
        switch wireProtocol {
        case .query, .ec2, .restXML:
            guard let root = try? XMLElement.parse(response.body) else { return unreadable(response) }
            // query: <ErrorResponse><Error><Code>; EC2: <Response><Errors><Error><Code>; S3: <Error><Code>.
            let error = root.name == "Error" ? root : (root["Error"] ?? root["Errors", "Error"])
            guard let error, let code = error.string("Code"), !code.isEmpty else { return unreadable(response) }
            let requestId = root.string("RequestId") ?? root.string("RequestID") ?? error.string("RequestId") ?? headerRequestId
            return AWSError(kind: .service, code: code, message: error.string("Message") ?? "", requestId: requestId, statusCode: status)
        case .json, .restJSON:
            guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
                return unreadable(response)
            }
            var code = response.header("x-amzn-ErrorType").map(restJSONCode)
            if code == nil || code!.isEmpty {
                code = (object["__type"] as? String ?? object["code"] as? String ?? object["Code"] as? String).map(restJSONCode)
            }
            // SQS answers in JSON but keeps its query-era codes in a header ("AWS.SimpleQueueService.NonExistentQueue;Sender").
            let queryCode = response.header("x-amzn-query-error").flatMap { $0.split(separator: ";").first.map(String.init) }
            guard let code, !code.isEmpty else { return unreadable(response) }
            let message = object["message"] as? String ?? object["Message"] as? String ?? object["errorMessage"] as? String ?? ""
            // Like botocore, report the query-era code when the service sends one, and keep the JSON type in the message.
            var error = AWSError(kind: .service, code: queryCode ?? code, message: message, requestId: headerRequestId, statusCode: status)
            if let queryCode, queryCode != code { error.message += error.message.isEmpty ? code : " (\(code))" }
            return error
        }
    }

    /// `aws.protocoltests#FooError:http://...` → `FooError`.
    static func restJSONCode(_ raw: String) -> String {
        var s = Substring(raw)
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        if let hash = s.lastIndex(of: "#") { s = s[s.index(after: hash)...] }
        return String(s).trimmingASCIIWhitespace()
    }

    static func statusCode(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 304: return "NotModified"
        case 400: return "BadRequest"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 412: return "PreconditionFailed"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }

    /// An answer that is not the protocol's error document: an HTML page from a proxy, a truncated body.
    static func unreadable(_ response: AWSResponse) -> AWSError {
        let type = response.header("content-type") ?? "unknown content type"
        let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
            .unicodeScalars.map { $0.value < 32 ? " " : String($0) }.joined()
        return AWSError(kind: .malformedResponse, code: "UnreadableErrorResponse",
                        message: "HTTP \(response.status) with a body that is not an AWS error document (\(type)): \(snippet)",
                        requestId: response.requestId, statusCode: response.status)
    }
}
