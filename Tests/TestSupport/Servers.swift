import Foundation
import Synchronization

/// nats-server with JetStream on a random loopback port, store in a temporary folder.
public final class NATSServer: Sendable {
    public let url: String
    public let port: Int
    public let process: TestProcess
    public let directory: URL

    public static func start() async throws -> NATSServer {
        let bin = try TestEnvironment.which("nats-server", install: "apt-get install -y nats-server")
        let dir = try TestEnvironment.temporaryDirectory("cl-nats")
        let port = try TestEnvironment.freePort()
        let conf = """
            listen: 127.0.0.1:\(port)
            max_payload: 8MB
            jetstream { store_dir: "\(dir.path)/store" }
            """
        try conf.write(to: dir.appendingPathComponent("nats.conf"), atomically: true, encoding: .utf8)
        let process = try TestProcess(name: "nats-server", executable: bin, arguments: ["-c", dir.appendingPathComponent("nats.conf").path],
                                      logDirectory: dir)
        try await TestEnvironment.wait("nats-server on port \(port)", timeout: .seconds(20)) { TestEnvironment.portOpen(port) }
        return NATSServer(url: "nats://127.0.0.1:\(port)", port: port, process: process, directory: dir)
    }

    init(url: String, port: Int, process: TestProcess, directory: URL) {
        self.url = url
        self.port = port
        self.process = process
        self.directory = directory
    }
}

/// A throwaway PostgreSQL cluster (as the `postgres` user: PostgreSQL refuses root) with the application role
/// `cloudloom` (no superuser, no BYPASSRLS) and database `cloudloom`.
public final class PostgresServer: Sendable {
    public let port: Int
    public let dataDir: String
    /// URL of the application role, as services use it.
    public let appURL: String
    /// URL of the superuser, for test setup only.
    public let adminURL: String

    static let started = Mutex<[String]>([])

    public static func start() async throws -> PostgresServer {
        _ = TestProcess.exitHook
        guard let binDir = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().last.map({ "/usr/lib/postgresql/\($0)/bin" }),
              FileManager.default.isExecutableFile(atPath: "\(binDir)/initdb") else {
            throw TestEnvironmentError("PostgreSQL server binaries are missing: apt-get install -y postgresql (or run `make deps`)")
        }
        let runuser = try TestEnvironment.which("runuser", install: "apt-get install -y util-linux")
        let psql = try TestEnvironment.which("psql", install: "apt-get install -y postgresql-client")
        let root = "/tmp/cl-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try await TestEnvironment.run("/bin/chown", ["postgres:postgres", root])
        let port = try TestEnvironment.freePort()
        let data = "\(root)/data"
        try await TestEnvironment.run(runuser, ["-u", "postgres", "--", "\(binDir)/initdb", "-D", data, "-U", "postgres", "-A", "trust",
                                          "-E", "UTF8", "--locale=C", "--no-sync"], cwd: root)
        try await TestEnvironment.run(runuser, ["-u", "postgres", "--", "\(binDir)/pg_ctl", "-D", data, "-l", "\(root)/server.log", "-w",
                                          "-o", "-p \(port) -k \(root) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                                          "start"], cwd: root)
        started.withLock { $0.append(data) }
        let admin = "postgresql://postgres@127.0.0.1:\(port)/postgres"
        try await TestEnvironment.run(psql, [admin, "-v", "ON_ERROR_STOP=1", "-q", "-c",
            "CREATE ROLE cloudloom LOGIN PASSWORD 'cloudloom' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
            "-c", "CREATE DATABASE cloudloom", "-c", "GRANT CONNECT, CREATE ON DATABASE cloudloom TO cloudloom"])
        return PostgresServer(port: port, dataDir: data,
                              appURL: "postgresql://cloudloom:cloudloom@127.0.0.1:\(port)/cloudloom",
                              adminURL: "postgresql://postgres@127.0.0.1:\(port)/cloudloom")
    }

    init(port: Int, dataDir: String, appURL: String, adminURL: String) {
        self.port = port
        self.dataDir = dataDir
        self.appURL = appURL
        self.adminURL = adminURL
    }

    /// Runs SQL as the superuser (test setup and inspection only).
    @discardableResult
    public func adminSQL(_ sql: String) async throws -> String {
        let psql = try TestEnvironment.which("psql", install: "apt-get install -y postgresql-client")
        return try await TestEnvironment.run(psql, [adminURL, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    }

    /// Runs SQL as the application's role (no superuser, no BYPASSRLS); answers psql's exit status and output, so
    /// tests can prove what the database itself refuses.
    public func appSQLStatus(_ sql: String) async throws -> (status: Int32, output: String) {
        let psql = try TestEnvironment.which("psql", install: "apt-get install -y postgresql-client")
        return try await TestEnvironment.runStatus(psql, [appURL, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    }

    static func stopCluster(dataDir: String) {
        guard let binDir = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().last else { return }
        _ = try? TestEnvironment.runBlocking("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/lib/postgresql/\(binDir)/bin/pg_ctl",
                                                          "-D", dataDir, "-m", "immediate", "-w", "stop"], cwd: "/tmp")
    }
}

/// The moto AWS emulator on a random loopback port.
public final class MotoServer: Sendable {
    public let endpoint: String
    public let process: TestProcess

    public static func start() async throws -> MotoServer {
        let python = try TestEnvironment.which("python3", install: "apt-get install -y python3")
        do { try await TestEnvironment.run(python, ["-c", "import moto.server"]) } catch {
            throw TestEnvironmentError("moto is not installed: pip install 'moto[server]' (or run `make deps`)")
        }
        let dir = try TestEnvironment.temporaryDirectory("cl-moto")
        let port = try TestEnvironment.freePort()
        let process = try TestProcess(name: "moto", executable: python, arguments: ["-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"],
                                      logDirectory: dir)
        try await TestEnvironment.wait("moto on port \(port)", timeout: .seconds(60)) { TestEnvironment.portOpen(port) }
        return MotoServer(endpoint: "http://127.0.0.1:\(port)", process: process)
    }

    init(endpoint: String, process: TestProcess) {
        self.endpoint = endpoint
        self.process = process
    }
}

/// Servers shared by every test of a test process, started on first use.
public actor SharedServers {
    public static let shared = SharedServers()
    private var nats: Task<NATSServer, any Error>?
    private var postgres: Task<PostgresServer, any Error>?
    private var moto: Task<MotoServer, any Error>?

    public func natsServer() async throws -> NATSServer {
        if nats == nil { nats = Task { try await NATSServer.start() } }
        return try await nats!.value
    }

    public func postgresServer() async throws -> PostgresServer {
        if postgres == nil { postgres = Task { try await PostgresServer.start() } }
        return try await postgres!.value
    }

    public func motoServer() async throws -> MotoServer {
        if moto == nil { moto = Task { try await MotoServer.start() } }
        return try await moto!.value
    }
}
