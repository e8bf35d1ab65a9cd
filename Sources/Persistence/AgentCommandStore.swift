public import Foundation
public import Domain

/// Commands for Sage Pro agents (see migration 0004), and what is known of each agent.
public enum AgentCommandStore {
    /// Notified with the connection id when a command is queued, so a parked long-poll wakes.
    public static let channel = "clearline_agent_commands"

    static let columns = """
        id, tenant_id, connection_id, type, external_id, payload::text AS payload, status, deliveries, lease_until,
        result::text AS result, error_code, error_message, retryable, created_at, completed_at
        """

    /// Queues a command once per `externalId`: asking again returns the first one, whatever its state.
    public static func enqueue(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID,
        type: String, externalId: String, payload: String
    ) throws -> AgentCommand {
        if let created = try tx.one(
            """
            INSERT INTO agent_commands (tenant_id, environment, connection_id, type, external_id, payload)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (connection_id, external_id) DO NOTHING RETURNING \(columns)
            """, [tenantId, environment.rawValue, connectionId, type, externalId, payload])
        {
            try tx.query("SELECT pg_notify($1, $2)", [channel, connectionId.lowercasedText])
            return try decode(created)
        }
        guard
            let existing = try tx.one(
                "SELECT \(columns) FROM agent_commands WHERE tenant_id = $1 AND connection_id = $2 AND external_id = $3",
                [tenantId, connectionId, externalId])
        else { throw DomainError.notFound("agent command") }
        return try decode(existing)
    }

    /// Hands out up to `limit` commands, oldest first: queued ones and delivered ones whose lease ran out.
    public static func claim(_ tx: Transaction, tenantId: UUID, connectionId: UUID, batchId: UUID, limit: Int, leaseSeconds: Int) throws -> [AgentCommand] {
        try tx.query(
            """
            WITH next AS (
              SELECT id AS next_id FROM agent_commands
              WHERE tenant_id = $1 AND connection_id = $2
                AND (status = 'queued' OR (status = 'delivered' AND lease_until < now()))
              ORDER BY created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
            UPDATE agent_commands c SET status = 'delivered', batch_id = $3, deliveries = deliveries + 1,
                   delivered_at = now(), lease_until = now() + make_interval(secs => $5)
            FROM next WHERE c.id = next.next_id RETURNING \(columns)
            """, [tenantId, connectionId, batchId, limit, leaseSeconds]
        ).map(decode).sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    /// Records an outcome; false when the command is not this connection's or already has one
    /// (a result posted twice changes nothing).
    public static func complete(_ tx: Transaction, tenantId: UUID, connectionId: UUID, commandId: UUID, outcome: AgentCommandOutcome) throws -> Bool {
        let status: AgentCommandStatus
        var result: String?
        var code: String?
        var message: String?
        var retryable: Bool?
        switch outcome {
        case .succeeded(let json): (status, result) = (.succeeded, json)
        case .failed(let failureCode, let failureMessage, let canRetry): (status, code, message, retryable) = (.failed, failureCode, failureMessage, canRetry)
        }
        return try !tx.query(
            """
            UPDATE agent_commands SET status = $4, result = $5::jsonb, error_code = $6, error_message = $7, retryable = $8,
                   completed_at = now(), lease_until = NULL
            WHERE tenant_id = $1 AND connection_id = $2 AND id = $3 AND status = 'delivered' RETURNING id
            """, [tenantId, connectionId, commandId, status.rawValue, result, code, message, retryable]
        ).isEmpty
    }

    /// Puts a command that failed for a passing reason (a locked record) back in the queue, under
    /// its same external id, so the agent's own ledger still keeps it from applying twice.
    public static func requeue(_ tx: Transaction, tenantId: UUID, id: UUID) throws {
        let connection = try tx.one(
            """
            UPDATE agent_commands SET status = 'queued', error_code = NULL, error_message = NULL, retryable = NULL, completed_at = NULL
            WHERE tenant_id = $1 AND id = $2 AND status = 'failed' AND retryable RETURNING connection_id
            """, [tenantId, id])
        if let connection { try tx.query("SELECT pg_notify($1, $2)", [channel, try connection.uuid("connection_id").lowercasedText]) }
    }

    /// The command queued under `externalId`, e.g. the one a flow step sent.
    public static func find(_ tx: Transaction, tenantId: UUID, connectionId: UUID, externalId: String) throws -> AgentCommand? {
        try tx.one(
            "SELECT \(columns) FROM agent_commands WHERE tenant_id = $1 AND connection_id = $2 AND external_id = $3", [tenantId, connectionId, externalId]
        ).map(decode)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> AgentCommand? {
        try tx.one("SELECT \(columns) FROM agent_commands WHERE tenant_id = $1 AND id = $2", [tenantId, id]).map(decode)
    }

    /// The tenant and environment of a live Sage Pro connection, for a request that names only the connection.
    public static func locate(_ database: Database, connectionId: UUID) throws -> (tenantId: UUID, environment: EnvironmentName)? {
        guard let row = try database.statement("SELECT * FROM clearline_locate_agent_connection($1)", [connectionId]).first,
            let environment = EnvironmentName(rawValue: try row.string("environment"))
        else { return nil }
        return (try row.uuid("tenant_id"), environment)
    }

    public static func recordSeen(_ tx: Transaction, tenantId: UUID, connectionId: UUID, version: String, host: String) throws {
        try tx.query(
            """
            INSERT INTO agent_presence (connection_id, tenant_id, last_seen_at, agent_version, agent_host) VALUES ($1, $2, now(), $3, $4)
            ON CONFLICT (connection_id) DO UPDATE SET last_seen_at = now(), agent_version = $3, agent_host = $4
            """, [connectionId, tenantId, String(version.prefix(100)), String(host.prefix(200))])
    }

    public static func recordRejected(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws {
        try tx.query(
            """
            INSERT INTO agent_presence (connection_id, tenant_id, last_rejected_at) VALUES ($1, $2, now())
            ON CONFLICT (connection_id) DO UPDATE SET last_rejected_at = now()
            """, [connectionId, tenantId])
    }

    public static func presence(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws -> AgentPresence? {
        try tx.one("SELECT * FROM agent_presence WHERE tenant_id = $1 AND connection_id = $2", [tenantId, connectionId]).map { row in
            AgentPresence(
                lastSeenAt: try row.optionalDate("last_seen_at"), agentVersion: row.optionalString("agent_version"),
                agentHost: row.optionalString("agent_host"), lastRejectedAt: try row.optionalDate("last_rejected_at"))
        }
    }

    static func decode(_ row: Row) throws -> AgentCommand {
        AgentCommand(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), connectionId: try row.uuid("connection_id"),
            type: try row.string("type"), externalId: try row.string("external_id"), payload: try row.string("payload"),
            status: try row.value("status"), deliveries: try row.int("deliveries"), leaseUntil: try row.optionalDate("lease_until"),
            result: row.optionalString("result"), errorCode: row.optionalString("error_code"), errorMessage: row.optionalString("error_message"),
            retryable: row.optionalString("retryable").map { $0 == "t" }, createdAt: try row.date("created_at"),
            completedAt: try row.optionalDate("completed_at"))
    }
}
