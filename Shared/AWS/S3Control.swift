import CLCrypto
import Foundation

/// S3 Control: the account-level public access block, served from `{account}.s3-control.{region}.amazonaws.com`
/// (path `/v20180820/...`, the account in `x-amz-account-id`, signed as `s3`).
public struct S3Control: Sendable {
    public let client: AWSClient
    public let accountId: String
    public let region: String?

    public init(_ client: AWSClient, accountId: String, region: String? = nil) {
        self.client = client
        self.accountId = accountId
        self.region = region
    }

    static let path = "/v20180820/configuration/publicAccessBlock"

    func request(_ operation: String, method: String, body: [UInt8] = []) throws(AWSError) -> AWSRequest {
        guard accountId.count == 12, accountId.allSatisfy(\.isNumber) else {
            throw AWSError(kind: .invalidRequest, code: "InvalidAccountId", message: "\(accountId) is not a 12-digit AWS account id",
                           operation: "s3control.\(operation)")
        }
        var headers = [("x-amz-account-id", accountId)]
        if !body.isEmpty {
            headers.append(("Content-Type", "application/xml"))
            headers.append(("Content-MD5", Data(MD5.hash(body)).base64EncodedString()))
        }
        // Against a custom endpoint (moto) the account stays in the header only; AWS also wants it in the host name.
        return AWSRequest(service: .s3Control, operation: operation, region: region, method: method, path: Self.path, headers: headers,
                          body: body, hostPrefix: client.configuration.endpoint == nil ? accountId + "." : nil)
    }

    /// The account's public access block, or nil when none is set.
    public func getPublicAccessBlock() async throws(AWSError) -> S3.PublicAccessBlock? {
        do {
            let response = try await client.send(try request("GetPublicAccessBlock", method: "GET"))
            return S3.PublicAccessBlock.parse(try AWSClient.readXML(response, operation: "s3control.GetPublicAccessBlock"))
        } catch where S3.noPublicAccessBlock.contains(error.code) {
            return nil
        }
    }

    public func putPublicAccessBlock(_ block: S3.PublicAccessBlock) async throws(AWSError) {
        let x = XMLElement(name: "PublicAccessBlockConfiguration", attributes: ["xmlns": "http://awss3control.amazonaws.com/doc/2018-08-20/"], children: [
            XMLElement(name: "BlockPublicAcls", text: "\(block.blockPublicAcls)"),
            XMLElement(name: "IgnorePublicAcls", text: "\(block.ignorePublicAcls)"),
            XMLElement(name: "BlockPublicPolicy", text: "\(block.blockPublicPolicy)"),
            XMLElement(name: "RestrictPublicBuckets", text: "\(block.restrictPublicBuckets)"),
        ])
        _ = try await client.send(try request("PutPublicAccessBlock", method: "PUT", body: Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + x.xmlString).utf8)))
    }

    public func deletePublicAccessBlock() async throws(AWSError) {
        _ = try await client.send(try request("DeletePublicAccessBlock", method: "DELETE"))
    }
}
