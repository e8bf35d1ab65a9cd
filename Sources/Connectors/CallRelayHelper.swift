import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Synchronization
import Domain

#if canImport(Glibc)
    import Glibc
#endif

/// The helper process's side of `CallRelay`: reads calls from descriptor 3, sends each from a
/// thread of its own through an in-process `HTTPTransport`, and writes the answers back. Ends
/// when Clearline closes its end (Clearline exited, or gave up on this helper).
public enum CallRelayHelper {
    /// The subcommand that runs it.
    public static let command = "call-helper"
    static let descriptor: Int32 = 3

    public static func run(onRefusal: @escaping @Sendable (String) -> Void) throws -> Never {
        lowerPriority()
        closeInheritedDescriptors()
        // Frames go only to descriptor 3; anything a library prints goes to the error stream.
        dup2(STDERR_FILENO, STDOUT_FILENO)
        _ = try EgressProxy.install(onRefusal: onRefusal)
        // libdispatch sets its own threads' nice values (to 0, and -4 for some), whatever
        // they inherited.
        DispatchThreadPriority.lower()
        let writing = Mutex(())
        while let frame = try? CallRelayFrame.read(from: descriptor) {
            let thread = Thread {
                let reply = answer(frame)
                let written = writing.withLock { _ in reply.write(to: descriptor) }
                if !written { exit(0) }
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        exit(0)
    }

    private static func answer(_ frame: CallRelayFrame) -> CallRelayFrame {
        var reply = RelayedReply()
        var body = Data()
        if let relayed = try? JSONDecoder().decode(RelayedRequest.self, from: frame.meta), var request = relayed.urlRequest(),
            let url = request.url
        {
            if !frame.body.isEmpty { request.httpBody = frame.body }
            let transport = HTTPTransport(timeout: relayed.timeout, maxBodyBytes: relayed.maxBodyBytes, guarded: relayed.guarded)
            do {
                let answer = try transport.exchangeHere(request, url: url, vendor: relayed.vendor)
                (reply.status, reply.headers, body) = (answer.status, answer.headers, answer.body)
            } catch let error as ConnectorError {
                reply.error = RelayedError(error)
            } catch {
                reply.error = RelayedError(ConnectorError(.retryable, "\(relayed.vendor) could not be reached."))
            }
        } else {
            reply.error = RelayedError(ConnectorError(.permanent, "The call helper could not read the request."))
        }
        return CallRelayFrame(id: frame.id, meta: (try? JSONEncoder().encode(reply)) ?? Data("{}".utf8), body: body)
    }

    /// Nice 19 for every thread (each inherits it from the thread that makes it), and the same
    /// for the session's scheduling group, which is what counts against other sessions.
    private static func lowerPriority() {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        try? "19".write(toFile: "/proc/self/autogroup", atomically: false, encoding: .utf8)
    }

    /// Sockets Clearline had open when it started this helper without close-on-exec (a client's
    /// connection kept open here would outlive Clearline's close). Only sockets: the runtime's
    /// own descriptors (libdispatch's epoll and event descriptors) are already open by now.
    private static func closeInheritedDescriptors() {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for name in open {
            guard let fd = Int32(name), fd > descriptor else { continue }
            var status = stat()
            if fstat(fd, &status) == 0 && status.st_mode & S_IFMT == S_IFSOCK { close(fd) }
        }
    }
}
