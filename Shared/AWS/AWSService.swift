/// The wire protocol a service speaks (botocore's `metadata.protocol`).
public enum AWSProtocol: Sendable, Equatable {
    /// Form-encoded `Action=...&Version=...`, XML answers (IAM, STS, RDS).
    case query
    /// The EC2 variant of query: different list serialization and error document.
    case ec2
    /// REST with XML bodies (S3).
    case restXML
    /// JSON bodies with `X-Amz-Target` (SQS 1.0, CloudTrail and KMS 1.1).
    case json(version: String, targetPrefix: String)
    /// REST with JSON bodies (Lambda).
    case restJSON
}

/// What the client needs to know about one AWS service.
public struct AWSService: Sendable {
    /// The name in the credential scope.
    public var signingName: String
    /// The first label of the regional host name.
    public var endpointPrefix: String
    public var apiVersion: String
    public var wireProtocol: AWSProtocol
    /// One endpoint for the whole partition (IAM).
    public var isGlobal: Bool

    public init(signingName: String, endpointPrefix: String? = nil, apiVersion: String, wireProtocol: AWSProtocol, isGlobal: Bool = false) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix ?? signingName
        self.apiVersion = apiVersion
        self.wireProtocol = wireProtocol
        self.isGlobal = isGlobal
    }

    public static let sts = AWSService(signingName: "sts", apiVersion: "2011-06-15", wireProtocol: .query)
    public static let iam = AWSService(signingName: "iam", apiVersion: "2010-05-08", wireProtocol: .query, isGlobal: true)
    public static let ec2 = AWSService(signingName: "ec2", apiVersion: "2016-11-15", wireProtocol: .ec2)
    public static let s3 = AWSService(signingName: "s3", apiVersion: "2006-03-01", wireProtocol: .restXML)
    /// S3 Control (account-level public access block): signed as `s3`, served from `{account}.s3-control.{region}`.
    public static let s3Control = AWSService(signingName: "s3", endpointPrefix: "s3-control", apiVersion: "2018-08-20", wireProtocol: .restXML)
    public static let sqs = AWSService(signingName: "sqs", apiVersion: "2012-11-05", wireProtocol: .json(version: "1.0", targetPrefix: "AmazonSQS"))
    public static let cloudTrail = AWSService(signingName: "cloudtrail", apiVersion: "2013-11-01",
                                              wireProtocol: .json(version: "1.1", targetPrefix: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"))
    public static let kms = AWSService(signingName: "kms", apiVersion: "2014-11-01", wireProtocol: .json(version: "1.1", targetPrefix: "TrentService"))
    public static let rds = AWSService(signingName: "rds", apiVersion: "2014-10-31", wireProtocol: .query)
    public static let lambda = AWSService(signingName: "lambda", apiVersion: "2015-03-31", wireProtocol: .restJSON)
}
