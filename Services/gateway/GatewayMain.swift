import Foundation
import Hummingbird
import ServiceKit

/// gateway: the REST API (`/v1`), tenants and API keys. Every request's tenant comes from its key.
@main
struct GatewayMain {
    static func main() async throws {
        let runtime = try await ServiceRuntime.bootstrap(service: "gateway", defaultHealthPort: 8080)
        let settings: GatewaySettings
        do { settings = try GatewaySettings(runtime.configuration.environment) } catch {
            runtime.logger.critical("bad configuration", metadata: ["error": "\(error)"])
            exit(2)
        }
        try await runtime.migrate(TenantStore.migrator)
        let app = buildApplication(runtime: runtime, settings: settings)
        try await runtime.run([app], serveHealth: false)
    }
}
