public import HTTPServer
public import Logging
import Foundation
public import Persistence
import Domain
import Synchronization

/// The Clearline API: routes, middleware and error mapping, as one `HTTPServer.Handler`.
public final class App: Sendable {
    let services: Services
    let router: Router<Endpoint>
    let staticFiles: StaticFiles
    /// The metrics of answers that no endpoint gave, and of the admin pages' files.
    private let unmatched: Metrics.Series
    private let staticFile: Metrics.Series

    public init(database: Database, vault: Vault, configuration: APIConfiguration, logger: Logger) {
        let services = Services(database: database, vault: vault, configuration: configuration, logger: logger)
        self.services = services
        var router = Router<Endpoint>()
        for var endpoint in Self.endpoints {
            endpoint.series = services.metrics.series(for: endpoint.pattern)
            router.add(endpoint.method, endpoint.pattern, endpoint)
        }
        self.router = router
        unmatched = services.metrics.series(for: "unmatched")
        staticFile = services.metrics.series(for: "static")
        staticFiles = StaticFiles(directory: configuration.publicDirectory)
        if staticFiles.isEmpty {
            logger.warning("no admin pages found", metadata: ["public_directory": .string(configuration.publicDirectory)])
        }
    }

    static let endpoints: [Endpoint] =
        OperationsRoutes.endpoints + AuthRoutes.endpoints + TenantRoutes.endpoints
        + EnvironmentRoutes.endpoints + APIKeyRoutes.endpoints + UserRoutes.endpoints + AuditLogRoutes.endpoints
        + ConnectionRoutes.endpoints + ConnectionCheckRoute.endpoints + ZohoOAuthRoutes.endpoints + AgentRoutes.endpoints
        + WebhookEndpointRoutes.endpoints + IntakeRoute.endpoints + EventRoutes.endpoints + DeadLetterRoutes.endpoints
        + FlowCatalogRoutes.endpoints + FlowRoutes.endpoints + FlowVersionRoutes.endpoints + DeploymentRoutes.endpoints + RunRoutes.endpoints
        + ChargebackRoutes.endpoints + PaymentRequestRoutes.endpoints + RecurringPlanRoutes.endpoints + CardRequestRoutes.endpoints + CardLinkRoutes.endpoints
        + ScheduleRoutes.endpoints + AlertRoutes.endpoints
        + AlertRouteRoutes.endpoints + FraudSettingsRoutes.endpoints
        + SettlementRoutes.endpoints
        + SettlementStatementRoutes.endpoints
        + FeeScheduleRoutes.endpoints + ReconciliationRoutes.endpoints + ReconciliationFindingRoutes.endpoints + ReconciliationRepairRoutes.endpoints
        + DashboardRoutes.endpoints + DemoTransactionRoutes.endpoints + AlertIncidentRoutes.endpoints

    /// Listens for the database's notices (queued agent commands, changed webhook endpoints); call
    /// once the server runs.
    public func startNotifications() {
        let wakeups = services.agentWakeups
        let endpoints = services.endpoints, credentials = services.credentials
        let listener = PostgresListener(
            conninfo: services.database.pool.conninfo, channels: [AgentCommandStore.channel, WebhookEndpointStore.channel, APIKeyStore.channel],
            logger: services.logger,
            onReconnect: {
                wakeups.notifyAll(); endpoints.invalidateAll(); credentials.invalidateAll()
            }
        ) { notification in
            if notification.channel == APIKeyStore.channel { return credentials.invalidate(notice: notification.payload) }
            guard let id = UUID(text: notification.payload) else { return }
            if notification.channel == WebhookEndpointStore.channel { endpoints.invalidate(id) } else { wakeups.notify(id) }
        }
        listener.start()
        listeners.withLock { $0.append(listener) }
        let throttle = services.wakeThrottle, database = services.database
        let timer = Thread { [self] in
            while !stopping.withLock({ $0 }) {
                Thread.sleep(forTimeInterval: 0.05)
                throttle.settle { _ = try? database.statement("SELECT pg_notify($1, '')", [JobQueue.channel]) }
            }
        }
        timer.name = "wake-settler"
        timer.start()
        // The vendor calls made inside requests (Test, Connect Zoho, Silent Post confirmations).
        services.callFlusher.start()
    }

    /// Lets readiness see the executor's load; call once the server is made.
    public func watchExecutor(_ load: @escaping @Sendable () -> ExecutorLoad) {
        services.executorLoad.withLock { $0 = load }
    }

    private let stopping = Mutex(false)

    /// Answers parked long polls and stops listening; call before the HTTP server's shutdown.
    public func shutdown() {
        stopping.withLock { $0 = true }
        services.agentWakeups.shutdown()
        for listener in listeners.withLock({ list in
            defer { list = [] }; return list
        }) { listener.stop() }
        services.callFlusher.shutdown()
    }

    private let listeners = Mutex<[PostgresListener]>([])

    /// Every (method, pattern) the server answers, for the contract test against openapi.yaml.
    public var routes: [(method: String, pattern: String)] { router.routes.map { ($0.method, $0.pattern) } }

    /// Answers on the HTTP polling thread what needs no database: health, metrics, static pages,
    /// unknown routes, and intake's deliveries for a cached endpoint (answered by the batch
    /// writer). Nil means "hand this request to the executor" (`handle`).
    public func respondInline(_ request: inout Request) -> Response? {
        let started = DispatchTime.now().uptimeNanoseconds
        switch router.match(method: request.method, path: request.path) {
        case .found(let matched, let parameters) where !matched.handler.inline && matched.handler.fastPath == nil:
            request.matchedRoute = matched
            request.pathParameters = parameters
            return nil
        case let match:
            return respond(&request, match, started: started, inline: true)
        }
    }

    /// Answers any request; may block on the database.
    public func handle(_ request: Request) -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var request = request
        let match: Router<Endpoint>.Match =
            if let route = request.matchedRoute as? Router<Endpoint>.Route {
                .found(route, parameters: request.pathParameters)
            } else {
                router.match(method: request.method, path: request.path)
            }
        return respond(&request, match, started: started, inline: false)!
    }

    /// Nil only when `inline` and the endpoint's fast path declined. The route's parameters are
    /// written into the request itself: a routed copy of it was four more retains and releases.
    private func respond(_ request: inout Request, _ match: Router<Endpoint>.Match, started: UInt64, inline: Bool) -> Response? {
        let requestId = RequestID.of(request)
        var route = unmatched
        var principalLabel = "-"
        let response: Response
        switch match {
        case .found(let matched, _) where !request.repeatedQueryNames.isEmpty:
            // `?q=a&q=b` has no one meaning here (no parameter is a list): refused, not guessed.
            route = series(of: matched)
            let names = request.repeatedQueryNames.sorted().joined(separator: ", ")
            response = Problem.badRequest("The query parameter \(names) is given more than once; give each once.").response(
                requestId: requestId, path: request.path)
        case .found(let matched, let parameters):
            route = series(of: matched)
            request.pathParameters = parameters
            request.routePattern = matched.pattern
            let answered: Response?
            (answered, principalLabel) = run(matched.handler, request, requestId: requestId, inline: inline)
            guard let answered else { return nil }
            response = answered
        case .methodNotAllowed(let allowed):
            var problem = Problem(status: 405, title: "Method not allowed", detail: "\(request.method) is not supported here.")
            problem.headers = [("Allow", allowed.joined(separator: ", "))]
            response = problem.response(requestId: requestId, path: request.path)
        case .notFound:
            if let file = staticFiles.response(for: request) {
                route = staticFile
                response = file
            } else {
                response = Problem.notFound("No route for \(request.method) \(request.path).").response(requestId: requestId, path: request.path)
            }
        }
        return finish(response, request, route: route, principal: principalLabel, requestId: requestId, started: started)
    }

    private func series(of route: Router<Endpoint>.Route) -> Metrics.Series {
        route.handler.series ?? services.metrics.series(for: route.pattern)
    }

    /// Headers, metrics and the log line, once the answer is final (a parked long poll is
    /// counted when it answers).
    private func finish(
        _ response: Response, _ request: Request, route: Metrics.Series, principal principalLabel: String,
        requestId: String, started: UInt64
    ) -> Response {
        var response = response
        if let deferred = response.deferred {
            response.deferred = Deferred(wait: deferred.wait) { [self] in
                finish(deferred.resume(), request, route: route, principal: principalLabel, requestId: requestId, started: started)
            }
            return response
        }
        if let pending = response.pending {
            response.pending = Pending { [self] respond in
                pending.start { respond(self.finish($0, request, route: route, principal: principalLabel, requestId: requestId, started: started)) }
            }
            return response
        }
        // Handlers never set the request id. An API answer is data, never a page; the admin
        // pages' files set their own cache and safety headers.
        response.added = Response.AddedHeaders(
            requestId: requestId, noStore: response.header("Cache-Control") == nil, dataOnly: response.header("X-Content-Type-Options") == nil)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        services.metrics.observe(method: request.method, series: route, status: response.status, seconds: Double(elapsed) / 1e9)
        services.accessLog.record(
            AccessLogEntry(
                at: Date(), label: services.accessLog.label, requestId: requestId, method: request.method, path: request.path, route: route.route,
                status: response.status, bytes: response.body.count, micros: elapsed / 1000, principal: principalLabel,
                client: request.clientAddress))
        return response
    }

    /// The answer for a body over the size limit, sent before the body is read.
    public func payloadTooLarge(_ request: Request, limit: Int) -> Response {
        let requestId = RequestID.of(request)
        var response = Problem(status: 413, title: "Payload too large", detail: "The request body exceeds \(limit) bytes.")
            .response(requestId: requestId, path: request.path)
        response.setHeader("X-Request-Id", requestId)
        response.setHeader("Connection", "close")
        services.metrics.observe(method: request.method, route: "oversized", status: 413, seconds: 0)
        return response
    }

    /// With `inline`, runs the endpoint's fast path if it has one (nil: it declined).
    private func run(_ endpoint: Endpoint, _ request: Request, requestId: String, inline: Bool) -> (Response?, String) {
        var label = "-"
        do {
            var principal: Principal?
            if endpoint.access != .anonymous {
                principal = try Authenticator.authenticate(request, services: services)
                guard let principal else { throw Problem.unauthorized }
                label = principal.label
                try authorize(endpoint, request, principal)
                try Authenticator.checkCSRF(request, principal: principal)
            }
            let context = RequestContext(request: request, requestId: requestId, principal: principal, services: services)
            let response: Response
            if inline, let fastPath = endpoint.fastPath {
                return (try fastPath(context), label)
            } else if endpoint.idempotent, let principal {
                response = try Idempotency.run(endpoint, context, principal: principal)
            } else {
                response = try endpoint.handler(context)
            }
            return (response, label)
        } catch {
            let problem = ErrorMapping.problem(for: error, requestId: requestId, logger: services.logger)
            return (problem.response(requestId: requestId, path: request.path), label)
        }
    }

    /// Tenant scope first (someone else's tenant does not exist for you: 404), then role.
    private func authorize(_ endpoint: Endpoint, _ request: Request, _ principal: Principal) throws {
        switch endpoint.access {
        case .anonymous, .authenticated:
            return
        case .platformAdmin:
            guard principal.isPlatformAdmin else {
                // Another tenant's id under a platform route is as invisible as on any other route.
                if let text = request.pathParameters["tenantId"], UUID(text: text).flatMap(principal.role(in:)) == nil {
                    throw Problem.notFound("No such tenant.")
                }
                throw Problem.forbidden("This operation is for platform administrators.")
            }
        case .tenant(let needed):
            guard let text = request.pathParameters["tenantId"], let tenantId = UUID(text: text),
                let role = principal.role(in: tenantId)
            else { throw Problem.notFound("No such tenant.") }
            guard role >= needed else {
                throw Problem.forbidden("Your role (\(role.rawValue)) cannot do this; it needs \(needed.rawValue) or higher.")
            }
        }
    }
}
