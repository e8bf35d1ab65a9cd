import Foundation
import Synchronization

/// Which addresses Clearline may call for a tenant (vendor base URLs, Zoho's accounts server and
/// API domain, shop webhooks): https only, and never loopback, link-local, private, shared,
/// multicast or reserved addresses, so a tenant cannot make Clearline probe its own network.
///
/// The platform administrator names the exceptions (`CLEARLINE_OUTBOUND_ALLOW`, a comma list
/// of `IP` or `IP:port`; `scripts/run` and the tests name the sandbox). An allowed address may
/// also be plain http. Nothing else is exempt.
public enum OutboundPolicy {
    /// One allowed address: an IP, with a port or for every port.
    public struct Exception: Sendable, Hashable {
        public let address: [UInt8]
        public let port: Int?
    }

    public struct InvalidException: Error, CustomStringConvertible {
        public let description: String
    }

    private static let exceptions = Mutex<Set<Exception>>([])

    /// Adds the administrator's exceptions; throws for an entry that is not `IP` or `IP:port`.
    public static func allow(_ list: String) throws {
        let entries = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let parsed = try entries.map { entry -> Exception in
            guard let exception = parseException(entry) else { throw InvalidException(description: "\(entry) is not an IP address or IP:port") }
            return exception
        }
        exceptions.withLock { $0.formUnion(parsed) }
    }

    /// Takes an exception back (the administrator changed the list; tests).
    public static func disallow(_ entry: String) {
        guard let exception = parseException(entry) else { return }
        exceptions.withLock { _ = $0.remove(exception) }
    }

    public static func isAllowed(address: [UInt8], port: Int) -> Bool {
        exceptions.withLock { $0.contains(Exception(address: address, port: port)) || $0.contains(Exception(address: address, port: nil)) }
    }

    /// Why `url` may not be called, judged on what the URL itself says (its scheme, and its host
    /// when that is an address or `localhost`); nil when it may. Names are judged again on
    /// every call, on the addresses they resolve to (`refusal(address:port:host:)`).
    public static func refusal(url text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return "must be an https URL" }
        if components.user != nil || components.password != nil { return "must not carry a user name or password" }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        let literal = parseAddress(name) ?? ((name == "localhost" || name.hasSuffix(".localhost")) ? [127, 0, 0, 1] : nil)
        // A name is not resolved here, so plain http to a name is refused: no name is an exception.
        return refusal(scheme: scheme, addresses: literal.map { [$0] } ?? [], port: port, host: host)
    }

    /// Why a call to `host`, which is (or resolves to) `addresses`, may not be made; nil when it
    /// may: every address must be one Clearline calls, and plain http goes only to addresses the
    /// administrator allows (all of them; none known is not allowed).
    public static func refusal(scheme: String, addresses: [[UInt8]], port: Int, host: String) -> String? {
        for address in addresses {
            if let refused = refusal(address: address, port: port, host: host) { return refused }
        }
        if scheme == "http" && (addresses.isEmpty || !addresses.allSatisfy({ isAllowed(address: $0, port: port) })) {
            return "must be an https URL (plain http only to an address the platform administrator allows)"
        }
        return nil
    }

    /// Why an address may not be called, in words for the person who typed the URL; nil when it may.
    public static func refusal(address: [UInt8], port: Int, host: String) -> String? {
        if isAllowed(address: address, port: port) { return nil }
        guard let kind = restrictedKind(address) else { return nil }
        return "\(host) is \(kind) address (\(addressText(address))), which Clearline does not call"
    }

    /// The kind of a restricted address ("a loopback", "a private"...), nil for a public one.
    public static func restrictedKind(_ address: [UInt8]) -> String? {
        if address.count == 16 {
            let v4Mapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xff && address[11] == 0xff
            let nat64 = address[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0][...]
            if v4Mapped || nat64 { return restrictedKind(Array(address[12..<16])) }
            if address[0..<15].allSatisfy({ $0 == 0 }) { return address[15] == 1 ? "a loopback" : "an unspecified" }
            if address[0] & 0xfe == 0xfc { return "a private" }
            if address[0] == 0xfe && address[1] & 0xc0 == 0x80 { return "a link-local" }
            if address[0] == 0xff { return "a multicast" }
            return nil
        }
        guard address.count == 4 else { return "an unknown" }
        let (a, b) = (address[0], address[1])
        switch a {
        case 127: return "a loopback"
        case 0: return "an unspecified"
        case 10: return "a private"
        case 172 where b & 0xf0 == 16: return "a private"
        case 192 where b == 168: return "a private"
        case 169 where b == 254: return "a link-local"
        case 100 where b & 0xc0 == 64: return "a shared (carrier-grade NAT)"
        case 198 where b & 0xfe == 18: return "a benchmarking"
        case 192 where b == 0 && address[2] == 0: return "a reserved"
        case 224...239: return "a multicast"
        case 240...255: return "a reserved"
        default: return nil
        }
    }

    /// `a.b.c.d` or an IPv6 address, as bytes.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    public static func addressText(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, 64) } != nil
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    private static func parseException(_ entry: String) -> Exception? {
        if let address = parseAddress(entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) {
            return Exception(address: address, port: nil)
        }
        guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port),
            let address = parseAddress(String(entry[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        else { return nil }
        return Exception(address: address, port: port)
    }
}

extension OutboundPolicy {
    /// The administrator's exceptions as web origins (`http://127.0.0.1:8091`, a port of `*` when
    /// every port is allowed): where a page may also load the sandbox's PayTrace Protect from.
    public static var exceptionOrigins: [String] {
        exceptions.withLock { $0 }.flatMap { exception -> [String] in
            let host = exception.address.count == 16 ? "[\(addressText(exception.address))]" : addressText(exception.address)
            let port = exception.port.map(String.init) ?? "*"
            return ["http://\(host):\(port)", "https://\(host):\(port)"]
        }.sorted()
    }

    /// Whether `url` names, by address, one the platform administrator allowed although
    /// Clearline would not call it otherwise (a loopback or private address): the vendor
    /// sandbox, in practice. A vendor's real API is on public addresses and never is.
    public static func isPlatformException(url text: String) -> Bool {
        guard let components = URLComponents(string: text), let host = components.host,
            let address = parseAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        else { return false }
        let port = components.port ?? (components.scheme?.lowercased() == "http" ? 80 : 443)
        return restrictedKind(address) != nil && isAllowed(address: address, port: port)
    }
}
