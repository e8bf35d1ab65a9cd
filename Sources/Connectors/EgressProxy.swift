import Foundation
import Synchronization
import Crypto
import Domain

/// The one way out for https. URLSession (libcurl underneath) resolves a name again itself after
/// `OutboundGuard` checked it, and on Linux it takes no resolver or pinned address; it does take
/// a proxy from `https_proxy`. So every https call this process makes goes through this CONNECT
/// proxy on loopback, which resolves the name itself, judges the addresses by `OutboundPolicy`,
/// and connects to the address it judged. A name that answered with a public address for the
/// check and with 127.0.0.1 for the call (DNS rebinding) is refused at the connection itself.
/// TLS stays end to end: the proxy passes bytes, and the certificate is checked for the name.
///
/// Plain http needs no proxy: the policy lets it go only to addresses the administrator lists,
/// never to a name, so nothing is resolved twice.
public final class EgressProxy: Sendable {
    public let port: Int
    /// `Proxy-Authorization` a client must send: other local users cannot use it as a relay.
    let authorization: String
    private let credentials: String
    private let listener: Int32
    private let onRefusal: @Sendable (String) -> Void
    private let counts = Mutex<(refused: Int, open: Int)>((0, 0))
    /// Tunnels open at once past which a new one is turned away (each holds a thread).
    static let maxTunnels = 1024

    private static let installed = Mutex<EgressProxy?>(nil)

    /// Starts the proxy and points this process's https calls at it; once per process (later
    /// calls return the same proxy). Call at start-up, before threads that make calls: the
    /// environment is the only setting libcurl reads, and changing it races with reading it.
    public static func install(onRefusal: @escaping @Sendable (String) -> Void) throws -> EgressProxy {
        try installed.withLock { current in
            if let current { return current }
            let proxy = try EgressProxy(onRefusal: onRefusal)
            let url = "http://\(proxy.credentials)@127.0.0.1:\(proxy.port)"
            // libcurl reads the lower-case name first; a no_proxy list would let names past it.
            for name in ["https_proxy", "HTTPS_PROXY"] { setenv(name, url, 1) }
            for name in ["no_proxy", "NO_PROXY"] { unsetenv(name) }
            current = proxy
            return proxy
        }
    }

    private init(onRefusal: @escaping @Sendable (String) -> Void) throws {
        self.onRefusal = onRefusal
        credentials = "clearline:" + Encoding.hex(SecureRandom.bytes(16))
        authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        (listener, port) = try EgressSockets.listenOnLoopback()
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "egress-proxy"
        thread.start()
    }

    /// Connections refused so far because of where they would have gone.
    public var refusedCount: Int { counts.withLock { $0.refused } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
                    continue
                }
                return
            }
            let admitted = counts.withLock { counts -> Bool in
                guard counts.open < Self.maxTunnels else { return false }
                counts.open += 1
                return true
            }
            guard admitted else {
                EgressSockets.sendAll(client, Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".utf8))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                EgressTunnel(client: client, proxy: self).run()
                close(client)
                counts.withLock { $0.open -= 1 }
            }
            thread.name = "egress-tunnel"
            thread.stackSize = 256 << 10
            thread.start()
        }
    }

    func refused(_ reason: String) {
        counts.withLock { $0.refused += 1 }
        onRefusal(reason)
    }
}
