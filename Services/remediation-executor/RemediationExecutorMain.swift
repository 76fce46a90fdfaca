import ServiceKit
import Store

/// remediation-executor: owns remediation plans, workflow state and encrypted Terraform state. This release starts, applies its migrations, answers `cl.rpc.remediation-executor.ping` and reports
/// health; its own work arrives with its issue.
@main
struct RemediationExecutorMain {
    static let migrator = Migrator(schema: "remediation_executor", migrations: [
        Migration(1, "baseline", "COMMENT ON SCHEMA remediation_executor IS 'CloudLoom remediation-executor: remediation plans, workflow state and encrypted Terraform state';"),
    ])

    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "remediation-executor", defaultHealthPort: 9105)
        try await runtime.migrate(migrator)
        try await runtime.run()
    }
}
