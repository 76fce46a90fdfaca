import AWS
import Bus
import Foundation
import ServiceKit

/// ingestor: takes CloudTrail in from the webhook, EventBridge API destinations, connected accounts' SQS queues
/// and S3 delivery files, and publishes every record once to `cl.events.<tenant>.cloudtrail`; what it cannot
/// accept goes to its dead letters. It owns the connected accounts.
@main
struct IngestorMain {
    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "ingestor", defaultHealthPort: 9101)
        let settings: IngestorSettings
        do { settings = try IngestorSettings(runtime.configuration.environment) } catch {
            FileHandle.standardError.write(Data("ingestor: \(error)\n".utf8))
            exit(2)
        }
        try await runtime.migrate(IngestorSchema.migrator)
        try await runtime.ensureStreams([Streams.events])
        let secrets = SecretBox(key: settings.secretsKey)
        let deadLetters = DeadLetterStore(database: runtime.database, nats: runtime.nats)
        let pipeline = EventPipeline(jetStream: runtime.jetStream, database: runtime.database, deadLetters: deadLetters,
                                     dedupDays: settings.dedupDays, logger: runtime.logger)
        let accounts = AccountStore(database: runtime.database, secrets: secrets, allowCustomEndpoints: settings.allowCustomEndpoints)
        // CloudLoom's own AWS identity (the standard environment variables), which assumes tenants' roles.
        let base = AWSClient(credentials: EnvironmentCredentialProvider(), logger: runtime.logger)
        let files = DeliveryFiles(database: runtime.database, pipeline: pipeline, maxObjectBytes: settings.maxObjectBytes,
                                  logger: runtime.logger)
        CloudTrailIngest(pipeline: pipeline).register(on: runtime.rpcServer)
        AccountRPC(accounts: accounts).register(on: runtime.rpcServer)
        DeadLetterRPC(deadLetters: deadLetters, pipeline: pipeline).register(on: runtime.rpcServer)
        EventBridgeRPC(database: runtime.database, secrets: secrets, pipeline: pipeline).register(on: runtime.rpcServer)
        BackfillRPC(accounts: accounts, files: files, base: base).register(on: runtime.rpcServer)
        let poller = SQSPoller(accounts: accounts, pipeline: pipeline, files: files, deadLetters: deadLetters, base: base,
                               settings: settings, logger: runtime.logger)
        try await runtime.run([poller])
        await base.shutdown()
    }
}
