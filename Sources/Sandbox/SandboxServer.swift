import HTTPServer
public import Logging
import Foundation

typealias SandboxHandler = @Sendable (Request) -> Response

/// The loopback emulators of Clearline's vendors on one HTTP server: PayTrace under `/paytrace`,
/// Zoho Accounts under `/zoho/accounts`, Zoho Books, Inventory and CRM under `/zoho/api`, the
/// Sage Pro agents under `/_sandbox/sage`, and `/_sandbox/...` to inject faults, set Zoho's
/// quota and expire tokens. Paths no emulator serves, and injected faults, answer in the vendor's
/// own envelope (`VendorEnvelope`).
public final class SandboxServer: Sendable {
    public let payTrace: PayTraceEmulator
    public let zohoAccounts: ZohoAccountsEmulator
    public let faults = FaultInjector()
    public let sageAgents: SageAgents
    public let zohoWebhooks: ZohoWebhooks
    /// Zoho Books' and Inventory's quota for the sandbox organization (see `ZohoRateLimit`).
    public let zohoLimits: ZohoRateLimit
    /// The mailbox behind the sandbox's SMTP relay (alert e-mail), on a port of its own.
    let smtp: SMTPSink
    let smtpPortWanted: Int
    let http: HTTPServer

    /// Credentials the demo and the tests use; the emulator accepts no others.
    public static let demoPayTraceAccount = PayTraceEmulator.Account(username: "demo-api-user", password: "demo-api-password", integratorId: "DEMO00000001")
    public static let demoZohoClient = ZohoAccountsEmulator.Client(id: "1000.DEMOSANDBOXCLIENT", secret: "demo-zoho-client-secret")

    /// `zohoBaseCurrency`: the Books organization's base currency (USD, CAD or EUR).
    public init(
        host: String = "127.0.0.1", port: Int, payTrace: PayTraceEmulator = PayTraceEmulator(accounts: [SandboxServer.demoPayTraceAccount]),
        zohoBaseCurrency: String = "USD", smtpPort: Int = 0, logger: Logger
    ) {
        self.smtpPortWanted = smtpPort
        self.payTrace = payTrace
        let bound = BoundPort()
        let zohoAccounts = ZohoAccountsEmulator(clients: [Self.demoZohoClient], apiDomain: "")
        self.zohoAccounts = zohoAccounts
        var router = Router<SandboxHandler>()
        payTrace.routes(into: &router, prefix: "/paytrace")
        zohoAccounts.routes(into: &router, prefix: "/zoho/accounts") { "http://\(host):\(bound.port)/zoho/accounts" }
        let zohoWebhooks = ZohoWebhooks()
        self.zohoWebhooks = zohoWebhooks
        let zohoLimits = ZohoRateLimit()
        self.zohoLimits = zohoLimits
        let books = ZohoBooksEmulator(accounts: zohoAccounts, webhooks: zohoWebhooks, baseCurrency: zohoBaseCurrency, limits: zohoLimits)
        books.routes(into: &router, books: "/zoho/api/books/v3", inventory: "/zoho/api/inventory/v1")
        ZohoCRMEmulator(accounts: zohoAccounts).routes(into: &router, apiRoot: "/zoho/api")
        ShopReceiver().routes(into: &router)
        AlertWebhookSink().routes(into: &router)
        let faults = self.faults
        smtp = SMTPSink(faults: faults)
        smtp.routes(into: &router)
        sageAgents = SageAgents(faults: faults, logger: logger)
        sageAgents.routes(into: &router)
        SandboxSpoils(books: books, sageAgents: sageAgents).routes(into: &router)
        router.add("POST", "/_sandbox/faults") { request in Self.injectFault(request, into: faults) }
        let limits = zohoLimits
        // `{"daily_quota": N, "per_minute": M}`: Books' limits, as a plan would set them.
        router.add("POST", "/_sandbox/zoho/limits") { request in
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            guard let quota = object["daily_quota"] as? Int, quota > 0 else {
                return SandboxResponses.json(400, ["error": "send daily_quota, a positive integer"])
            }
            limits.configure(ZohoRateLimit.Settings(dailyQuota: quota, perMinute: object["per_minute"] as? Int))
            return SandboxResponses.json(200, ["daily_quota": quota, "per_minute": object["per_minute"] ?? NSNull()])
        }
        router.add("POST", "/_sandbox/paytrace/expire-tokens") { _ in
            payTrace.expireAllTokens()
            return SandboxResponses.json(200, ["expired": true])
        }
        let routes = router
        http = HTTPServer(
            configuration: .init(host: host, port: port, threads: 2, executorThreads: 8), logger: logger,
            oversized: { _ in SandboxResponses.json(413, ["error": "too large"]) },
            // A vendor call is answered on the thread that read it: the emulators hold their
            // state in memory and never wait, and handing each call to an executor thread and
            // back cost two thread wake-ups a call, which on a busy machine were most of a call's
            // time (bench/flows). What may wait goes to the executor: a call a fault makes sleep,
            // and the sandbox's own controls (starting and stopping Sage agents).
            inline: { request in
                guard !request.path.hasPrefix("/_sandbox/"), !faults.mayDelay(Self.service(of: request.path)) else { return nil }
                return Self.route(request, routes, faults)
            }
        ) { request in
            Self.route(request, routes, faults)
        }
        self.bound = bound
    }

    private let bound: BoundPort

    public func start() throws {
        try smtp.start(host: "127.0.0.1", port: smtpPortWanted)
        try http.start()
        bound.port = http.port
        zohoAccounts.apiDomain = "http://127.0.0.1:\(http.port)/zoho/api"
    }
    public var port: Int { http.port }
    /// The SMTP relay's port (`smtp://127.0.0.1:<port>`), known once started.
    public var smtpPort: Int { smtp.port }
    public var baseURL: String { "http://127.0.0.1:\(http.port)" }
    public func shutdown() {
        sageAgents.stopAll()
        smtp.stop()
        http.shutdown(gracePeriod: .seconds(2))
    }

    /// The port, known only once listening (port 0 picks one); the accounts emulator names itself with it.
    final class BoundPort: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var port: Int {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    static func route(_ request: Request, _ router: Router<SandboxHandler>, _ faults: FaultInjector) -> Response {
        let envelope = VendorEnvelope(path: request.path)
        // Zoho serves `/invoices/` as `/invoices`; the router matches segments exactly.
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let route: Router<SandboxHandler>.Route
        var request = request
        switch router.match(method: request.method, path: path) {
        case .found(let found, let parameters):
            route = found
            request.pathParameters = parameters
            request.routePattern = found.pattern
        case .methodNotAllowed(let allowed): return envelope.methodNotAllowed(allowed)
        case .notFound: return envelope.notFound(request.path)
        }
        // Zoho's accounts server is a host of its own (accounts.zoho.com, not www.zohoapis.com):
        // its own fault service, so chaos on Zoho's APIs does not throttle token refreshes.
        let service = service(of: request.path)
        if service != "_sandbox", let fault = faults.next(for: service, write: request.method != "GET") {
            switch fault {
            case .status(let status, let retryAfter):
                return envelope.fault(status: status, retryAfter: retryAfter)
            case .timeout(let seconds):
                Thread.sleep(forTimeInterval: seconds)
                return envelope.gatewayFailure(status: 504)
            case .dropAfterCommit:
                // The work is done; the caller never learns it.
                _ = route.handler(request)
                return envelope.gatewayFailure(status: 502)
            case .slow(let seconds):
                Thread.sleep(forTimeInterval: seconds)
            }
        }
        return route.handler(request)
    }

    /// The service a path's faults are injected for.
    static func service(of path: String) -> String {
        path.hasPrefix("/zoho/accounts/") ? "zoho-accounts" : path.split(separator: "/").first.map(String.init) ?? ""
    }

    /// `{"service": "paytrace", "mode": "429" | "500" | "503" | "timeout" | "drop" | "slow", "count": N, "retry_after": S, "seconds": S}`
    static func injectFault(_ request: Request, into faults: FaultInjector) -> Response {
        let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let service = object["service"] as? String, let mode = object["mode"] as? String else {
            return SandboxResponses.json(400, ["error": "send service and mode"])
        }
        let count = (object["count"] as? Int) ?? 1
        let fault: FaultInjector.Fault
        switch mode {
        case "timeout": fault = .timeout(seconds: (object["seconds"] as? Double) ?? 30)
        case "drop": fault = .dropAfterCommit
        case "slow": fault = .slow(seconds: (object["seconds"] as? Double) ?? 1)
        default:
            guard let status = Int(mode), (400...599).contains(status) else { return SandboxResponses.json(400, ["error": "unknown mode \(mode)"]) }
            fault = .status(status, retryAfter: object["retry_after"] as? Int)
        }
        faults.inject(fault, service: service, count: max(1, count))
        return SandboxResponses.json(200, ["injected": count, "service": service, "mode": mode])
    }
}
