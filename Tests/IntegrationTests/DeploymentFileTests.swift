import Foundation
import Testing
import TestSupport
import Yams

/// No Docker engine runs here, so the compose file is checked by reading it.
@Suite("docker-compose.yml")
struct DeploymentFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let executables = ["gateway", "ingestor", "inventory", "policy-engine", "ai-reasoner", "remediation-executor",
                              "approvals", "billing"]

    @Test("every service executable is a compose service built from deploy/Dockerfile, health-checked and scalable")
    func composeHasEveryService() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let doc = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(doc["services"] as? [String: Any])
        #expect(services["nats"] != nil)
        #expect(services["postgres"] != nil)
        for name in Self.executables {
            let service = try #require(services[name] as? [String: Any], "no compose service \(name)")
            let build = try #require(service["build"] as? [String: Any], "\(name) has no build section")
            #expect(build["dockerfile"] as? String == "deploy/Dockerfile")
            let args = build["args"] as? [String: Any]
            #expect(args?["PRODUCT"] as? String == name, "\(name) builds the wrong product")
            #expect(service["healthcheck"] != nil, "\(name) has no health check")
            #expect(service["container_name"] == nil, "\(name) sets container_name, which prevents --scale")
        }
        // The Dockerfile builds whatever product it is given.
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("ARG PRODUCT"))
        #expect(dockerfile.contains("--product"))
    }

    @Test("every executable in Package.swift is deployed")
    func packageProductsAreDeployed() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        for name in Self.executables + ["cloudloom"] {
            #expect(manifest.contains(".executable(name: \"\(name)\""), "\(name) is not a product")
        }
    }
}

/// The REST contract parses and validates as OpenAPI 3 (with openapi-spec-validator, which `make deps` installs).
@Suite("proto/openapi.yaml")
struct OpenAPIContractTests {
    @Test("the contract is valid OpenAPI and lists every route the gateway serves")
    func valid() async throws {
        let path = DeploymentFileTests.root.appendingPathComponent("proto/openapi.yaml").path
        let python = try TestEnvironment.which("python3", install: "apt-get install -y python3")
        let (status, output) = try await TestEnvironment.runStatus(python, ["-c", """
            import sys, yaml
            from openapi_spec_validator import validate
            doc = yaml.safe_load(open(sys.argv[1]))
            validate(doc)
            print(" ".join(sorted(doc["paths"])))
            """, path])
        #expect(status == 0, "\(output)")
        for route in ["/v1/tenants", "/v1/whoami", "/v1/events/cloudtrail", "/v1/findings", "/v1/findings/{id}",
                      "/v1/suppressions", "/v1/suppressions/{id}", "/v1/rules/custom", "/v1/rules/custom/{id}",
                      "/v1/iam/policies/lint", "/v1/services", "/v1/accounts", "/v1/accounts/{id}",
                      "/v1/accounts/{id}/backfill", "/v1/ingest/deadletters", "/v1/ingest/deadletters/{id}/retry",
                      "/v1/ingest/eventbridge/secret", "/v1/ingest/eventbridge/{tenant}", "/v1/keys", "/v1/keys/{id}",
                      "/v1/audit", "/v1/credits", "/v1/tenants/{id}/credits", "/healthz", "/readyz", "/metrics"] {
            #expect(output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.contains(route),
                    "\(route) is missing from the contract")
        }
    }
}
