import Foundation

/// The socket calls the egress proxy makes, each with its error cases handled once.
enum EgressSockets {
    struct CannotListen: Error, CustomStringConvertible {
        let description: String
    }

    /// A listening socket on 127.0.0.1 at a port the kernel picks, and that port.
    static func listenOnLoopback() throws -> (Int32, Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw CannotListen(description: "no socket for the egress proxy (errno \(errno))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 256) == 0 else {
            close(listener)
            throw CannotListen(description: "the egress proxy cannot listen on 127.0.0.1 (errno \(errno))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A blocking receive gives up after `seconds` (0: never).
    static func setReceiveTimeout(_ fd: Int32, seconds: Int32) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes all of `bytes`; false when the peer is gone.
    @discardableResult
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { sendAll(fd, $0) }
    }

    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// A connected socket to `address` (4 or 16 bytes) and `port`, or nil when it did not accept
    /// within `seconds`.
    static func connect(to address: [UInt8], port: Int, seconds: Int32) -> Int32? {
        let family = address.count == 4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var started: Int32
        if family == AF_INET {
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &target.sin_addr) { $0.copyBytes(from: address) }
            started = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var target = sockaddr_in6()
            target.sin6_family = sa_family_t(AF_INET6)
            target.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: address) }
            started = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if started != 0 {
            var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var problem: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard errno == EINPROGRESS, poll(&waiting, 1, seconds * 1000) == 1,
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &length) == 0, problem == 0
            else {
                close(fd)
                return nil
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
        return fd
    }

    /// Passes bytes both ways until both sides have finished sending (an end from one side is
    /// passed on as a half close), either fails, or nothing moves for `idleSeconds`.
    static func relay(_ a: Int32, _ b: Int32, idleSeconds: Int32) {
        var open = (aToB: true, bToA: true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 1)
        defer { buffer.deallocate() }
        while open.aToB || open.bToA {
            var fds = [
                pollfd(fd: open.aToB ? a : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: open.bToA ? b : -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, idleSeconds * 1000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return }
            for (index, (from, to)) in [(a, b), (b, a)].enumerated() where fds[index].revents != 0 {
                let count = recv(from, buffer.baseAddress, buffer.count, 0)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { return }
                if count == 0 {
                    shutdown(to, Int32(SHUT_WR))
                    if index == 0 { open.aToB = false } else { open.bToA = false }
                    continue
                }
                guard sendAll(to, UnsafeRawBufferPointer(rebasing: buffer[0..<count])) else { return }
            }
        }
    }

    /// Whether `a` equals `b`, taking as long whatever the first difference.
    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
