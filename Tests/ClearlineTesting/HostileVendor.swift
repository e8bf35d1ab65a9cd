public import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// A vendor that misbehaves on purpose, on a raw socket at 127.0.0.1: it stalls, redirects, or
/// sends a body with no end. Each connection gets one answer; the request is read and ignored.
public final class HostileVendor: Sendable {
    public enum Behaviour: Sendable {
        /// Reads the request and answers nothing until `release()`.
        case stall
        /// `302` to `location`.
        case redirect(location: String)
        /// `200` with no length and 64 KiB chunks (about 128 MB/s) until the client hangs up.
        case endlessBody
        /// `200` declaring `bytes` in Content-Length, then the same endless chunks.
        case declaredBody(bytes: Int)
        /// `400` with this JSON body.
        case error(json: String)
    }

    public let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let state = Mutex<(accepted: Int, received: Int, bytesSent: Int, open: [Int32], released: Bool)>((0, 0, 0, [], false))

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// Connections accepted so far, whatever they sent.
    public var accepted: Int { state.withLock { $0.accepted } }
    /// Requests read so far.
    public var received: Int { state.withLock { $0.received } }
    /// Body bytes written so far.
    public var bytesSent: Int { state.withLock { $0.bytesSent } }

    /// Lets stalled requests go (their connections close) and stops listening.
    public func release() {
        // Once only, and under the lock that `serve` closes under: shutting down a descriptor
        // closed and reused meanwhile would cut some other connection of this process.
        state.withLock { s in
            guard !s.released else { return }
            s.released = true
            for fd in s.open { shutdown(fd, Int32(SHUT_RDWR)) }
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            state.withLock { $0.accepted += 1 }
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { s in
                s.open.removeAll { $0 == fd }
                close(fd)
            }
        }
        var buffer = [UInt8](repeating: 0, count: 16384)
        var request: [UInt8] = []
        while !request.contains(subsequence: [13, 10, 13, 10]) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            request.append(contentsOf: buffer[0..<n])
        }
        let released = state.withLock { s -> Bool in
            s.received += 1
            if !s.released { s.open.append(fd) }
            return s.released
        }
        switch behaviour {
        case .stall:
            guard !released else { return }
            while recv(fd, &buffer, buffer.count, 0) > 0 {}
        case .redirect(let location):
            write(fd, "HTTP/1.1 302 Found\r\nLocation: \(location)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        case .endlessBody:
            write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
            stream(fd)
        case .declaredBody(let bytes):
            write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(bytes)\r\nConnection: close\r\n\r\n")
            stream(fd, limit: bytes)
        case .error(let json):
            write(fd, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)")
        }
    }

    private func stream(_ fd: Int32, limit: Int = .max) {
        let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 65536)
        var sent = 0
        while sent < limit {
            let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, limit - sent), Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
            state.withLock { $0.bytesSent += n }
            // About 128 MB/s, a very fast vendor link: unpaced, loopback runs at gigabytes a
            // second, faster than URLSession can act on a cancel.
            usleep(500)
        }
    }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard count >= subsequence.count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
