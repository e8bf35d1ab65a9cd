import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Sends the vendor calls a person waits on (Test, Connect) from a helper process of their own
/// (`clearline call-helper`), in a session, and so a scheduling group, of its own at the lowest
/// priority.
///
/// Why a process: while a call waits for its answer, FoundationNetworking's dispatch source
/// spins on the socket (`DispatchThreadPriority` has the details). Nice 19 keeps that spin from
/// Clearline's own threads, but with autogroup scheduling (Linux's default on a desktop or a
/// VM, and on this machine) CPU is shared between sessions first: a spinning Clearline asks for
/// its session's full share, and PostgreSQL, in a session of its own, is cut to its share. A
/// tenant pressing Test on a stalled vendor then slowed every other tenant's reads (bench/stall:
/// p99 200 ms to 900 ms, with PostgreSQL's own `select 1` taking up to 7.8 s). In a session of
/// its own at autogroup nice 19, the spin only uses what no other session wants.
///
/// Calls are multiplexed over one socket pair by id. If the helper dies, its calls fail as
/// retryable and the next call starts a new one; if it cannot be started at all, calls go out
/// from this process as before.
public final class CallRelay: Sendable {
    private final class Pending: @unchecked Sendable {
        let answered = DispatchSemaphore(value: 0)
        var outcome: Result<HTTPTransport.Reply, ConnectorError>?
    }

    /// One helper process and this end of its socket. The descriptor is written, shut down and
    /// closed only under `channel`, and never used once closed: a number closed here may be
    /// reused at once for a database connection or a client's socket.
    private final class Helper: Sendable {
        let pid: pid_t
        private let fd: Int32
        private let channel = Mutex(false)

        init(fd: Int32, pid: pid_t) {
            self.fd = fd
            self.pid = pid
        }

        /// False when the helper is gone, or its end is closed.
        func write(_ frame: CallRelayFrame) -> Bool { channel.withLock { closed in !closed && frame.write(to: fd) } }

        /// Blocks this thread until the next answer; nil at the end of the stream.
        func read() throws -> CallRelayFrame? { try CallRelayFrame.read(from: fd) }

        /// Ends both directions, which wakes the reader.
        func shutDown() { channel.withLock { closed in if !closed { _ = shutdown(fd, Int32(SHUT_RDWR)) } } }

        func close() {
            channel.withLock { closed in
                if !closed { _ = Glibc.close(fd) }
                closed = true
            }
        }
    }

    private struct State {
        var helper: Helper?
        var nextId: UInt32 = 1
        var pending: [UInt32: Pending] = [:]
    }

    private let executable: String
    private let state = Mutex(State())

    private static let installed = Mutex<CallRelay?>(nil)

    /// The relay of this process, if `install` was called.
    static var current: CallRelay? { installed.withLock { $0 } }

    /// Starts the helper from `executable` (this program) and sends calls made with
    /// `HTTPTransport.withinRequest` through it. Call first thing at start-up: the helper
    /// inherits whatever descriptors are open then (it closes them, but the fewer the better).
    public static func install(executable: String) {
        installed.withLock { current in
            guard current == nil else { return }
            let relay = CallRelay(executable: executable)
            _ = relay.helper()
            current = relay
        }
    }

    /// This program's path, for starting the helper from the same build.
    public static var thisExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private init(executable: String) {
        self.executable = executable
    }

    /// Sends `request` through the helper; nil when no helper can run (the caller sends it
    /// itself).
    func exchange(_ request: URLRequest, url: URL, timeout: TimeInterval, maxBodyBytes: Int, guarded: Bool, vendor: String) throws -> HTTPTransport.Reply? {
        let relayed = RelayedRequest(
            method: request.httpMethod ?? "GET", url: url.absoluteString, headers: request.allHTTPHeaderFields ?? [:], timeout: timeout,
            maxBodyBytes: maxBodyBytes, guarded: guarded, vendor: vendor)
        guard let meta = try? JSONEncoder().encode(relayed) else { throw ConnectorError(.permanent, "\(vendor): the request cannot be sent.") }
        guard let helper = helper() else { return nil }
        let pending = Pending()
        let id = state.withLock { state -> UInt32 in
            let id = state.nextId
            state.nextId = state.nextId == UInt32.max ? 1 : state.nextId + 1
            state.pending[id] = pending
            return id
        }
        let frame = CallRelayFrame(id: id, meta: meta, body: request.httpBody ?? Data())
        // Frames of concurrent calls do not interleave: the helper's channel is held while one is written.
        let written = helper.write(frame)
        if !written {
            stopped(helper)
            // Also when another caller saw this helper go first and a new one has started.
            state.withLock { $0.pending.removeValue(forKey: id) }?.answered.signal()
        }
        // The helper keeps the call's own deadline; this one only covers a helper that hangs.
        if pending.answered.wait(timeout: .now() + timeout + 10) == .timedOut {
            _ = state.withLock { $0.pending.removeValue(forKey: id) }
            throw ConnectorError(.retryable, "\(vendor) did not answer within \(Int(timeout)) s.")
        }
        switch pending.outcome {
        case .success(let reply): return reply
        case .failure(let error): throw error
        case nil: throw ConnectorError(.retryable, "\(vendor) could not be reached: the call helper stopped.")
        }
    }

    /// The running helper, started when there is none; nil if it cannot start.
    private func helper() -> Helper? {
        state.withLock { state -> Helper? in
            if let helper = state.helper { return helper }
            guard let started = spawn() else { return nil }
            state.helper = started
            let thread = Thread { [self] in readReplies(started) }
            thread.stackSize = 256 << 10
            thread.start()
            return started
        }
    }

    private func spawn() -> Helper? {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The helper's end becomes its descriptor 3 (dup2 clears close-on-exec there).
        posix_spawn_file_actions_adddup2(&actions, ends[1], CallRelayHelper.descriptor)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26): a new session, so a scheduling group of its own.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        let arguments = [executable, CallRelayHelper.command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        close(ends[1])
        guard spawned == 0 else {
            close(ends[0])
            return nil
        }
        // A helper that stops reading fails the write in time (and is replaced), rather than
        // holding every caller on a full socket.
        var patience = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(ends[0], SOL_SOCKET, SO_SNDTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))
        return Helper(fd: ends[0], pid: pid)
    }

    private func readReplies(_ helper: Helper) {
        ThreadName.setCurrent("call-relay")
        while let frame = try? helper.read() {
            guard let pending = state.withLock({ $0.pending.removeValue(forKey: frame.id) }) else { continue }
            if let reply = try? JSONDecoder().decode(RelayedReply.self, from: frame.meta) {
                if let error = reply.error {
                    pending.outcome = .failure(error.connectorError)
                } else {
                    pending.outcome = .success(HTTPTransport.Reply(status: reply.status ?? 0, headers: reply.headers ?? [:], body: frame.body))
                }
            }
            pending.answered.signal()
        }
        stopped(helper)
        // Only this thread closes it, once it reads no more.
        helper.close()
    }

    /// The helper is gone (or its stream is corrupt): its calls fail, and the next call starts
    /// another.
    private func stopped(_ helper: Helper) {
        let orphans = state.withLock { state -> [Pending]? in
            guard state.helper?.pid == helper.pid else { return nil }
            state.helper = nil
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        // Only the first to see it go reaps it: a second kill could reach a reused pid.
        guard let orphans else { return }
        helper.shutDown()
        for pending in orphans { pending.answered.signal() }
        var status: Int32 = 0
        kill(helper.pid, SIGKILL)
        waitpid(helper.pid, &status, 0)
    }
}
