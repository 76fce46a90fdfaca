import Bus
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as `{"error":{"code","message"}}`. The message is safe to show; no stack trace or SQL leaks.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ m: String) -> APIError { APIError(.badRequest, "invalid_argument", m) }
    static func unauthenticated(_ m: String = "missing or invalid API key") -> APIError {
        var e = APIError(.unauthorized, "unauthenticated", m)
        e.headers[.wwwAuthenticate] = "Bearer"
        return e
    }
    static func notFound(_ m: String) -> APIError { APIError(.notFound, "not_found", m) }
    static func forbidden(_ m: String) -> APIError { APIError(.forbidden, "permission_denied", m) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] = ["error": ["code": code, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Maps a service's gRPC-style status to HTTP.
    init(_ e: BusError) {
        switch e.code {
        case .invalidArgument, .outOfRange: self.init(.badRequest, "invalid_argument", e.message)
        case .notFound: self.init(.notFound, "not_found", e.message)
        case .alreadyExists, .aborted: self.init(.conflict, "conflict", e.message)
        case .failedPrecondition: self.init(.conflict, "failed_precondition", e.message)
        case .permissionDenied: self.init(.forbidden, "permission_denied", e.message)
        case .unauthenticated: self.init(.unauthorized, "unauthenticated", e.message)
        case .resourceExhausted: self.init(.tooManyRequests, "rate_limited", e.message)
        case .unimplemented: self.init(.notImplemented, "unimplemented", e.message)
        case .unavailable: self.init(.serviceUnavailable, "unavailable", e.message)
        case .deadlineExceeded: self.init(.gatewayTimeout, "deadline_exceeded", "the service did not answer in time")
        default: self.init(.internalServerError, "internal", "internal error")
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Turns every error, including the router's and the body limit's, into the JSON error shape, and stamps each
/// response with a request id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as APIError {
            response = try e.response(from: request, context: context)
        } catch let e as BusError {
            if e.code == .internal || e.code == .unknown {
                context.logger.error("service call failed", metadata: ["error": "\(e)"])
            }
            response = try APIError(e).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            response = try APIError(.contentTooLarge, "payload_too_large", "request body exceeds the size limit")
                .response(from: request, context: context)
        } catch let e as HTTPError {
            let code: String
            switch e.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "payload_too_large"
            case .badRequest: code = "invalid_argument"
            case .unauthorized: code = "unauthenticated"
            default: code = e.status.code >= 500 ? "internal" : "invalid_argument"
            }
            let message = e.body ?? (e.status == .notFound ? "no such endpoint \(request.method) \(request.uri.path)" : e.status.reasonPhrase)
            response = try APIError(e.status, code, message).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = try APIError(.internalServerError, "internal", "internal error").response(from: request, context: context)
        }
        response.headers[.requestID] = id
        return response
    }
}
