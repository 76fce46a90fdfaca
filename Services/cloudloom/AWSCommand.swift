import AWS
import ArgumentParser
import Foundation

/// `cloudloom aws ...`: check AWS connectivity with the same client the services use, and measure it.
struct AWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "Talk to AWS (or moto) with CloudLoom's own SigV4 client.",
        subcommands: [WhoAmI.self, Bench.self])

    struct ConnectionOptions: ParsableArguments {
        @Option(help: "Send every call to this base URL (for example the moto server) instead of AWS.")
        var endpoint: String?
        @Option(help: "The region for regional calls.")
        var region: String = ProcessInfo.processInfo.environment["AWS_REGION"] ?? "us-east-1"
        @Option(help: "Assume this role first (the way CloudLoom reads a connected account).")
        var roleArn: String?
        @Option(help: "The external ID the role's trust policy requires.")
        var externalId: String?

        /// Credentials from the environment, optionally exchanged for the role's.
        func client() -> AWSClient {
            let base = AWSClient(credentials: EnvironmentCredentialProvider(), configuration: .init(region: region, endpoint: endpoint))
            guard let roleArn else { return base }
            return base.with(credentials: AssumeRoleCredentialProvider(base: base, roleArn: roleArn, externalId: externalId,
                                                                      sessionName: "cloudloom-cli"))
        }
    }

    struct WhoAmI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Print the account and ARN the credentials belong to.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let client = connection.client()
            let answer: Result<STS.CallerIdentity, AWSError>
            do { answer = .success(try await STS(client).getCallerIdentity()) } catch { answer = .failure(error) }
            await client.shutdown()
            switch answer {
            case .success(let me): print("{\"account\":\"\(me.account)\",\"arn\":\"\(me.arn)\",\"user_id\":\"\(me.userId)\"}")
            case .failure(let error): throw CLIError(message: "\(error)", exitCode: 4)
            }
        }
    }

    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure SigV4 signing cost and request throughput (used by scripts/bench/aws-client-benchmark.sh).")
        @Option(help: "The endpoint to call (the moto server).")
        var endpoint: String
        @Option(help: "How many signatures to time.")
        var signatures: Int = 20_000
        @Option(help: "How many GetCallerIdentity calls to send.")
        var requests: Int = 2_000
        @Option(help: "Calls in flight at once.")
        var concurrency: Int = 8

        func run() async throws {
            let creds = AWSCredentials(accessKeyId: "AKIDBENCH", secretAccessKey: "benchsecret", sessionToken: "token")
            let signer = SigV4Signer(service: "iam", region: "us-east-1")
            let body = Array("Action=ListRoles&Version=2010-05-08&MaxItems=100".utf8)
            let headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
            var sink = 0
            let started = ContinuousClock.now
            for _ in 0..<signatures {
                let s = try signer.sign(method: "POST", url: "https://iam.amazonaws.com/", headers: headers, body: body, credentials: creds, date: .now)
                sink &+= s.authorization.utf8.count
            }
            let signSeconds = (ContinuousClock.now - started).seconds
            let client = AWSClient(credentials: StaticCredentialProvider(accessKeyId: "AKIDBENCH", secretAccessKey: "benchsecret"),
                                   configuration: .init(region: "us-east-1", endpoint: endpoint, retry: .none),
                                   http: nil)
            let sts = STS(client)
            _ = try await sts.getCallerIdentity() // warm up the connection path
            let callStart = ContinuousClock.now
            let failures = await withTaskGroup(of: Int.self) { group in
                let perWorker = requests / concurrency
                for _ in 0..<concurrency {
                    group.addTask {
                        var failed = 0
                        for _ in 0..<perWorker { do { _ = try await sts.getCallerIdentity() } catch { failed += 1 } }
                        return failed
                    }
                }
                return await group.reduce(0, +)
            }
            let callSeconds = (ContinuousClock.now - callStart).seconds
            await client.shutdown()
            let sent = (requests / concurrency) * concurrency
            print(String(format: "{\"signatures\":%d,\"sign_us_per_request\":%.2f,\"requests\":%d,\"failures\":%d,\"requests_per_second\":%.1f,\"check\":%d}",
                         signatures, signSeconds / Double(signatures) * 1e6, sent, failures, Double(sent) / callSeconds, sink % 10))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
