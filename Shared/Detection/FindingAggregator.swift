import Wire

/// Folds detections into findings: one per dedup key, with a count, the first and last event time and every
/// event id (or a bounded sample of them).
public struct FindingAggregator: Sendable {
    public struct Aggregate: Sendable {
        public var detection: Detection
        public var count: Int
        public var firstSeenMs: Int64
        public var lastSeenMs: Int64
        public var eventIDs: [String]
        var seen: Set<String>
    }

    /// nil keeps every event id; a number keeps that many (the count still counts all).
    public var maxEventIDs: Int?
    public private(set) var aggregates: [String: Aggregate] = [:]

    public init(maxEventIDs: Int? = nil) { self.maxEventIDs = maxEventIDs }

    public mutating func add(_ d: Detection) {
        let key = d.dedupKey
        let last = d.event.eventTimeMs
        if var a = aggregates[key] {
            var fresh = 0
            for id in d.eventIDs where !a.seen.contains(id) {
                a.seen.insert(id)
                fresh += 1
                if maxEventIDs.map({ a.eventIDs.count < $0 }) ?? true { a.eventIDs.append(id) }
            }
            guard fresh > 0 else { return }
            a.count += fresh
            a.firstSeenMs = min(a.firstSeenMs, d.firstSeenMs)
            a.lastSeenMs = max(a.lastSeenMs, last)
            aggregates[key] = a
        } else {
            let ids = maxEventIDs.map { Array(d.eventIDs.prefix($0)) } ?? d.eventIDs
            aggregates[key] = Aggregate(detection: d, count: d.eventIDs.count, firstSeenMs: d.firstSeenMs, lastSeenMs: last,
                                        eventIDs: ids, seen: Set(d.eventIDs))
        }
    }

    /// Adds another aggregator's findings (for example one per worker thread); an event id counted by both is
    /// counted once.
    public mutating func merge(_ other: FindingAggregator) {
        for (key, a) in other.aggregates {
            guard var mine = aggregates[key] else {
                aggregates[key] = a
                continue
            }
            for id in a.eventIDs where !mine.seen.contains(id) {
                if maxEventIDs.map({ mine.eventIDs.count < $0 }) ?? true { mine.eventIDs.append(id) }
            }
            mine.seen.formUnion(a.seen)
            mine.count = mine.seen.count
            mine.firstSeenMs = min(mine.firstSeenMs, a.firstSeenMs)
            mine.lastSeenMs = max(mine.lastSeenMs, a.lastSeenMs)
            aggregates[key] = mine
        }
    }

    /// Findings sorted by severity (highest first), then first seen.
    public var sorted: [Aggregate] {
        aggregates.values.sorted {
            $0.detection.rule.severity.rawValue != $1.detection.rule.severity.rawValue
                ? $0.detection.rule.severity.rawValue > $1.detection.rule.severity.rawValue
                : ($0.firstSeenMs, $0.detection.dedupKey) < ($1.firstSeenMs, $1.detection.dedupKey)
        }
    }
}
