import ServiceKit
import Store

/// ai-reasoner: owns knowledge base and grounded analyses of findings. This release starts, applies its migrations, answers `cl.rpc.ai-reasoner.ping` and reports
/// health; its own work arrives with its issue.
@main
struct AIReasonerMain {
    static let migrator = Migrator(schema: "ai_reasoner", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA ai_reasoner IS 'CloudLoom ai-reasoner: knowledge base and grounded analyses of findings';"),
    ])

    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "ai-reasoner", defaultHealthPort: 9104)
        try await runtime.migrate(migrator)
        try await runtime.run()
    }
}
