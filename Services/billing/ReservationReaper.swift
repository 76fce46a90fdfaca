import Logging
import ServiceLifecycle

/// Releases reservations nobody committed or released in time (their caller failed or was killed): every
/// `interval` it expires the held reservations past their expiry, each tenant's inside that tenant's own RLS
/// transaction, and gives their credits back. Several billing instances may sweep at once: each reservation is
/// settled under its tenant's balance lock, so it is expired once.
struct ReservationReaper: Service {
    let ledger: CreditLedger
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.sweepUntilCancelled() }
    }

    func sweepUntilCancelled() async {
        while !Task.isCancelled {
            do {
                for (tenant, expired) in try await ledger.expireDue() where expired > 0 {
                    logger.info("reservations expired", metadata: ["tenant.id": "\(tenant)", "billing.expired": "\(expired)"])
                }
            } catch {
                logger.error("reservation sweep failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { break }
        }
    }
}
