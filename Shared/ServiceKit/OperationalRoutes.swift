import Hummingbird
import Prometheus

/// `/healthz` (the process runs), `/readyz` (its dependencies answer) and `/metrics` (Prometheus text).
public enum OperationalRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, health: HealthChecks,
                                                    registry: PrometheusCollectorRegistry) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/readyz") { _, _ in
            let (ready, results) = await health.evaluate()
            let checks = results.keys.sorted().map { "\"\($0)\":\(results[$0]! ? "true" : "false")" }.joined(separator: ",")
            let body = #"{"status":"\#(ready ? "ready" : "not_ready")","checks":{\#(checks)}}"#
            return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
