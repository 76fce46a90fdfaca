import Foundation

/// posix_spawn with output to a file and an explicit environment. Used instead of Foundation's `Process`, whose
/// exit detection was seen to miss children here (a finished `runuser` stayed a zombie and `waitUntilExit` hung).
enum Spawn {
    static func start(_ executable: String, _ arguments: [String], environment: [String: String], outputPath: String,
                      cwd: String? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // A process group of its own, so signals aimed at the test runner's group do not hit it.
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attr, 0)
        var executable = executable
        var arguments = arguments
        if let cwd {
            // posix_spawn has no portable chdir action: let a shell change directory, then exec the command.
            arguments = ["-c", "cd \"$0\" && exec \"$@\"", cwd, executable] + arguments
            executable = "/bin/sh"
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw TestEnvironmentError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Exit status if the process has ended (reaping it), nil while it runs.
    static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { return decode(status) }
        if r < 0 { return -1 }
        return nil
    }

    static func decode(_ status: Int32) -> Int32 {
        if status & 0x7f == 0 { return (status >> 8) & 0xff } // exited
        return 128 + (status & 0x7f) // killed by a signal
    }
}
