public import Foundation
public import Domain
import Crypto

/// The wire protocol between Clearline and an on-premises Sage Pro agent
/// (../shared/reference/sage-pro.md A.6): the agent dials out, long-polls
/// `GET /agent/v1/connections/{id}/commands` for a batch, applies each command to Sage Pro and
/// posts the outcomes to `.../results`. No port is opened at the customer.
///
/// Both directions carry `Clearline-Signature` over the body with a key derived from the
/// connection's enrolment token, so the agent runs only batches Clearline issued (and not old
/// ones: the signature's time must be within five minutes), and Clearline accepts only results
/// from the agent. The bearer token authenticates the poll itself.
public enum SageAgentProtocol {
    public static let version = "1"

    /// The MAC key for both directions; the bearer token is never used as a MAC key itself.
    public static func signingKey(enrolmentToken: String) -> [UInt8] {
        Digest.hmacSHA256(key: Array(enrolmentToken.utf8), message: Array("clearline sage agent signing key v1".utf8))
    }

    public static func commandsPath(connectionId: UUID) -> String { "/agent/v1/connections/\(connectionId.uuidString.lowercased())/commands" }
    public static func resultsPath(connectionId: UUID) -> String { "/agent/v1/connections/\(connectionId.uuidString.lowercased())/results" }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// What a command asks of Sage Pro, and what it answers (see `SageProCompany` in the sandbox
    /// for the effects on the tables).
    public enum CommandType: String, Sendable, Codable, CaseIterable {
        /// `{}` → `{agent_version, company}`.
        case ping
        /// `{custno?, company, contact?, address1?, city?, state?, zip?, phone?, email?}` → `{custno}`.
        case upsertCustomer = "customer.upsert"
        /// `{custno, ponum?, lines: [{item, descrip?, qtyord, price}]}` → `{sono}`.
        case createSalesOrder = "sales_order.create"
        /// `{custno, ornum?, lines: [{item, descrip?, qty, price}], tax?}` → `{invno, balance}`.
        case createInvoice = "invoice.create"
        /// `{custno, invno?, amount, paydate, reference}` → `{receipt_no, invoice_balance}`, or without
        /// `invno` a payment on account → `{receipt_no, on_account: true}`.
        case postCashReceipt = "cash_receipt.post"
        /// `{date, reference, lines: [{account, debit?, credit?, descrip?}]}` → `{entry_no}`.
        case postJournal = "journal.post"
        /// A read, for reconciliation: `{from, to, after?, limit?}` (yyyy-MM-dd, inclusive) →
        /// `{receipts: [{receipt_no, custno, invno, amount, paydate (yyyy-MM-dd), reference}], next?}`
        /// from ARCASH, a page at a time (`limit` up to `readPageLimit`; `next` is the `after` of the
        /// next page, absent on the last).
        case listCashReceipts = "cash_receipt.list"
        /// A read: `{account, from, to, after?, limit?}` → `{lines: [{entry_no, account, debit,
        /// credit, reference, trandate}], next?}` from GLTRAN, the postings to one account in the
        /// period, paged the same way.
        case listLedger = "gl.list"

        /// A read, for due-invoice collections: `{due_by, after?, limit?}` (yyyy-MM-dd) → `{invoices:
        /// [{invno, custno, company, balance, duedate}], next?}` from ARMAST, the open invoices
        /// (a balance above zero) due on or before the day, paged like the other reads.
        case listOpenInvoices = "invoice.list_open"

        /// Reads change nothing in Pro, so they are answered afresh each time rather than from
        /// the crosswalk (which would answer a repeated read with a stale first answer).
        public var isRead: Bool { self == .ping || self == .listCashReceipts || self == .listLedger || self == .listOpenInvoices }
    }

    /// The most records a read answers at once: a page stays far below the request size
    /// Clearline accepts for results (1 MiB), whatever the period.
    public static let readPageLimit = 1_000

    /// Results are posted in parts of at most this many bytes (a part holds at least one result).
    public static let resultsPartBytes = 256 * 1024

    public struct Command: Sendable, Codable, Equatable {
        public let commandId: UUID
        public let type: String
        /// The same key on a redelivery or a retried job: what the agent deduplicates by.
        public let externalId: String
        public let delivery: Int
        public let payload: JSONValue

        public init(commandId: UUID, type: String, externalId: String, delivery: Int, payload: JSONValue) {
            self.commandId = commandId
            self.type = type
            self.externalId = externalId
            self.delivery = delivery
            self.payload = payload
        }

        enum CodingKeys: String, CodingKey {
            case commandId = "command_id", type, externalId = "external_id", delivery, payload
        }
    }

    public struct Batch: Sendable, Codable, Equatable {
        public let batchId: UUID
        public let connectionId: UUID
        public let issuedAt: Date
        /// After this the commands may be handed out again: results should arrive before it.
        public let leaseUntil: Date
        public let commands: [Command]

        public init(batchId: UUID, connectionId: UUID, issuedAt: Date, leaseUntil: Date, commands: [Command]) {
            self.batchId = batchId
            self.connectionId = connectionId
            self.issuedAt = issuedAt
            self.leaseUntil = leaseUntil
            self.commands = commands
        }

        enum CodingKeys: String, CodingKey {
            case batchId = "batch_id", connectionId = "connection_id", issuedAt = "issued_at", leaseUntil = "lease_until", commands
        }
    }

    public struct Failure: Error, Sendable, Codable, Equatable {
        /// `validation`, `not_found`, `duplicate`, `record_locked`, `unknown_command`, `internal`.
        public let code: String
        public let message: String
        /// Whether the same command may succeed later (a locked record, say).
        public let retryable: Bool

        public init(code: String, message: String, retryable: Bool) {
            self.code = code
            self.message = message
            self.retryable = retryable
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable { case succeeded, failed }
        public let commandId: UUID
        public let status: Status
        public let data: JSONValue?
        public let error: Failure?

        public static func succeeded(_ id: UUID, _ data: JSONValue) -> Result { Result(commandId: id, status: .succeeded, data: data, error: nil) }
        public static func failed(_ id: UUID, _ failure: Failure) -> Result { Result(commandId: id, status: .failed, data: nil, error: failure) }

        enum CodingKeys: String, CodingKey {
            case commandId = "command_id", status, data, error
        }
    }

    public struct Results: Sendable, Codable, Equatable {
        public let batchId: UUID
        public let results: [Result]

        public init(batchId: UUID, results: [Result]) {
            self.batchId = batchId
            self.results = results
        }

        enum CodingKeys: String, CodingKey {
            case batchId = "batch_id", results
        }
    }

    /// How a failed command's outcome is classified, as every connector classifies its failures.
    public static func classify(_ failure: Failure) -> ConnectorError {
        ConnectorError(
            failure.retryable ? .retryable : .permanent,
            "Sage Pro refused the command (\(ConnectorError.excerpt(failure.code, limit: 40))): \(ConnectorError.excerpt(failure.message))")
    }
}
