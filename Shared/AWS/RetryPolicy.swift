/// Jittered exponential backoff ("full jitter"): attempt n waits a random time in [0, min(cap, base * 2^n)].
public struct RetryPolicy: Sendable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (0 for the first retry).
    public func delay(forRetry retry: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = min(retry, 30)
        let ceiling = min(maxDelay, baseDelay * Double(1 << exponent))
        return ceiling * random
    }
}
