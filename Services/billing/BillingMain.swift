import Foundation
import ServiceKit

/// billing: owns the credit ledger, reservations and the plan's monthly grants. Paid actions reserve their price,
/// then commit or release it (`BillingRPC`); reservations left alone expire (`ReservationReaper`).
@main
struct BillingMain {
    static func main() async throws {
        let settings: BillingSettings
        do { settings = try BillingSettings(Environment()) } catch {
            FileHandle.standardError.write(Data("billing: \(error)\n".utf8))
            exit(2)
        }
        let runtime = try await ServiceRuntime.bootstrap(service: "billing", defaultHealthPort: 9107)
        try await runtime.migrate(BillingSchema.migrator)
        let ledger = CreditLedger(database: runtime.database, settings: settings)
        BillingRPC(ledger: ledger).register(on: runtime.rpcServer)
        let reaper = ReservationReaper(ledger: ledger, interval: settings.sweepInterval, logger: runtime.logger)
        try await runtime.run([reaper])
    }
}
