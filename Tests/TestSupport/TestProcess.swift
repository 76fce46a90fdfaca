import Foundation
import Synchronization

/// A child process started by a test, killed when the test process exits if the test did not stop it.
public final class TestProcess: @unchecked Sendable {
    // `@unchecked Sendable`: the exit status is guarded by a Mutex; the rest is immutable.
    public let name: String
    public let logURL: URL
    public let pid: Int32
    private let exitStatus = Mutex<Int32?>(nil)

    /// Every live child, so an `atexit` hook can stop them.
    static let live = Mutex<[Int32: String]>([:])
    static let exitHook: Void = {
        atexit {
            let pids = TestProcess.live.withLock { $0 }
            for pid in pids.keys { kill(pid, SIGKILL) }
            for dir in PostgresServer.started.withLock({ $0 }) { PostgresServer.stopCluster(dataDir: dir) }
        }
    }()

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                logDirectory: URL, inheritEnvironment: Bool = true) throws {
        _ = Self.exitHook
        self.name = name
        let logURL = logDirectory.appendingPathComponent("\(name).log")
        self.logURL = logURL
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        for (k, v) in environment { env[k] = v }
        pid = try Spawn.start(executable, arguments, environment: env, outputPath: logURL.path)
        Self.live.withLock { $0[pid] = name }
    }

    public var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            status = Spawn.poll(pid)
            return status == nil
        }
    }

    /// SIGKILL at once (a crash: no shutdown code runs); returns the exit status.
    @discardableResult
    public func killNow() async -> Int32 {
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        Self.live.withLock { _ = $0.removeValue(forKey: pid) }
        return exitStatus.withLock { $0 ?? -1 }
    }

    /// SIGTERM, then SIGKILL after `grace`; returns the exit status (128 + signal when killed).
    @discardableResult
    public func stop(grace: Duration = .seconds(15)) async -> Int32 {
        if isRunning {
            kill(pid, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if isRunning { kill(pid, SIGKILL) }
            while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        }
        Self.live.withLock { _ = $0.removeValue(forKey: pid) }
        return exitStatus.withLock { $0 ?? -1 }
    }

    /// The last lines of the log, for failure messages.
    public func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public func log() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
}

/// A test-environment failure that says how to fix it.
public struct TestEnvironmentError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum TestEnvironment {
    /// A fresh temporary directory.
    public static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0 else { throw TestEnvironmentError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        guard named == 0 else { throw TestEnvironmentError("getsockname() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func portOpen(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return r == 0
    }

    /// Waits until `condition` holds, failing with `what` after `timeout`.
    public static func wait(_ what: String, timeout: Duration = .seconds(30), every: Duration = .milliseconds(50),
                            _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: every)
        }
        throw TestEnvironmentError("timed out after \(timeout) waiting for \(what)")
    }

    /// The absolute path of an executable on PATH, or an error naming the package to install.
    public static func which(_ tool: String, install: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestEnvironmentError("\(tool) is not installed: \(install) (or run `make deps`)")
    }

    /// Runs a command to completion; throws with its output when it fails.
    @discardableResult
    public static func runBlocking(_ executable: String, _ arguments: [String], cwd: String? = nil) throws -> String {
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("cl-run-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outURL) }
        let pid = try Spawn.start(executable, arguments, environment: ProcessInfo.processInfo.environment,
                                  outputPath: outURL.path, cwd: cwd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = Spawn.decode(status)
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard code == 0 else {
            throw TestEnvironmentError("\(executable) \(arguments.joined(separator: " ")) failed (\(code)): \(out)")
        }
        return out
    }

    /// Runs a command to completion and returns its exit status and output (stdout and stderr together).
    public static func runStatusBlocking(_ executable: String, _ arguments: [String], cwd: String? = nil) throws -> (status: Int32, output: String) {
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("cl-run-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outURL) }
        let pid = try Spawn.start(executable, arguments, environment: ProcessInfo.processInfo.environment,
                                  outputPath: outURL.path, cwd: cwd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (Spawn.decode(status), (try? String(contentsOf: outURL, encoding: .utf8)) ?? "")
    }

    /// `run` on a Dispatch thread: waiting for a child must not hold one of Swift's few cooperative threads,
    /// or every other test stalls behind it (a timing test once measured 5 s for a 0.5 s timeout because of that).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], cwd: String? = nil) async throws -> String {
        try await withCheckedThrowingContinuation { cont in
            DispatchQueue.global().async {
                do { cont.resume(returning: try runBlocking(executable, arguments, cwd: cwd)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// `runStatus` on a Dispatch thread (see `run`).
    public static func runStatus(_ executable: String, _ arguments: [String], cwd: String? = nil) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { cont in
            DispatchQueue.global().async {
                do { cont.resume(returning: try runStatusBlocking(executable, arguments, cwd: cwd)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// Where the built executables are: `CL_BIN_DIR`, else the folder of the running test bundle.
    public static var binDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["CL_BIN_DIR"], !dir.isEmpty { return dir }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // Inside an .xctest bundle the binary may sit deeper; walk up to the folder holding the products.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("gateway").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.path
    }
}
