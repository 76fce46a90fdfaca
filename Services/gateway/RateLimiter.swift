import Foundation
import Synchronization

/// A token bucket per API key, kept by each gateway instance: `rate` requests per second on average, bursts up to
/// `burst`. Answering 429 with Retry-After (whole seconds until a token is back) when empty.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes a token for `key`; nil when allowed, otherwise the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { b in
            if b.count > 100_000 { b.removeAll() } // bounded: idle keys are forgotten (they start full again)
            var entry = b[key] ?? (burst, now)
            let elapsed = now - entry.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            entry.tokens = min(burst, entry.tokens + seconds * rate)
            entry.at = now
            if entry.tokens >= 1 {
                entry.tokens -= 1
                b[key] = entry
                return nil
            }
            b[key] = entry
            return max(1, Int(((1 - entry.tokens) / rate).rounded(.up)))
        }
    }
}
