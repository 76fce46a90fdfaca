import ServiceKit
import Store

/// inventory: owns resources, relationships, scans and attack paths of connected accounts. This release starts, applies its migrations, answers `cl.rpc.inventory.ping` and reports
/// health; its own work arrives with its issue.
@main
struct InventoryMain {
    static let migrator = Migrator(schema: "inventory", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA inventory IS 'CloudLoom inventory: resources, relationships, scans and attack paths of connected accounts';"),
    ])

    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "inventory", defaultHealthPort: 9102)
        try await runtime.migrate(migrator)
        try await runtime.run()
    }
}
