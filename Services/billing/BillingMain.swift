import ServiceKit
import Store

/// billing: owns credit ledger, reservations and plans. This release starts, applies its migrations, answers `cl.rpc.billing.ping` and reports
/// health; its own work arrives with its issue.
@main
struct BillingMain {
    static let migrator = Migrator(schema: "billing", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA billing IS 'CloudLoom billing: credit ledger, reservations and plans';"),
    ])

    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "billing", defaultHealthPort: 9107)
        try await runtime.migrate(migrator)
        try await runtime.run()
    }
}
