public import Foundation
public import Domain

/// Card requests (migration 0043): links for customers to put a card on file through PayTrace's
/// hosted fields.
public enum CardRequestStore {
    static let columns = """
        id, environment, connection_id, customer_id, contact_connection_id, contact_id, secret_hash, status, outcome, masked_card_number,
        expires_at, completed_at, created_at, updated_at
        """

    public static func create(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, customerId: String, contactConnectionId: UUID,
        contactId: String, secretHash: String, expiresAt: Date
    ) throws -> CardRequest {
        guard
            let row = try tx.one(
                """
                INSERT INTO card_requests (tenant_id, environment, connection_id, customer_id, contact_connection_id, contact_id, secret_hash, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(columns)
                """, [tenantId, environment.rawValue, connectionId, customerId, contactConnectionId, contactId, secretHash, expiresAt])
        else { throw PostgresError(kind: .decoding, message: "the new card request was not returned") }
        return try decode(row)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> CardRequest? {
        try tx.one(
            "SELECT \(columns) FROM card_requests WHERE tenant_id = $1 AND ($2::text IS NULL OR environment = $2) AND id = $3",
            [tenantId, environment?.rawValue, id]
        ).map(decode)
    }

    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, status: CardRequest.Status?, search: String?, after cursor: PageCursor?,
        limit: Int
    ) throws -> Page<CardRequest> {
        try Paging.fetch(
            tx,
            """
            SELECT \(columns) FROM card_requests WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR status = $3)
              AND ($4::text IS NULL OR customer_id ILIKE $4)
            """,
            [tenantId, environment.rawValue, status?.rawValue, SearchPattern.containing(search)], after: cursor, limit: limit, descending: true,
            decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func complete(
        _ tx: Transaction, tenantId: UUID, id: UUID, outcome: CardRequest.Outcome, maskedCardNumber: String?, now: Date
    ) throws -> CardRequest? {
        try tx.one(
            """
            UPDATE card_requests SET status = 'completed', outcome = $3, masked_card_number = $4, completed_at = $5, updated_at = $5
            WHERE tenant_id = $1 AND id = $2 AND status = 'open' RETURNING \(columns)
            """, [tenantId, id, outcome.rawValue, maskedCardNumber, now]
        ).map(decode)
    }

    public static func cancel(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> CardRequest? {
        try tx.one(
            """
            UPDATE card_requests SET status = 'cancelled', updated_at = now()
            WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND status = 'open' RETURNING \(columns)
            """, [tenantId, environment.rawValue, id]
        ).map(decode)
    }

    static func decode(_ row: Row) throws -> CardRequest {
        CardRequest(
            id: try row.uuid("id"), environment: try row.value("environment"), connectionId: try row.uuid("connection_id"),
            customerId: try row.string("customer_id"), contactConnectionId: try row.uuid("contact_connection_id"), contactId: try row.string("contact_id"),
            secretHash: try row.string("secret_hash"), status: try row.value("status"),
            outcome: row.optionalString("outcome").flatMap(CardRequest.Outcome.init(rawValue:)), maskedCardNumber: row.optionalString("masked_card_number"),
            expiresAt: try row.date("expires_at"), completedAt: try row.optionalDate("completed_at"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}
