import Bus
import ServiceKit

/// ingestor: takes CloudTrail bodies in, normalizes every record and publishes it once to
/// `cl.events.<tenant>.cloudtrail`; what it cannot accept goes to its dead letters.
@main
struct IngestorMain {
    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "ingestor", defaultHealthPort: 9101)
        try await runtime.migrate(DeadLetterStore.migrator)
        try await runtime.ensureStreams([Streams.events])
        let ingest = CloudTrailIngest(jetStream: runtime.jetStream, deadLetters: DeadLetterStore(database: runtime.database),
                                      logger: runtime.logger)
        ingest.register(on: runtime.rpcServer)
        try await runtime.run()
    }
}
