import Synchronization

/// Readiness checks a service registers (NATS connected, database reachable, ...). `/readyz` runs them all.
public final class HealthChecks: Sendable {
    public typealias Check = @Sendable () async -> Bool
    private let checks = Mutex<[(String, Check)]>([])
    private let started = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)

    public init() {}

    public func register(_ name: String, _ check: @escaping Check) {
        checks.withLock { $0.append((name, check)) }
    }

    /// Marks start-up (migrations, stream setup) as finished.
    public func markStarted() { started.store(true, ordering: .releasing) }
    /// Marks the service as shutting down: it reports not ready so load balancers stop sending work.
    public func markDraining() { draining.store(true, ordering: .releasing) }

    /// Each check's result; ready when all pass.
    public func evaluate() async -> (ready: Bool, results: [String: Bool]) {
        var results: [String: Bool] = ["started": started.load(ordering: .acquiring),
                                       "accepting": !draining.load(ordering: .acquiring)]
        for (name, check) in checks.withLock({ $0 }) {
            results[name] = await check()
        }
        return (results.values.allSatisfy { $0 }, results)
    }
}
