import Foundation
public import Persistence
public import Domain
public import Connectors
import Logging
import Crypto
import HTTPServer
import Synchronization

/// Settings of the API that are not the HTTP server's.
public struct APIConfiguration: Sendable {
    /// Folder with the admin pages.
    public var publicDirectory: String
    /// The address users reach Clearline at; `https` turns on Secure cookies.
    public var publicURL: String?
    /// The SMTP relay alert e-mail goes through; nil when the administrator set none.
    public var mailRelay: MailRelay?
    /// PBKDF2 rounds for new password hashes.
    public var passwordIterations: Int
    public var loginLimits: LoginLimits
    /// Vendor calls inside requests (Test, Connect) at once, over all tenants: a quarter of 16
    /// executor threads, so three quarters always serve everything else.
    public var requestVendorCalls: Int
    /// The same, for one tenant.
    public var requestVendorCallsPerTenant: Int
    /// Wrong Sage Pro enrolment tokens allowed per connection and client address: five, and one
    /// more every twelve seconds. Past that the address gets 429 before its token is compared.
    public var agentTokenFailures: RateLimits.Limit
    /// How long a process keeps an API key it looked up. A revocation or a tenant's change of
    /// status reaches every process at once through NOTIFY; this bounds only a notice lost while
    /// the listening connection was down.
    public var credentialCacheLifetime: Duration

    public init(
        publicDirectory: String = "Public", publicURL: String? = nil, mailRelay: MailRelay? = nil,
        passwordIterations: Int = 600_000, loginLimits: LoginLimits = .init(), requestVendorCalls: Int = 4, requestVendorCallsPerTenant: Int = 2,
        agentTokenFailures: RateLimits.Limit = .init(perMinute: 5), credentialCacheLifetime: Duration = .seconds(30)
    ) {
        self.credentialCacheLifetime = credentialCacheLifetime
        self.agentTokenFailures = agentTokenFailures
        self.publicDirectory = publicDirectory
        self.publicURL = publicURL
        self.mailRelay = mailRelay
        self.passwordIterations = passwordIterations
        self.loginLimits = loginLimits
        self.requestVendorCalls = requestVendorCalls
        self.requestVendorCallsPerTenant = requestVendorCallsPerTenant
    }

    var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }
}

/// The long-lived services handlers share.
final class Services: Sendable {
    /// What routes read and write, through the store protocols.
    let stores: any DataStore
    /// The database itself, for what is not a route's data: intake's batched writes, the
    /// LISTEN connection, NOTIFY, the pool's figures.
    let database: Database
    let vault: Vault
    let configuration: APIConfiguration
    let passwords: PasswordHasher
    let metrics: Metrics
    let logger: Logger
    let accessLog: AccessLog
    let agentWakeups = AgentWakeups()
    let endpoints = EndpointCache()
    let credentials: CredentialCache
    let wakeThrottle = WakeThrottle(interval: .milliseconds(50))
    let events: EventBatcher
    let vendorCallSlots: OutboundCallSlots
    let callFlusher: VendorCallFlusher
    /// The HTTP server's executor, once the server runs (readiness reports it saturated).
    let executorLoad = Mutex<(@Sendable () -> ExecutorLoad)?>(nil)
    /// Verified against when a login names no user, so timing does not reveal which e-mails exist.
    let decoyPasswordHash: String

    init(database: Database, vault: Vault, configuration: APIConfiguration, logger: Logger) {
        self.database = database
        self.stores = PostgresDataStore(database: database, vault: vault)
        self.events = EventBatcher(database: database)
        self.credentials = CredentialCache(lifetime: configuration.credentialCacheLifetime)
        self.vault = vault
        self.configuration = configuration
        self.passwords = PasswordHasher(iterations: configuration.passwordIterations)
        self.metrics = Metrics()
        self.logger = logger
        self.accessLog = AccessLog(logger: logger)
        self.decoyPasswordHash = passwords.decoyHash()
        self.callFlusher = VendorCallFlusher(database: database, logger: logger)
        self.vendorCallSlots = OutboundCallSlots(total: configuration.requestVendorCalls, perTenant: configuration.requestVendorCallsPerTenant)
    }
}
