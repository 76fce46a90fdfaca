import ArgumentParser
import Foundation
import HTTP

/// The operator CLI. Exit codes: 0 success (clean), 1 findings, 2 usage error, 3 some input unreadable,
/// 4 the server refused or failed.
@main
struct CloudLoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudloom",
        abstract: "Operate CloudLoom and scan files offline.",
        version: "0.1.0",
        subcommands: [TenantCommand.self, DetectCommand.self, LintPolicyCommand.self, AWSCommand.self, IngestCommand.self])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("cloudloom: \(error.message)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A failure with the exit code the CLI contract gives it.
struct CLIError: Error {
    var message: String
    var exitCode: Int32
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Settings for talking to a gateway, from flags or the environment (`.local/env` after `make run`).
struct GatewayOptions: ParsableArguments {
    @Option(help: "Gateway URL (default: $CL_GATEWAY_URL or http://127.0.0.1:8080).")
    var gatewayURL: String?

    var url: String {
        gatewayURL ?? ProcessInfo.processInfo.environment["CL_GATEWAY_URL"] ?? "http://127.0.0.1:8080"
    }

    func send(_ method: String, _ path: String, key: String, json: Any? = nil) async throws -> (Int, Any?) {
        let client = HTTPClient(.init(threads: 1))
        defer { Task { await client.shutdown() } }
        var headers = [("Authorization", "Bearer \(key)"), ("Accept", "application/json")]
        var body: [UInt8] = []
        if let json {
            body = Array(try JSONSerialization.data(withJSONObject: json))
            headers.append(("Content-Type", "application/json"))
        }
        let response: HTTPResponse
        do {
            response = try await client.execute(HTTPRequest(method: method, url: url + path, headers: headers, body: body))
        } catch {
            throw CLIError(message: "cannot reach the gateway at \(url): \(error)", exitCode: 4)
        }
        let parsed = try? JSONSerialization.jsonObject(with: Data(response.body))
        return (response.status, parsed)
    }
}

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tenant", abstract: "Manage tenants (operator key).",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant and print its id and first admin API key (shown once).")

        @Argument(help: "The tenant's name.") var name: String
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @Option(help: "Operator key (default: $CL_OPERATOR_KEY).") var operatorKey: String?
        @OptionGroup var gateway: GatewayOptions

        func run() async throws {
            guard let key = operatorKey ?? ProcessInfo.processInfo.environment["CL_OPERATOR_KEY"], !key.isEmpty else {
                throw CLIError(message: "no operator key: pass --operator-key or set CL_OPERATOR_KEY", exitCode: 2)
            }
            let (status, body) = try await gateway.send("POST", "/v1/tenants", key: key, json: ["name": name])
            let object = body as? [String: Any]
            guard status == 201, let tenantID = object?["tenant_id"] as? String, let apiKey = object?["api_key"] as? String else {
                let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? "HTTP \(status)"
                throw CLIError(message: "tenant creation failed: \(message)", exitCode: 4)
            }
            switch format {
            case .json:
                let out = try JSONSerialization.data(withJSONObject: ["tenant_id": tenantID, "api_key": apiKey], options: [.sortedKeys])
                print(String(decoding: out, as: UTF8.self))
            case .text:
                print("tenant_id: \(tenantID)")
                print("api_key:   \(apiKey)")
                print("(the key is shown once; store it now)")
            }
        }
    }
}
