public import Domain

/// A `StoreSession` over one PostgreSQL transaction; secrets are sealed and opened with `vault`.
public struct PostgresStoreSession: StoreSession {
    public let tx: Transaction
    let vault: Vault

    public init(_ tx: Transaction, vault: Vault) {
        self.tx = tx
        self.vault = vault
    }

    public var apiKeys: any APIKeyRepository { PostgresAPIKeyRepository(tx: tx) }
    public var agentCommands: any AgentCommandRepository { PostgresAgentCommandRepository(tx: tx) }
    public var alerts: any AlertRepository { PostgresAlertRepository(tx: tx) }
    public var auditLog: any AuditLogRepository { PostgresAuditLogRepository(tx: tx) }
    public var connections: any ConnectionRepository { PostgresConnectionRepository(tx: tx, vault: vault) }
    public var dashboard: any DashboardRepository { PostgresDashboardRepository(tx: tx) }
    public var deployments: any DeploymentRepository { PostgresDeploymentRepository(tx: tx) }
    public var disputes: any DisputeRepository { PostgresDisputeRepository(tx: tx) }
    public var events: any EventRepository { PostgresEventRepository(tx: tx) }
    public var flows: any FlowRepository { PostgresFlowRepository(tx: tx) }
    public var idempotency: any IdempotencyRepository { PostgresIdempotencyRepository(tx: tx) }
    public var jobs: any JobRepository { PostgresJobRepository(tx: tx) }
    public var jobHistory: any JobHistoryRepository { PostgresJobHistoryRepository(tx: tx) }
    public var loginAttempts: any LoginAttemptRepository { PostgresLoginAttemptRepository(tx: tx) }
    public var oauthStates: any OAuthStateRepository { PostgresOAuthStateRepository(tx: tx) }
    public var paymentRequests: any PaymentRequestRepository { PostgresPaymentRequestRepository(tx: tx) }
    public var reconciliations: any ReconciliationRepository { PostgresReconciliationRepository(tx: tx) }
    public var schedules: any ScheduleRepository { PostgresScheduleRepository(tx: tx) }
    public var alertRoutes: any AlertRouteRepository { PostgresAlertRouteRepository(tx: tx, vault: vault) }
    public var fraudSettings: any FraudSettingsRepository { PostgresFraudSettingsRepository(tx: tx) }
    public var recurringPlans: any RecurringPlanRepository { PostgresRecurringPlanRepository(tx: tx) }
    public var cardRequests: any CardRequestRepository { PostgresCardRequestRepository(tx: tx) }
    public var runs: any RunRepository { PostgresRunRepository(tx: tx) }
    public var sessions: any SessionRepository { PostgresSessionRepository(tx: tx) }
    public var settlements: any SettlementRepository { PostgresSettlementRepository(tx: tx) }
    public var tenants: any TenantRepository { PostgresTenantRepository(tx: tx) }
    public var users: any UserRepository { PostgresUserRepository(tx: tx) }
    public var webhookEndpoints: any WebhookEndpointRepository { PostgresWebhookEndpointRepository(tx: tx, vault: vault) }
}
