import Foundation
import Domain

/// Applies `OutboundPolicy` to a URL just before Clearline calls it: the host is resolved, and
/// every address it resolves to must be one Clearline may call. A name that pointed at a public
/// address when the connection was saved and at 127.0.0.1 now is refused now.
///
/// URLSession then resolves the name again itself, so a name whose answer changes in between
/// (DNS rebinding) is not caught here: `EgressProxy` judges the address https connects to.
/// Plain http goes only to addresses the administrator allows, never to a name.
enum OutboundGuard {
    static func check(_ url: URL, vendor: String) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw ConnectorError(.permanent, "\(vendor): \(url.scheme ?? "a URL without a scheme") is not an address Clearline calls.")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let addresses = try resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), vendor: vendor)
        if let refused = OutboundPolicy.refusal(scheme: scheme, addresses: addresses, port: port, host: host) {
            throw ConnectorError(.permanent, "\(vendor) was not called: \(refused).")
        }
    }

    /// Every IPv4 and IPv6 address of `host` (an address resolves to itself).
    static func resolve(_ host: String, vendor: String) throws -> [[UInt8]] {
        if let literal = OutboundPolicy.parseAddress(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
            throw ConnectorError(.retryable, "\(vendor) could not be reached: \(host) does not resolve.")
        }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socketAddress = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    let v4 = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(withUnsafeBytes(of: v4) { Array($0) })
                case AF_INET6:
                    let v6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(withUnsafeBytes(of: v6) { Array($0) })
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw ConnectorError(.retryable, "\(vendor) could not be reached: \(host) has no address.") }
        return addresses
    }
}
