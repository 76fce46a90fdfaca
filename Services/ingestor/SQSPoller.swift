import AWS
import Bus
import CloudTrail
import Foundation
import Logging
import ServiceLifecycle
import Wire

/// Long-polls every connected account's SQS queue: EventBridge envelopes and CloudTrail records are published
/// directly, S3 `ObjectCreated` notifications lead to their delivery files. A message is deleted only after every
/// record from it was acknowledged by JetStream; one that keeps failing is dead-lettered after `maxReceives` tries,
/// and one that can never succeed (not JSON, not a known shape) at once.
struct SQSPoller: Service {
    let accounts: AccountStore
    let pipeline: EventPipeline
    let files: DeliveryFiles
    let deadLetters: DeadLetterStore
    let base: AWSClient
    let settings: IngestorSettings
    let logger: Logger

    func run() async throws {
        // On SIGTERM the polls are cancelled: a message being handled is not deleted, so SQS redelivers it and the
        // dedup layer drops what was already published.
        try await cancelWhenGracefulShutdown { await self.superviseQueues() }
    }

    /// One polling task per connected queue, started and cancelled as accounts come and go.
    func superviseQueues() async {
        var running: [String: Task<Void, Never>] = [:]
        while !Task.isCancelled {
            do {
                let sources = try await accounts.queueSources()
                let wanted = Dictionary(sources.map { ($0.account, $0.tenant) }, uniquingKeysWith: { a, _ in a })
                for (account, task) in running where wanted[account] == nil {
                    task.cancel()
                    running[account] = nil
                }
                for (account, tenant) in wanted where running[account] == nil {
                    let poller = self
                    running[account] = Task { await poller.poll(account: account, tenant: tenant) }
                }
            } catch {
                logger.error("cannot read the queue sources", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: settings.sqsRefresh) } catch { break }
        }
        for task in running.values { task.cancel() }
        for task in running.values { await task.value }
    }

    /// The region in a queue URL (`https://sqs.eu-west-1.amazonaws.com/...`), if it names one.
    static func region(ofQueue url: String) -> String? {
        guard let host = url.split(separator: "/").dropFirst().first else { return nil }
        let labels = host.split(separator: ".")
        guard labels.count >= 4, labels[0] == "sqs" else { return nil }
        return String(labels[1])
    }

    func poll(account: String, tenant: String) async {
        var failures = 0
        let log = logger.with(["tenant.id": "\(tenant)", "account.uuid": "\(account)"])
        while !Task.isCancelled {
            do {
                guard let conn = try await accounts.connection(id: account, tenant: tenant) else { return }
                let queue = conn.account.sqsQueueURL
                let client = AccountStore.client(for: conn, base: base, region: Self.region(ofQueue: queue))
                let sqs = SQS(client)
                let s3 = S3(client)
                // One client per connection: receive until cancelled or an error makes us rebuild it.
                while !Task.isCancelled {
                    let messages = try await sqs.receiveMessages(queueUrl: queue, maxMessages: 10, waitTimeSeconds: settings.sqsWaitSeconds,
                                                                 attributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
                                                                 messageAttributeNames: [])
                    for m in messages {
                        await handle(m, queue: queue, sqs: sqs, s3: s3, account: conn.account, tenant: tenant, log: log)
                    }
                    failures = 0
                }
            } catch {
                failures += 1
                log.warning("SQS poll failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                let backoff = min(30.0, 0.5 * Double(1 << min(failures, 6)))
                try? await Task.sleep(for: .milliseconds(Int(backoff * 1000 * Double.random(in: 0.5...1))))
            }
        }
    }

    /// Processes one message; deletes it when done, leaves it for redelivery on a transient failure.
    func handle(_ m: SQS.Message, queue: String, sqs: SQS, s3: S3, account: CLAccount, tenant: String, log: Logger) async {
        let body = Array(m.body.utf8)
        do {
            switch try SQSNotification.classify(body) {
            case .cloudTrail(let records):
                // The body itself, or the Message inside an SNS envelope.
                _ = try await pipeline.ingest(body: records, contentEncoding: "", tenant: tenant, source: "sqs", requestID: "sqs:\(m.messageId)")
            case .objects(let refs):
                for ref in refs where ref.isCloudTrailLogFile {
                    let bucketS3 = ref.region.map { S3(s3.client, region: $0) } ?? s3
                    _ = try await files.process(bucket: ref.bucket, key: ref.key, etag: ref.etag, accountUUID: account.id, tenant: tenant,
                                                s3: bucketS3, source: "s3")
                }
            case .ignorable(let reason):
                log.debug("SQS message ignored", metadata: ["sqs.message_id": "\(m.messageId)", "reason": "\(reason)"])
            }
            try await sqs.deleteMessage(queueUrl: queue, receiptHandle: m.receiptHandle)
        } catch {
            let permanent = error is IngestBodyError || (error as? BusError)?.code == .invalidArgument
            let receives = m.receiveCount ?? 1
            guard permanent || receives >= settings.sqsMaxReceives else {
                log.warning("SQS message failed; it will be redelivered",
                            metadata: ["sqs.message_id": "\(m.messageId)", "receives": "\(receives)", "error": "\(error)"])
                return
            }
            let reason = permanent ? "\(error)" : "failed \(receives) times, last: \(error)"
            do {
                try await deadLetters.record([DeadLetterStore.Entry(index: -1, eventID: "", reason: reason, payload: body)],
                                             tenant: tenant, source: "sqs", requestID: "sqs:\(m.messageId)")
                try await sqs.deleteMessage(queueUrl: queue, receiptHandle: m.receiptHandle)
                log.error("SQS message dead-lettered", metadata: ["sqs.message_id": "\(m.messageId)", "reason": "\(reason)"])
            } catch {
                log.error("cannot dead-letter an SQS message; it stays in the queue",
                          metadata: ["sqs.message_id": "\(m.messageId)", "error": "\(error)"])
            }
        }
    }
}

extension Logger {
    func with(_ metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (k, v) in metadata { copy[metadataKey: k] = v }
        return copy
    }
}
