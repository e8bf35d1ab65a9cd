import CPostgres
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

extension PostgresConnection {
    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String
    }

    /// Notifications on the channels this connection LISTENs to, waiting up to `milliseconds`
    /// for the first; an empty list when none came.
    public func notifications(waitingUpTo milliseconds: Int) throws -> [Notification] {
        var received = drainNotifications()
        guard received.isEmpty else { return received }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw lost() }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(milliseconds))
        if ready < 0 && errno != EINTR { throw lost() }
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else { throw lost() }
            received = drainNotifications()
        }
        return received
    }

    private func drainNotifications() -> [Notification] {
        var received: [Notification] = []
        while let notice = PQnotifies(handle) {
            received.append(Notification(channel: String(cString: notice.pointee.relname), payload: String(cString: notice.pointee.extra)))
            PQfreemem(notice)
        }
        return received
    }

    private func lost() -> PostgresError {
        markBroken()
        return PostgresError(kind: .connection, message: Self.firstLine(PQerrorMessage(handle)))
    }
}
