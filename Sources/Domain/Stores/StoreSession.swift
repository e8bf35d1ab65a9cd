/// The stores of one transaction: what the API reads and writes, each through its protocol. A
/// session commits as a whole when its transaction does, so several writes and their audit line
/// land together or not at all.
public protocol StoreSession {
    var apiKeys: any APIKeyRepository { get }
    var agentCommands: any AgentCommandRepository { get }
    var alerts: any AlertRepository { get }
    var alertRoutes: any AlertRouteRepository { get }
    var fraudSettings: any FraudSettingsRepository { get }
    var auditLog: any AuditLogRepository { get }
    var connections: any ConnectionRepository { get }
    var dashboard: any DashboardRepository { get }
    var deployments: any DeploymentRepository { get }
    var disputes: any DisputeRepository { get }
    var events: any EventRepository { get }
    var flows: any FlowRepository { get }
    var idempotency: any IdempotencyRepository { get }
    var jobs: any JobRepository { get }
    var jobHistory: any JobHistoryRepository { get }
    var loginAttempts: any LoginAttemptRepository { get }
    var oauthStates: any OAuthStateRepository { get }
    var paymentRequests: any PaymentRequestRepository { get }
    var reconciliations: any ReconciliationRepository { get }
    var recurringPlans: any RecurringPlanRepository { get }
    var cardRequests: any CardRequestRepository { get }
    var schedules: any ScheduleRepository { get }
    var runs: any RunRepository { get }
    var sessions: any SessionRepository { get }
    var settlements: any SettlementRepository { get }
    var tenants: any TenantRepository { get }
    var users: any UserRepository { get }
    var webhookEndpoints: any WebhookEndpointRepository { get }
}
