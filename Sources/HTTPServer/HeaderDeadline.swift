import Foundation
import Synchronization

/// One open connection, as the header deadline sees it: since when it has been waiting for a
/// request's headers (0 while a request is being handled). It is the connection's socket
/// context, so it also keeps what every request of the connection shares.
final class ConnectionWatch: Sendable {
    let fd: Int32
    let awaitingSince: Atomic<UInt64>
    /// The peer's address as text, made once for all the connection's requests (it cannot
    /// change): writing it for each request was 200 instructions of `GET /healthz`.
    let clientAddress: String
    /// The last constant answer given on this connection, kept for its next request.
    let keptAnswer = KeptAnswer()

    init(fd: Int32, clientAddress: String) {
        self.fd = fd
        self.clientAddress = clientAddress
        awaitingSince = Atomic(DispatchTime.now().uptimeNanoseconds)
    }
}

/// A deadline for receiving a request's headers, from the moment the connection opened or the
/// previous response went out. libmicrohttpd's own timeout is an idle timeout: every header
/// line restarts it, so a client sending one line every few seconds held a connection forever,
/// and thousands of them held the server. Past the deadline the socket is shut down, and
/// libmicrohttpd closes the connection as a client that hung up.
final class HeaderDeadline: Sendable {
    let seconds: Int
    /// Under this lock a socket is shut down, and a closing connection is removed before
    /// libmicrohttpd closes its descriptor, so no reused descriptor is ever shut down.
    private let open = Mutex<[ObjectIdentifier: ConnectionWatch]>([:])
    private let stopped = Atomic<Bool>(false)

    init(seconds: Int) {
        self.seconds = seconds
        let thread = Thread { [self] in watch() }
        thread.name = "http-header-deadline"
        thread.start()
    }

    func opened(fd: Int32, clientAddress: String, context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        let watch = ConnectionWatch(fd: fd, clientAddress: clientAddress)
        context.pointee = Unmanaged.passRetained(watch).toOpaque()
        _ = open.withLock { $0[ObjectIdentifier(watch)] = watch }
    }

    func closed(context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) {
        guard let raw = context.pointee else { return }
        let watch = Unmanaged<ConnectionWatch>.fromOpaque(raw).takeRetainedValue()
        context.pointee = nil
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(watch)) }
    }

    /// A request's headers are in.
    /// `context` is the connection's socket context, as `opened` set it.
    static func headersArrived(context raw: UnsafeMutableRawPointer?) {
        guard let raw else { return }
        Unmanaged<ConnectionWatch>.fromOpaque(raw).takeUnretainedValue().awaitingSince.store(0, ordering: .relaxed)
    }

    /// The client's address of the connection whose socket context this is, if it has one.
    static func clientAddress(context raw: UnsafeMutableRawPointer?) -> String? {
        guard let raw else { return nil }
        return Unmanaged<ConnectionWatch>.fromOpaque(raw).takeUnretainedValue().clientAddress
    }

    /// A response went out; the next request's headers are awaited from now.
    static func awaitingNext(context raw: UnsafeMutableRawPointer?) {
        guard let raw else { return }
        Unmanaged<ConnectionWatch>.fromOpaque(raw).takeUnretainedValue().awaitingSince.store(
            DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func watch() {
        let limit = UInt64(seconds) * 1_000_000_000
        while !stopped.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: 0.25)
            let now = DispatchTime.now().uptimeNanoseconds
            open.withLock { watches in
                for watch in watches.values {
                    let since = watch.awaitingSince.load(ordering: .relaxed)
                    guard since != 0, now > since, now - since > limit else { continue }
                    watch.awaitingSince.store(0, ordering: .relaxed)
                    shutdown(watch.fd, Int32(SHUT_RDWR))
                }
            }
        }
    }
}
