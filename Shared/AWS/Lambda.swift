import Foundation

/// AWS Lambda (regional; REST with JSON bodies under `/2015-03-31/functions`).
public struct Lambda: Sendable {
    public let client: AWSClient
    /// The region calls go to; the client's region when nil.
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    /// The functions collection (botocore's `requestUri`, without a trailing slash).
    static let functionsPath = "/2015-03-31/functions"

    /// The path of one function, its name or ARN percent-encoded as one segment (`:` of an ARN included).
    static func functionPath(_ functionName: String) -> String {
        functionsPath + "/" + AWSURIEncoding.encode(functionName)
    }

    // MARK: Functions

    /// A function's configuration, as ListFunctions and CreateFunction answer it.
    public struct Function: Sendable, Equatable {
        public var functionName: String
        public var functionArn: String
        /// `python3.12`, `nodejs20.x`, ...; nil for container-image functions.
        public var runtime: String?
        /// The execution role's ARN.
        public var role: String?
        public var handler: String?
        /// As Lambda writes it (`2024-01-02T03:04:05.123+0000`; moto adds nanoseconds and `Z`).
        public var lastModified: String?
        /// Seconds.
        public var timeout: Int?
        /// Megabytes.
        public var memorySize: Int?
        /// The names of the environment variables, sorted. Their values are never kept: they often hold secrets.
        public var environmentVariableNames: [String]
        /// The function's VPC attachment; nil when it runs outside a VPC.
        public var vpcConfig: VpcConfig?
    }

    public struct VpcConfig: Sendable, Equatable {
        public var subnetIds: [String]
        public var securityGroupIds: [String]
        public var vpcId: String?
    }

    /// Every function of the region (`$LATEST` versions), `pageSize` 1 to 50 (`MaxItems`/`Marker`/`NextMarker`).
    public func listFunctions(pageSize: Int? = nil) -> AWSPaginator<Function> {
        let client = self.client, region = self.region
        return AWSPaginator { (marker: String?) async throws(AWSError) -> AWSPaginator<Function>.Page in
            var query: [AWSRequest.QueryItem] = []
            if let pageSize { query.append(AWSRequest.QueryItem("MaxItems", String(pageSize))) }
            if let marker { query.append(AWSRequest.QueryItem("Marker", marker)) }
            let request = AWSRequest(service: .lambda, operation: "ListFunctions", region: region, method: "GET",
                                     path: Self.functionsPath, query: query)
            let response = try await client.send(request)
            let o = try AWSClient.decodeJSON(ListFunctionsOutput.self, from: response, operation: "lambda.ListFunctions")
            return ((o.functions ?? []).map { $0.function }, o.nextMarker)
        }
    }

    /// Creates a function from a zip archive. The role must exist and trust `lambda.amazonaws.com`.
    /// Used by tests and development setups; CloudLoom does not deploy code to tenant accounts.
    public func createFunction(name: String, roleArn: String, zipFile: [UInt8], runtime: String, handler: String,
                               environment: [String: String] = [:], timeout: Int? = nil) async throws(AWSError) -> Function {
        let input = CreateFunctionInput(functionName: name, role: roleArn, runtime: runtime, handler: handler,
                                        code: CreateFunctionInput.Code(zipFile: Data(zipFile).base64EncodedString()),
                                        environment: environment.isEmpty ? nil : CreateFunctionInput.Environment(variables: environment),
                                        timeout: timeout)
        let response = try await send("CreateFunction", method: "POST", path: Self.functionsPath, body: input)
        return try AWSClient.decodeJSON(WireFunction.self, from: response, operation: "lambda.CreateFunction").function
    }

    // MARK: Resource policy

    /// The function's resource-based policy (a JSON document), or nil when it has none.
    ///
    /// Lambda answers `ResourceNotFoundException` both when the function has no policy and when the function
    /// does not exist; both give nil.
    public func getPolicy(functionName: String, qualifier: String? = nil) async throws(AWSError) -> String? {
        let response: AWSResponse
        do {
            response = try await send("GetPolicy", method: "GET", path: Self.functionPath(functionName) + "/policy",
                                      query: qualifier.map { [AWSRequest.QueryItem("Qualifier", $0)] } ?? [])
        } catch where error.code == "ResourceNotFoundException" {
            return nil
        }
        return try AWSClient.decodeJSON(GetPolicyOutput.self, from: response, operation: "lambda.GetPolicy").policy
    }

    /// Adds a statement to the function's resource policy and answers the statement (JSON).
    /// Used by tests and development setups.
    @discardableResult
    public func addPermission(functionName: String, statementId: String, action: String, principal: String,
                              sourceArn: String? = nil, sourceAccount: String? = nil) async throws(AWSError) -> String {
        let input = AddPermissionInput(statementId: statementId, action: action, principal: principal, sourceArn: sourceArn,
                                       sourceAccount: sourceAccount)
        let response = try await send("AddPermission", method: "POST", path: Self.functionPath(functionName) + "/policy", body: input)
        return try AWSClient.decodeJSON(AddPermissionOutput.self, from: response, operation: "lambda.AddPermission").statement
    }

    // MARK: Wire

    /// One REST call without a body (GET).
    func send(_ operation: String, method: String, path: String, query: [AWSRequest.QueryItem] = []) async throws(AWSError) -> AWSResponse {
        try await client.send(AWSRequest(service: .lambda, operation: operation, region: region, method: method, path: path, query: query))
    }

    /// One REST call with a JSON body.
    func send(_ operation: String, method: String, path: String, body: some Encodable) async throws(AWSError) -> AWSResponse {
        let bytes = try AWSClient.encodeJSON(body, operation: "lambda.\(operation)")
        return try await client.send(AWSRequest(service: .lambda, operation: operation, region: region, method: method, path: path,
                                                headers: [("Content-Type", "application/json")], body: bytes))
    }

    struct ListFunctionsOutput: Decodable {
        var functions: [WireFunction]?
        var nextMarker: String?
        enum CodingKeys: String, CodingKey {
            case functions = "Functions"
            case nextMarker = "NextMarker"
        }
    }

    struct WireFunction: Decodable {
        var functionName: String
        var functionArn: String
        var runtime: String?
        var role: String?
        var handler: String?
        var lastModified: String?
        var timeout: Int?
        var memorySize: Int?
        var environment: WireEnvironment?
        var vpcConfig: WireVpcConfig?
        enum CodingKeys: String, CodingKey {
            case functionName = "FunctionName"
            case functionArn = "FunctionArn"
            case runtime = "Runtime"
            case role = "Role"
            case handler = "Handler"
            case lastModified = "LastModified"
            case timeout = "Timeout"
            case memorySize = "MemorySize"
            case environment = "Environment"
            case vpcConfig = "VpcConfig"
        }

        var function: Function {
            var vpc: VpcConfig?
            if let v = vpcConfig {
                let subnets = v.subnetIds ?? [], groups = v.securityGroupIds ?? []
                // Lambda answers empty lists (and an empty VpcId) for functions outside any VPC.
                if !subnets.isEmpty || !groups.isEmpty || !(v.vpcId ?? "").isEmpty {
                    vpc = VpcConfig(subnetIds: subnets, securityGroupIds: groups, vpcId: (v.vpcId ?? "").isEmpty ? nil : v.vpcId)
                }
            }
            return Function(functionName: functionName, functionArn: functionArn, runtime: runtime, role: role, handler: handler,
                            lastModified: lastModified, timeout: timeout, memorySize: memorySize,
                            environmentVariableNames: environment?.variables?.names ?? [], vpcConfig: vpc)
        }
    }

    struct WireEnvironment: Decodable {
        var variables: VariableNames?
        enum CodingKeys: String, CodingKey { case variables = "Variables" }
    }

    /// The keys of the `Variables` object; the values are skipped, never decoded into strings.
    struct VariableNames: Decodable {
        var names: [String]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { return nil }
        }

        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue).sorted()
        }
    }

    struct WireVpcConfig: Decodable {
        var subnetIds: [String]?
        var securityGroupIds: [String]?
        var vpcId: String?
        enum CodingKeys: String, CodingKey {
            case subnetIds = "SubnetIds"
            case securityGroupIds = "SecurityGroupIds"
            case vpcId = "VpcId"
        }
    }

    struct GetPolicyOutput: Decodable {
        var policy: String
        enum CodingKeys: String, CodingKey { case policy = "Policy" }
    }

    struct CreateFunctionInput: Encodable {
        struct Code: Encodable {
            /// The zip archive, base64 (the JSON encoding of a blob).
            var zipFile: String
            enum CodingKeys: String, CodingKey { case zipFile = "ZipFile" }
        }
        struct Environment: Encodable {
            var variables: [String: String]
            enum CodingKeys: String, CodingKey { case variables = "Variables" }
        }
        var functionName: String
        var role: String
        var runtime: String
        var handler: String
        var code: Code
        var environment: Environment?
        var timeout: Int?
        enum CodingKeys: String, CodingKey {
            case functionName = "FunctionName"
            case role = "Role"
            case runtime = "Runtime"
            case handler = "Handler"
            case code = "Code"
            case environment = "Environment"
            case timeout = "Timeout"
        }
    }

    struct AddPermissionInput: Encodable {
        var statementId: String
        var action: String
        var principal: String
        var sourceArn: String?
        var sourceAccount: String?
        enum CodingKeys: String, CodingKey {
            case statementId = "StatementId"
            case action = "Action"
            case principal = "Principal"
            case sourceArn = "SourceArn"
            case sourceAccount = "SourceAccount"
        }
    }

    struct AddPermissionOutput: Decodable {
        var statement: String
        enum CodingKeys: String, CodingKey { case statement = "Statement" }
    }
}
