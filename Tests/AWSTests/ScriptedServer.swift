import Foundation
import HTTP
import TestSupport

/// A local HTTP server that answers with canned responses in order and records every request
/// (`Resources/scripted-server.py`, standard-library Python), for tests of retries, timeouts and malformed answers.
final class ScriptedServer: Sendable {
    /// One canned answer. The last one of a script repeats forever.
    struct Response: Encodable, Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
        /// How long the server waits before answering.
        var delayMilliseconds: Int

        init(status: Int, headers: [String: String] = [:], body: String, delayMilliseconds: Int = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delayMilliseconds = delayMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case status, headers, body
            case delayMilliseconds = "delay_ms"
        }

        static func xml(_ status: Int, _ body: String) -> Response {
            Response(status: status, headers: ["Content-Type": "text/xml", "x-amzn-RequestId": "scripted-\(status)"], body: body)
        }

        static func json(_ status: Int, _ body: String) -> Response {
            Response(status: status, headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "scripted-\(status)"],
                     body: body)
        }
    }

    /// A request as the server saw it.
    struct RecordedRequest: Decodable, Sendable {
        var method: String
        var path: String
        var headers: [[String]]
        var body: String

        /// The first header with this name (case-insensitive).
        func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.count == 2 && $0[0].lowercased() == lower }?[1]
        }

        /// The form parameters of a query-protocol body.
        var formParameters: [String: String] {
            var out: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                out[name] = value
            }
            return out
        }
    }

    let endpoint: String
    let port: Int
    let process: TestProcess
    private let http = HTTPClient(.init(threads: 1))

    private init(endpoint: String, port: Int, process: TestProcess) {
        self.endpoint = endpoint
        self.port = port
        self.process = process
    }

    /// Starts a server with `script` on a free loopback port and waits until it accepts connections.
    static func start(_ script: [Response]) async throws -> ScriptedServer {
        let python = try TestEnvironment.which("python3", install: "apt-get install -y python3")
        guard let program = TestResources.url("scripted-server.py") else {
            throw TestEnvironmentError("Tests/AWSTests/Resources/scripted-server.py is missing from the test bundle")
        }
        let dir = try TestEnvironment.temporaryDirectory("cl-scripted")
        let scriptURL = dir.appendingPathComponent("script.json")
        try JSONEncoder().encode(script).write(to: scriptURL)
        let portFile = dir.appendingPathComponent("port")
        let process = try TestProcess(name: "scripted-server", executable: python,
                                      arguments: [program.path, "0", scriptURL.path, portFile.path], logDirectory: dir)
        var port = 0
        do {
            // The server binds port 0 and writes the port it got: no race with other tests choosing ports.
            try await TestEnvironment.wait("the scripted server's port file", timeout: .seconds(60)) {
                guard process.isRunning else { throw TestEnvironmentError("the scripted server exited") }
                guard let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) else { return false }
                port = p
                return true
            }
        } catch {
            let log = process.logTail()
            await process.stop(grace: .seconds(1))
            throw TestEnvironmentError("the scripted server did not start: \(error)\n--- log ---\n\(log)")
        }
        return ScriptedServer(endpoint: "http://127.0.0.1:\(port)", port: port, process: process)
    }

    /// Every request answered from the script so far, in arrival order.
    func requests() async throws -> [RecordedRequest] {
        let r = try await http.execute(HTTPRequest(url: endpoint + "/__requests", timeout: .seconds(10)))
        guard r.status == 200 else { throw TestEnvironmentError("GET /__requests answered \(r.status): \(r.text)") }
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(r.body))
    }

    /// Replaces the script; the next request gets its first entry.
    func setScript(_ script: [Response]) async throws {
        let body = try JSONEncoder().encode(script)
        let r = try await http.execute(HTTPRequest(method: "POST", url: endpoint + "/__script",
                                                   headers: [("Content-Type", "application/json")], body: Array(body),
                                                   timeout: .seconds(10)))
        guard r.status == 200 else { throw TestEnvironmentError("POST /__script answered \(r.status): \(r.text)") }
    }

    func stop() async {
        await process.stop(grace: .seconds(2))
        await http.shutdown()
    }
}
