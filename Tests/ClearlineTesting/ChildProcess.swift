import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn, for tests that run the `clearline` binary (an
/// agent, `work`). Not Foundation's `Process`: on Linux its `run()` reads /proc/self/fd with a
/// copy of a whole 256-byte `d_name` per entry, past the end of glibc's buffer when an entry is
/// its last (swift-corelibs-foundation #5472), and crashed the suite once in CI (SIGSEGV in
/// `Process.run`, SageFileDropTests). Serve's own call helper is spawned the same way
/// (`CallRelay`). Unlike `Process`, it leaves open in the child the descriptors this process
/// made without close-on-exec (Foundation's pipes): a pipe's reader may see its end only when
/// every child that inherited it has ended.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exit: Int32?

    /// Starts `executable` with `arguments` and exactly `environment`; its standard output and
    /// error go to `output` (a descriptor the child gets a copy of), or to /dev/null.
    public init(executable: String, arguments: [String], environment: [String: String], output: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, output, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let failed = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard failed == 0 else { throw POSIXError(POSIXErrorCode(rawValue: failed) ?? .EIO) }
        pid = child
    }

    /// Whether it still runs (reaping it once it has ended).
    public var isRunning: Bool {
        lock.withLock {
            guard exit == nil else { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            exit = Self.decode(status)
            return false
        }
    }

    /// Its exit code, or the signal that ended it, as Foundation's `Process` reports them; call
    /// once it has ended.
    public var terminationStatus: Int32 { lock.withLock { exit ?? -1 } }

    public func terminate() {
        if isRunning { kill(pid, SIGTERM) }
    }

    public func waitUntilExit() {
        lock.withLock {
            guard exit == nil else { return }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exit = Self.decode(status)
        }
    }

    /// WIFEXITED/WEXITSTATUS and WTERMSIG, which Swift does not import (they are macros).
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }
}
