import Bus
import ServiceKit

/// policy-engine: judges every CloudTrail event against the rule catalog and owns the findings.
@main
struct PolicyEngineMain {
    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "policy-engine", defaultHealthPort: 9103)
        try await runtime.migrate(FindingStore.migrator)
        try await runtime.ensureStreams([Streams.events, Streams.findings])
        let store = FindingStore(database: runtime.database)
        let processor = EventProcessor(store: store, jetStream: runtime.jetStream, logger: runtime.logger)
        FindingRPC(store: store).register(on: runtime.rpcServer)
        PolicyLintRPC().register(on: runtime.rpcServer)
        SuppressionRPC(database: runtime.database).register(on: runtime.rpcServer)
        CustomRuleRPC(database: runtime.database).register(on: runtime.rpcServer)
        let worker = JetStreamWorker(
            jetStream: runtime.jetStream,
            consumer: ConsumerSpec(stream: Streams.events.name, durable: "policy-engine", filterSubject: "cl.events.>"),
            batchSize: 500, logger: runtime.logger, handler: processor.process)
        try await runtime.run([worker])
    }
}
