import ServiceKit
import Store

/// approvals: owns approval requests, approval policies and their audit trail. This release starts, applies its migrations, answers `cl.rpc.approvals.ping` and reports
/// health; its own work arrives with its issue.
@main
struct ApprovalsMain {
    static let migrator = Migrator(schema: "approvals", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA approvals IS 'CloudLoom approvals: approval requests, approval policies and their audit trail';"),
    ])

    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "approvals", defaultHealthPort: 9106)
        try await runtime.migrate(migrator)
        try await runtime.run()
    }
}
