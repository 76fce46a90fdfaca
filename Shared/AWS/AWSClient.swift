import Foundation
import HTTP
import Logging

/// Sends signed requests to AWS (or to an AWS-compatible endpoint such as moto) with retries and timeouts.
///
/// One client serves every service and region for one set of credentials; the service types (`IAM`, `S3`, `EC2`,
/// ...) are thin views over it. Throttling, 5xx answers, timeouts and transport failures are retried with jittered
/// exponential backoff; any other error is thrown at once as an ``AWSError``.
public final class AWSClient: Sendable {
    public struct Configuration: Sendable {
        /// The default region for regional services.
        public var region: String
        /// Sends every service to this base URL (moto in development and tests); AWS's own endpoints when nil.
        public var endpoint: String?
        public var retry: RetryPolicy
        /// The limit for one attempt.
        public var timeout: Duration
        /// STS at `sts.amazonaws.com` (signed for us-east-1) instead of the regional endpoint.
        public var useGlobalSTSEndpoint: Bool
        /// S3 bucket in the path instead of the host name; defaults to true when `endpoint` is set.
        public var s3PathStyle: Bool?
        public var userAgent: String

        public init(region: String = "us-east-1", endpoint: String? = nil, retry: RetryPolicy = RetryPolicy(),
                    timeout: Duration = .seconds(30), useGlobalSTSEndpoint: Bool = false, s3PathStyle: Bool? = nil,
                    userAgent: String = "cloudloom/1.0") {
            self.region = region
            self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            self.retry = retry
            self.timeout = timeout
            self.useGlobalSTSEndpoint = useGlobalSTSEndpoint
            self.s3PathStyle = s3PathStyle
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    public let credentialProvider: any AWSCredentialProvider
    public let http: HTTPClient
    let ownsHTTP: Bool
    let logger: Logger

    public init(credentials: any AWSCredentialProvider, configuration: Configuration = Configuration(), http: HTTPClient? = nil,
                logger: Logger = Logger(label: "cloudloom.aws")) {
        self.credentialProvider = credentials
        self.configuration = configuration
        self.http = http ?? HTTPClient()
        self.ownsHTTP = http == nil
        self.logger = logger
    }

    /// A client for the same endpoint and settings with other credentials (for example an assumed role).
    public func with(credentials: any AWSCredentialProvider, region: String? = nil) -> AWSClient {
        var config = configuration
        if let region { config.region = region }
        return AWSClient(credentials: credentials, configuration: config, http: http, logger: logger)
    }

    /// Stops the HTTP threads when this client created them.
    public func shutdown() async {
        if ownsHTTP { await http.shutdown() }
    }

    var usesPathStyle: Bool { configuration.s3PathStyle ?? (configuration.endpoint != nil) }

    /// The base URL (scheme and host, no trailing slash) and the signing region for a service in a region.
    public func endpoint(for service: AWSService, region: String, hostPrefix: String? = nil) -> (url: String, signingRegion: String) {
        let signingRegion = service.isGlobal ? Self.globalSigningRegion(region) : region
        if let base = configuration.endpoint {
            guard let hostPrefix, !hostPrefix.isEmpty, let schemeEnd = base.range(of: "://") else {
                return (base, service.signingName == "sts" && configuration.useGlobalSTSEndpoint ? "us-east-1" : signingRegion)
            }
            return (base[..<schemeEnd.upperBound] + hostPrefix + base[schemeEnd.upperBound...], signingRegion)
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let prefix = hostPrefix ?? ""
        if service.isGlobal {
            if region.hasPrefix("cn-") { return ("https://\(prefix)\(service.endpointPrefix).cn-north-1.\(domain)", "cn-north-1") }
            if region.hasPrefix("us-gov-") { return ("https://\(prefix)\(service.endpointPrefix).us-gov.\(domain)", "us-gov-west-1") }
            return ("https://\(prefix)\(service.endpointPrefix).\(domain)", "us-east-1")
        }
        if service.signingName == "sts" && configuration.useGlobalSTSEndpoint && domain == "amazonaws.com" && !region.hasPrefix("us-gov-") {
            return ("https://\(prefix)sts.amazonaws.com", "us-east-1")
        }
        return ("https://\(prefix)\(service.endpointPrefix).\(region).\(domain)", region)
    }

    static func globalSigningRegion(_ region: String) -> String {
        if region.hasPrefix("cn-") { return "cn-north-1" }
        if region.hasPrefix("us-gov-") { return "us-gov-west-1" }
        return "us-east-1"
    }

    /// Signs and sends a request, retrying what may succeed later. A non-2xx answer becomes an ``AWSError``.
    public func send(_ request: AWSRequest) async throws(AWSError) -> AWSResponse {
        let region = request.region ?? configuration.region
        let (base, signingRegion) = endpoint(for: request.service, region: region, hostPrefix: request.hostPrefix)
        let query = request.encodedQuery
        let url = base + request.path + (query.isEmpty ? "" : "?" + query)
        let signer = SigV4Signer(service: request.service.signingName, region: signingRegion,
                                 s3Rules: request.service.signingName == "s3")
        let operation = "\(request.service.signingName).\(request.operation)"
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await attemptOnce(request, url: url, signer: signer, operation: operation)
            } catch var error {
                error.attempts = attempt
                guard error.isRetryable, attempt < configuration.retry.maxAttempts, !Task.isCancelled else { throw error }
                let delay = configuration.retry.delay(forRetry: attempt - 1)
                logger.debug("retrying AWS call", metadata: ["aws.operation": "\(operation)", "aws.error": "\(error.code)",
                                                             "aws.attempt": "\(attempt)", "aws.delay_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)"])
                do { try await Task.sleep(for: delay) } catch { throw AWSError(kind: .transport, code: "Cancelled", message: "the call was cancelled", operation: operation) }
            }
        }
    }

    private func attemptOnce(_ request: AWSRequest, url: String, signer: SigV4Signer, operation: String) async throws(AWSError) -> AWSResponse {
        var creds: AWSCredentials
        do { creds = try await credentialProvider.credentials() } catch {
            var e = error
            e.operation = e.operation ?? operation
            throw e
        }
        var headers = request.headers
        headers.append(("User-Agent", configuration.userAgent))
        var signature: SigV4Signer.Signature
        do {
            signature = try signer.sign(method: request.method, url: url, headers: headers, body: request.body,
                                        credentials: creds, date: .now, unsignedPayload: request.unsignedPayload)
        } catch {
            var e = error
            e.operation = operation
            throw e
        }
        let httpRequest = HTTPRequest(method: request.method, url: url, headers: signature.headers, body: request.body,
                                      timeout: request.timeout ?? configuration.timeout)
        let response: HTTPResponse
        do {
            response = try await http.execute(httpRequest)
        } catch let e as HTTPClientError {
            switch e.code {
            case .timeout: throw AWSError(kind: .timeout, code: "Timeout", message: e.message, operation: operation, underlying: e)
            case .invalidRequest: throw AWSError(kind: .invalidRequest, code: "InvalidRequest", message: e.message, operation: operation, underlying: e)
            case .tooLarge: throw AWSError(kind: .malformedResponse, code: "ResponseTooLarge", message: e.message, operation: operation, underlying: e)
            default: throw AWSError(kind: .transport, code: "Transport", message: e.message, operation: operation, underlying: e)
            }
        } catch {
            throw AWSError(kind: .transport, code: "Transport", message: "\(error)", operation: operation)
        }
        let answer = AWSResponse(status: response.status, headers: response.headers, body: response.body)
        if (200...299).contains(response.status) { return answer }
        var error = AWSErrorDocument.parse(answer, wireProtocol: request.service.wireProtocol)
        error.operation = operation
        throw error
    }
}
