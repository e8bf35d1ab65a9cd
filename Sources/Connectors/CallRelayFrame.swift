import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One message between Clearline and its call helper (`CallRelay`), either way over one stream
/// socket: a 16-byte head (the call's id, the metadata's length and the body's length, big
/// endian), the metadata as JSON, then the body's bytes as they are.
struct CallRelayFrame {
    let id: UInt32
    let meta: Data
    let body: Data

    /// Metadata past this, or a body past `maxBodyBytes`, means the stream is corrupt.
    static let maxMetaBytes = 1 << 20
    static let maxBodyBytes = 64 << 20

    struct Corrupt: Error {}

    func write(to fd: Int32) -> Bool {
        var head = [UInt8]()
        head.reserveCapacity(16)
        for shift in stride(from: 24, through: 0, by: -8) { head.append(UInt8(truncatingIfNeeded: id >> UInt32(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { head.append(UInt8(truncatingIfNeeded: UInt32(meta.count) >> UInt32(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { head.append(UInt8(truncatingIfNeeded: UInt64(body.count) >> UInt64(shift))) }
        guard EgressSockets.sendAll(fd, head) else { return false }
        for part in [meta, body] where !part.isEmpty {
            guard part.withUnsafeBytes({ EgressSockets.sendAll(fd, $0) }) else { return false }
        }
        return true
    }

    /// The next frame, nil at the end of the stream; throws `Corrupt` on lengths past the caps.
    static func read(from fd: Int32) throws -> CallRelayFrame? {
        guard let head = readExactly(fd, 16) else { return nil }
        let id = head[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let metaCount = head[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let bodyCount = head[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard metaCount <= maxMetaBytes, bodyCount <= maxBodyBytes else { throw Corrupt() }
        guard let meta = readExactly(fd, Int(metaCount)), let body = readExactly(fd, Int(bodyCount)) else { return nil }
        return CallRelayFrame(id: id, meta: Data(meta), body: Data(body))
    }

    private static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            offset += got
        }
        return bytes
    }
}

/// What Clearline asks the helper to send.
struct RelayedRequest: Codable {
    let method: String
    let url: String
    let headers: [String: String]
    let timeout: Double
    let maxBodyBytes: Int
    let guarded: Bool
    let vendor: String

    func urlRequest() -> URLRequest? {
        guard let url = URL(string: url) else { return nil }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }
}

/// What came back: the vendor's status and headers, or how the call failed.
struct RelayedReply: Codable {
    var status: Int?
    var headers: [String: String]?
    var error: RelayedError?
}

/// A `ConnectorError` as it crosses the socket.
struct RelayedError: Codable {
    let kind: String
    let retryAfter: Double?
    let message: String

    init(_ error: ConnectorError) {
        message = error.message
        switch error.kind {
        case .retryable: (kind, retryAfter) = ("retryable", nil)
        case .permanent: (kind, retryAfter) = ("permanent", nil)
        case .authentication: (kind, retryAfter) = ("authentication", nil)
        case .rateLimited(let seconds): (kind, retryAfter) = ("rate_limited", seconds)
        }
    }

    var connectorError: ConnectorError {
        switch kind {
        case "permanent": return ConnectorError(.permanent, message)
        case "authentication": return ConnectorError(.authentication, message)
        case "rate_limited": return ConnectorError(.rateLimited(retryAfter: retryAfter ?? 60), message)
        default: return ConnectorError(.retryable, message)
        }
    }
}
