import CloudTrail
import Wire

/// Per-key memory of a stateful rule: the recent events it counted, or how far a sequence got.
public struct KeyState: Codable, Sendable, Equatable {
    /// (event time in ms, event id), sorted by time.
    public var events: [Entry] = []
    /// Sequence progress: the number of steps matched so far.
    public var step = 0
    /// Values captured by earlier sequence steps (for example the user a sequence is about).
    public var captures: [String: String] = [:]
    /// Event time of the last detection, so a burst is reported once per window.
    public var lastFiredMs: Int64 = .min
    /// Largest event time seen for the key.
    public var newestMs: Int64 = .min
    /// Recency for eviction (a counter, not a clock).
    public var touched: UInt64 = 0

    public struct Entry: Codable, Sendable, Equatable {
        public var timeMs: Int64
        public var eventID: String
    }
}

/// The state of every stateful rule for one tenant. Bounded: each rule keeps at most `maxKeysPerRule` keys,
/// evicting the least recently touched.
public struct DetectionState: Codable, Sendable, Equatable {
    public var rules: [String: [String: KeyState]] = [:]
    public var clock: UInt64 = 0
    public var maxKeysPerRule: Int

    public init(maxKeysPerRule: Int = 50_000) { self.maxKeysPerRule = maxKeysPerRule }

    mutating func withKey<T>(_ rule: String, _ key: String, _ body: (inout KeyState) -> T) -> T {
        clock &+= 1
        var table = rules[rule] ?? [:]
        var entry = table[key] ?? KeyState()
        entry.touched = clock
        let result = body(&entry)
        table[key] = entry
        if table.count > maxKeysPerRule {
            // Evict the least recently touched tenth in one pass, so eviction is amortised.
            let cut = table.sorted { $0.value.touched < $1.value.touched }.prefix(max(1, maxKeysPerRule / 10))
            for (k, _) in cut { table.removeValue(forKey: k) }
        }
        rules[rule] = table
        return result
    }
}

/// A rule that looks at many events: a threshold in a window, or a sequence by one actor.
public protocol StatefulRule: Sendable {
    var metadata: RuleMetadata { get }
    var triggers: [EventKey] { get }
    func observe(_ event: CLCloudTrailEvent, request: JSONValue?, state: inout DetectionState) -> Detection?
}

/// At least `threshold` matching events for one key within `window` of event time. Events arriving out of order
/// are placed by their own time; ones older than the newest for the key by more than `window + tolerance` are
/// ignored. A repeated event id is counted once.
public struct ThresholdRule: StatefulRule {
    public typealias KeyFunction = @Sendable (CLCloudTrailEvent, JSONValue?) -> [String]

    public let metadata: RuleMetadata
    public let triggers: [EventKey]
    public let threshold: Int
    public let windowMs: Int64
    public let toleranceMs: Int64
    private let keys: KeyFunction
    private let resourceType: String

    public init(_ metadata: RuleMetadata, triggers: [EventKey], threshold: Int, window: Duration,
                tolerance: Duration = .seconds(300), resourceType: String, keys: @escaping KeyFunction) {
        self.metadata = metadata
        self.triggers = triggers
        self.threshold = threshold
        windowMs = window.components.seconds * 1000
        toleranceMs = tolerance.components.seconds * 1000
        self.keys = keys
        self.resourceType = resourceType
    }

    public func observe(_ event: CLCloudTrailEvent, request: JSONValue?, state: inout DetectionState) -> Detection? {
        var fired: Detection?
        for key in keys(event, request) {
            let t = event.eventTimeMs
            let hit: (ids: [String], first: Int64)? = state.withKey(metadata.id, key) { entry in
                if entry.newestMs != .min && t < entry.newestMs - windowMs - toleranceMs { return nil }
                if entry.events.contains(where: { $0.eventID == event.eventID }) { return nil }
                let index = entry.events.firstIndex { $0.timeMs > t } ?? entry.events.count
                entry.events.insert(.init(timeMs: t, eventID: event.eventID), at: index)
                entry.newestMs = max(entry.newestMs, t)
                entry.events.removeAll { $0.timeMs < entry.newestMs - windowMs - toleranceMs }
                if entry.events.count > threshold * 4 { entry.events.removeFirst(entry.events.count - threshold * 4) }
                let inWindow = entry.events.filter { $0.timeMs >= t - windowMs && $0.timeMs <= t + windowMs }
                    .filter { abs($0.timeMs - t) <= windowMs }
                // The window ending at this event.
                let ending = inWindow.filter { $0.timeMs <= t && $0.timeMs >= t - windowMs }
                guard ending.count >= threshold, entry.lastFiredMs == .min || t - entry.lastFiredMs > windowMs else { return nil }
                entry.lastFiredMs = t
                return (ending.map(\.eventID), ending.first?.timeMs ?? t)
            }
            if let hit, fired == nil {
                var d = Detection(rule: metadata, match: RuleMatch(resourceType: resourceType, resourceID: key,
                                                                   evidence: ["count": "\(hit.ids.count)",
                                                                              "windowSeconds": "\(windowMs / 1000)", "key": key]),
                                  event: event)
                d.eventIDs = hit.ids
                d.firstSeenMs = hit.first
                fired = d
            }
        }
        return fired
    }
}

/// Steps taken in order by the same actor within `window`. A step may capture values (such as the user it acts on)
/// that later steps must match.
public struct SequenceRule: StatefulRule {
    public struct Step: Sendable {
        public var triggers: [EventKey]
        public var match: @Sendable (CLCloudTrailEvent, JSONValue?, [String: String]) -> [String: String]?
        public init(_ triggers: [EventKey], match: @escaping @Sendable (CLCloudTrailEvent, JSONValue?, [String: String]) -> [String: String]?) {
            self.triggers = triggers
            self.match = match
        }
    }

    public let metadata: RuleMetadata
    public let steps: [Step]
    public let windowMs: Int64
    public let toleranceMs: Int64
    public var triggers: [EventKey] { steps.flatMap(\.triggers) }

    public init(_ metadata: RuleMetadata, steps: [Step], window: Duration, tolerance: Duration = .seconds(60)) {
        self.metadata = metadata
        self.steps = steps
        windowMs = window.components.seconds * 1000
        toleranceMs = tolerance.components.seconds * 1000
    }

    public func observe(_ event: CLCloudTrailEvent, request: JSONValue?, state: inout DetectionState) -> Detection? {
        guard event.errorCode.isEmpty, !event.userIdentity.arn.isEmpty else { return nil }
        let key = event.userIdentity.arn
        let t = event.eventTimeMs
        let key2 = EventKey(event.eventSource, event.eventName)
        let done: KeyState? = state.withKey(metadata.id, key) { entry in
            if entry.events.contains(where: { $0.eventID == event.eventID }) { return nil }
            if entry.step > 0, let start = entry.events.first?.timeMs, t - start > windowMs {
                entry = KeyState(touched: entry.touched)
            }
            if entry.step > 0, let last = entry.events.last?.timeMs, t < last - toleranceMs { return nil }
            let step = steps[entry.step]
            if step.triggers.contains(key2), let captured = step.match(event, request, entry.captures) {
                entry.captures.merge(captured) { $1 }
                entry.events.append(.init(timeMs: t, eventID: event.eventID))
                entry.step += 1
                if entry.step == steps.count {
                    let finished = entry
                    entry = KeyState(touched: entry.touched)
                    return finished
                }
            } else if entry.step > 0, steps[0].triggers.contains(key2), let captured = steps[0].match(event, request, [:]) {
                // A fresh start replaces a stale partial sequence.
                entry = KeyState(events: [.init(timeMs: t, eventID: event.eventID)], step: 1, captures: captured, touched: entry.touched)
            }
            return nil
        }
        guard let done else { return nil }
        var evidence = done.captures
        evidence["steps"] = "\(steps.count)"
        var d = Detection(rule: metadata, match: RuleMatch(resourceType: "AWS::IAM::Principal", resourceID: key, evidence: evidence),
                          event: event)
        d.eventIDs = done.events.map(\.eventID)
        d.firstSeenMs = done.events.first?.timeMs ?? t
        return d
    }
}
