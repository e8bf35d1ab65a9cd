import Foundation

/// Lines read from a blocking socket, ending in CRLF or LF (the ending dropped), for the line
/// protocols Clearline speaks itself: SMTP as a client, and the sandbox's SMTP mailbox. The
/// caller sets the socket's receive timeout.
public struct SocketLines {
    public enum Next: Equatable {
        case line(String)
        /// The peer closed, the read failed or timed out.
        case ended
        /// More than `maxLength` bytes came without a line ending.
        case tooLong
    }

    let fd: Int32
    let maxLength: Int
    var buffer: [UInt8] = []

    public init(fd: Int32, maxLength: Int) {
        self.fd = fd
        self.maxLength = maxLength
    }

    public mutating func next() -> Next {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<end].last == UInt8(ascii: "\r") ? buffer[..<(end - 1)] : buffer[..<end]
                defer { buffer.removeFirst(end + 1) }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if buffer.count > maxLength { return .tooLong }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .ended }
            buffer += chunk[..<count]
        }
    }
}
