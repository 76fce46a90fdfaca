import Bus
import CloudTrail
import Detection
import Foundation
import Logging
import Metrics
import ServiceKit
import Wire

/// Turns a batch of CloudTrail events into findings: evaluate, store (one transaction per tenant), publish on
/// `cl.findings.<tenant>`, and only then ack. A redelivered event finds its finding already stored and is acked
/// again without a second finding; the publish is deduplicated by the finding id.
struct EventProcessor: Sendable {
    let store: FindingStore
    let jetStream: JetStream
    let logger: Logger
    let engine = RuleEngine()
    let codec = FrameCodec()
    private let eventsCounter = Counter(label: "cloudloom_policy_events_total")
    private let findingsCounter = Counter(label: "cloudloom_policy_findings_total")
    private let deadLetterCounter = Counter(label: "cloudloom_policy_dead_letters_total")
    private let latency = Timer(label: "cloudloom_policy_batch_duration")

    init(store: FindingStore, jetStream: JetStream, logger: Logger) {
        self.store = store
        self.jetStream = jetStream
        self.logger = logger
    }

    func process(_ batch: [JetStreamMessage]) async {
        let started = ContinuousClock.now
        var byTenant: [String: [(JetStreamMessage, [CLCloudTrailEvent])]] = [:]
        for message in batch {
            let tenant = message.headers[WireHeader.tenant] ?? ""
            let events: [CLCloudTrailEvent]
            do {
                events = try codec.decode(CLCloudTrailEvent.self, from: message.data)
            } catch {
                await deadLetter(message, tenant: tenant, reason: "undecodable event: \(error.message)")
                continue
            }
            guard !tenant.isEmpty, UUID(uuidString: tenant) != nil, events.allSatisfy({ $0.tenantID == tenant }) else {
                await deadLetter(message, tenant: tenant, reason: "tenant header missing or does not match the event")
                continue
            }
            byTenant[tenant, default: []].append((message, events))
        }
        let engine = self.engine
        for (tenant, items) in byTenant {
            // Stateful rules need event-time order inside the batch.
            let events = items.flatMap(\.1).sorted { ($0.eventTimeMs, $0.eventID) < ($1.eventTimeMs, $1.eventID) }
            eventsCounter.increment(by: events.count)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            do {
                let changed: [CLFinding] = try await store.database.withTransaction(tenant: tenant) { conn in
                    var detections: [Detection] = []
                    let custom = try FindingStore.customRules(tenant: tenant, conn: conn)
                    let customEngine = custom.single.isEmpty && custom.stateful.isEmpty
                        ? nil : RuleEngine(rules: custom.single, statefulRules: custom.stateful)
                    let needsState = events.contains { engine.hasStatefulRules(for: $0) || customEngine?.hasStatefulRules(for: $0) == true }
                    var state = needsState ? try FindingStore.loadState(tenant: tenant, conn: conn) : DetectionState()
                    for event in events {
                        detections += needsState ? engine.evaluate(event, state: &state) : engine.evaluate(event)
                        if let customEngine {
                            detections += needsState ? customEngine.evaluate(event, state: &state) : customEngine.evaluate(event)
                        }
                    }
                    let suppressions = detections.isEmpty ? [] : try FindingStore.activeSuppressions(tenant: tenant, conn: conn)
                    let findings = detections.map { d -> CLFinding in
                        var f = d.finding(tenant: tenant)
                        f.id = FindingStore.findingID(tenant: tenant, dedupKey: f.dedupKey)
                        f.createdAtMs = now
                        if suppressions.contains(where: { $0.matches(f, nowMs: now) }) { f.status = .suppressed }
                        return f
                    }
                    let changed = try FindingStore.upsert(findings, tenant: tenant, conn: conn)
                    if needsState { try FindingStore.saveState(state, tenant: tenant, conn: conn) }
                    return changed
                }
                if !changed.isEmpty {
                    findingsCounter.increment(by: changed.count)
                    try await publish(changed, tenant: tenant)
                    logger.info("findings stored", metadata: ["tenant.id": "\(tenant)", "finding.count": "\(changed.count)"])
                }
                for (message, _) in items { try? message.ack() }
            } catch {
                // Nothing acked: JetStream delivers these events again, and finding_events keeps the result exact.
                logger.error("storing findings failed, will retry", metadata: ["tenant.id": "\(tenant)", "error": "\(error)"])
                for (message, _) in items { try? message.nak(delay: .seconds(2)) }
            }
        }
        let elapsed = ContinuousClock.now - started
        latency.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    private func publish(_ findings: [CLFinding], tenant: String) async throws {
        var messages: [BusMessage] = []
        for f in findings {
            messages.append(BusMessage(subject: Streams.findingsSubject(tenant: tenant),
                                       headers: [WireHeader.tenant: tenant, WireHeader.type: CLFinding.protoMessageName,
                                                 WireHeader.schema: WireHeader.schemaVersion,
                                                 WireHeader.messageID: "\(f.id):\(f.eventIds.first ?? "")"],
                                       data: try codec.encode(f)))
        }
        let results = try await jetStream.publish(batch: messages)
        if let failed = results.first(where: { !$0.stored }) {
            throw BusError(.unavailable, "publishing findings failed: \(failed.error ?? "unknown")")
        }
    }

    private func deadLetter(_ message: JetStreamMessage, tenant: String, reason: String) async {
        deadLetterCounter.increment()
        logger.warning("event dead-lettered", metadata: ["tenant.id": "\(tenant)", "reason": "\(reason)",
                                                          "js.subject": "\(message.subject)"])
        do {
            try await store.deadLetter(tenant: tenant, subject: message.subject, reason: reason, payload: message.data)
            try? message.terminate()
        } catch {
            // Could not record it: leave it unacked so it is delivered again rather than lost.
            try? message.nak(delay: .seconds(5))
        }
    }
}
