import Bus
import Logging
import ServiceLifecycle

/// Pulls batches from a durable consumer and hands them to `handler` until graceful shutdown; the batch in hand
/// is finished (and acked by the handler after its commit) before `run` returns.
public struct JetStreamWorker: Service {
    public typealias Handler = @Sendable ([JetStreamMessage]) async -> Void

    private let jetStream: JetStream
    private let consumer: ConsumerSpec
    private let batchSize: Int
    private let logger: Logger
    private let handler: Handler

    public init(jetStream: JetStream, consumer: ConsumerSpec, batchSize: Int = 256, logger: Logger,
                handler: @escaping Handler) {
        self.jetStream = jetStream
        self.consumer = consumer
        self.batchSize = batchSize
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        try await jetStream.ensureConsumer(consumer)
        let subscription = try await jetStream.pullSubscription(consumer)
        logger.info("consuming", metadata: ["js.stream": "\(consumer.stream)", "js.consumer": "\(consumer.durable)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch: [JetStreamMessage]
            do {
                batch = try await subscription.fetch(batch: batchSize, wait: .milliseconds(500))
            } catch {
                // Never let a failed fetch end the service: log, back off, try again.
                logger.warning("fetch failed, retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            if batch.isEmpty { continue }
            await handler(batch)
        }
        logger.info("consumer stopped", metadata: ["js.consumer": "\(consumer.durable)"])
    }
}
