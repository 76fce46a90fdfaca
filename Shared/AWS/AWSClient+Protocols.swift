import Foundation

extension AWSClient {
    /// A query-protocol call (IAM, STS, RDS, EC2): returns the `<ActionResult>` element, or the root for EC2.
    public func query(_ service: AWSService, _ action: String, _ parameters: QueryParameters = QueryParameters(),
                      region: String? = nil) async throws(AWSError) -> XMLElement {
        let request = AWSRequest(service: service, operation: action, region: region, method: "POST", path: "/",
                                 headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                 body: parameters.body(action: action, version: service.apiVersion))
        let response = try await send(request)
        let root = try Self.readXML(response, operation: "\(service.signingName).\(action)")
        if service.wireProtocol == .ec2 { return root }
        return root.child("\(action)Result") ?? root
    }

    /// A JSON-protocol call (SQS, CloudTrail, KMS): the body is an encoded input, the answer decoded into `Output`.
    public func json<Output: Decodable>(_ service: AWSService, _ operation: String, _ input: some Encodable & Sendable,
                                        as output: Output.Type, region: String? = nil) async throws(AWSError) -> Output {
        let response = try await jsonCall(service, operation, input, region: region)
        return try Self.decodeJSON(Output.self, from: response, operation: "\(service.signingName).\(operation)")
    }

    /// A JSON-protocol call whose answer is not needed beyond success.
    @discardableResult
    public func jsonCall(_ service: AWSService, _ operation: String, _ input: some Encodable & Sendable,
                         region: String? = nil) async throws(AWSError) -> AWSResponse {
        guard case .json(let version, let prefix) = service.wireProtocol else {
            throw AWSError(kind: .invalidRequest, code: "WrongProtocol", message: "\(service.signingName) does not speak the JSON protocol")
        }
        let body = try Self.encodeJSON(input, operation: "\(service.signingName).\(operation)")
        let request = AWSRequest(service: service, operation: operation, region: region, method: "POST", path: "/",
                                 headers: [("Content-Type", "application/x-amz-json-\(version)"), ("X-Amz-Target", "\(prefix).\(operation)")],
                                 body: body)
        return try await send(request)
    }

    static func readXML(_ response: AWSResponse, operation: String) throws(AWSError) -> XMLElement {
        do {
            return try XMLElement.parse(response.body)
        } catch {
            throw AWSError(kind: .malformedResponse, code: "InvalidXML",
                           message: "the \(operation) answer is not readable XML: \(error)", requestId: response.requestId,
                           statusCode: response.status, operation: operation, underlying: error)
        }
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, from response: AWSResponse, operation: String) throws(AWSError) -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            // An empty body is an empty object for operations that answer nothing.
            return try decoder.decode(T.self, from: response.body.isEmpty ? Data("{}".utf8) : Data(response.body))
        } catch {
            throw AWSError(kind: .malformedResponse, code: "InvalidJSON",
                           message: "the \(operation) answer is not the expected JSON: \(JSONDecodingDescription.describe(error))",
                           requestId: response.requestId, statusCode: response.status, operation: operation)
        }
    }

    static func encodeJSON(_ value: some Encodable, operation: String) throws(AWSError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) } catch {
            throw AWSError(kind: .invalidRequest, code: "InvalidInput", message: "cannot encode the \(operation) input: \(error)", operation: operation)
        }
    }
}

/// A short, user-readable account of a `DecodingError`.
enum JSONDecodingDescription {
    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return p.isEmpty ? "the document" : String(p.drop { $0 == "." })
        }
        switch e {
        case .typeMismatch(let t, let c): return "\(path(c)) is not a \(t)"
        case .valueNotFound(let t, let c): return "\(path(c)) is null, expected a \(t)"
        case .keyNotFound(let k, let c): return "\(path(c)) lacks the field \(k.stringValue)"
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
