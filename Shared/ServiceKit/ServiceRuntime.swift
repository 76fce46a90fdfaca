import Bus
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Store
import Wire

/// Everything a CloudLoom service shares: configuration, logging, metrics, NATS, the database pool, an RPC server
/// with `ping`, and health endpoints; `run` starts them in a `ServiceGroup` that shuts down gracefully on
/// SIGTERM/SIGINT (stop intake, finish in-flight work, then close connections).
public final class ServiceRuntime: Sendable {
    public static let version = "0.1.0"

    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let nats: NATSClient
    public let jetStream: JetStream
    public let rpc: RPCClient
    public let rpcServer: RPCServer
    public let database: Database
    public let health: HealthChecks
    public let metrics: PrometheusCollectorRegistry

    private init(configuration: ServiceConfiguration, logger: Logger, nats: NATSClient, database: Database,
                 metrics: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.logger = logger
        self.nats = nats
        self.database = database
        self.metrics = metrics
        jetStream = JetStream(client: nats)
        rpc = RPCClient(client: nats, defaultTimeout: configuration.rpcTimeout)
        rpcServer = RPCServer(client: nats, service: configuration.service, instance: configuration.instanceID,
                              version: Self.version, logger: logger)
        health = HealthChecks()
        health.register("nats") { nats.isConnected }
        health.register("database") { (try? await database.query("SELECT 1")) != nil }
    }

    /// Reads the environment, sets up logging and metrics, and connects to NATS. Exits the process with a clear
    /// message when the configuration is wrong.
    public static func bootstrap(service: String, defaultHealthPort: Int) async throws -> ServiceRuntime {
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.fromEnvironment(service: service, defaultHealthPort: defaultHealthPort)
        } catch {
            FileHandle.standardError.write(Data("\(service): \(error)\n".utf8))
            exit(2)
        }
        let level = configuration.logLevel
        switch configuration.logFormat {
        case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0, service: service, level: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return h
            }
        }
        var logger = Logger(label: "cloudloom.\(service)")
        logger[metadataKey: "instance.id"] = "\(configuration.instanceID)"
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        logger.info("starting", metadata: ["service.version": "\(version)"])
        let nats = try await NATSClient.connect(.init(url: configuration.natsURL, name: "\(service)@\(configuration.instanceID)"),
                                                logger: logger)
        let database = Database(.init(url: configuration.databaseURL, poolSize: configuration.databasePoolSize), logger: logger)
        return ServiceRuntime(configuration: configuration, logger: logger, nats: nats, database: database, metrics: registry)
    }

    /// Applies the service's migrations, waiting up to 60 s for PostgreSQL to accept connections.
    public func migrate(_ migrator: Migrator) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while true {
            do {
                try await migrator.migrate(database, logger: logger)
                return
            } catch let error as StoreError where error.code == .connection && clock.now < deadline {
                logger.warning("database not reachable yet, retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Creates (or updates) the JetStream streams this service produces to.
    public func ensureStreams(_ specs: [StreamSpec]) async throws {
        for spec in specs { try await jetStream.ensureStream(spec) }
    }

    /// Runs the service until SIGTERM/SIGINT. `services` start after the RPC server and stop before it; the health
    /// server (unless `serveHealth` is false because the service serves the routes itself) starts first.
    public func run(_ services: [any Service] = [], serveHealth: Bool = true) async throws {
        var all: [any Service] = []
        if serveHealth { all.append(makeHealthServer()) }
        all.append(RPCService(server: rpcServer, health: health))
        all.append(contentsOf: services)
        health.markStarted()
        let group = ServiceGroup(services: all, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            logger.error("service failed", metadata: ["error": "\(error)"])
            await close()
            throw error
        }
        await close()
        logger.info("stopped")
    }

    private func close() async {
        await nats.close()
        await database.shutdown()
    }

    private func makeHealthServer() -> some Service {
        let router = Router()
        OperationalRoutes.add(to: router, health: health, registry: metrics)
        let logger = self.logger
        return Application(router: router,
                           configuration: .init(address: .hostname(configuration.healthHost, port: configuration.healthPort),
                                                serverName: configuration.service),
                           onServerRunning: { channel in
                               logger.info("health server listening", metadata: ["http.address": "\(channel.localAddress?.description ?? "?")"])
                           },
                           logger: logger)
    }
}

/// Runs the RPC server inside the service group; on graceful shutdown it stops taking requests first.
struct RPCService: Service {
    let server: RPCServer
    let health: HealthChecks

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            health.markDraining()
            server.stop()
        }
    }
}
