public import Foundation
import Domain
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A PayTrace v1 reply's envelope (reference section 2), with the transaction id when there is one.
public struct PayTraceReply: Sendable {
    public let success: Bool
    public let responseCode: Int
    public let statusMessage: String
    public let transactionId: Int?
    /// The whole JSON body, for the fields a caller needs beyond the envelope.
    public let body: Data

    public var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

/// One transaction as the export endpoints list it; the card number is masked by PayTrace.
public struct PayTraceExportedTransaction: Sendable, Equatable {
    public let transactionId: Int
    public let type: String
    public let amount: Decimal
    public let status: String
    public let maskedCardNumber: String?
    /// PayTrace's own text, "M/D/YYYY h:mm:ss AM", with no time zone.
    public let createdAt: String
    public let settledAt: String?
    public let invoiceId: String?
    public let customerId: String?
    /// The settlement batch, once settled (sandbox field; see `PayTraceBatch`).
    public let batchNumber: Int?

    /// The same transaction as it stood before a later change (a sale before its void, say).
    public func withStatus(_ status: String) -> PayTraceExportedTransaction {
        PayTraceExportedTransaction(
            transactionId: transactionId, type: type, amount: amount, status: status, maskedCardNumber: maskedCardNumber, createdAt: createdAt,
            settledAt: settledAt, invoiceId: invoiceId, customerId: customerId, batchNumber: batchNumber)
    }

    /// The same transaction with another masked card number (one showing its BIN, say).
    public func masked(_ number: String?) -> PayTraceExportedTransaction {
        PayTraceExportedTransaction(
            transactionId: transactionId, type: type, amount: amount, status: status, maskedCardNumber: number ?? maskedCardNumber, createdAt: createdAt,
            settledAt: settledAt, invoiceId: invoiceId, customerId: customerId, batchNumber: batchNumber)
    }
}

extension PayTraceClient {
    /// POSTs `body` (plus `integrator_id`) to `path` with a bearer token; on `invalid_token`
    /// asks for a new token once and tries again. Declines are replies, not errors; validation
    /// failures are permanent errors carrying PayTrace's codes and messages.
    public func call(_ path: String, _ body: [String: Any]) throws -> PayTraceReply {
        var reply = try send(path, body, token: accessToken())
        if reply.status == 401 {
            tokens.invalidate(cacheKey)
            reply = try send(path, body, token: accessToken())
            if reply.status == 401 { throw ConnectorError(.authentication, "PayTrace refused a fresh access token (invalid_token).") }
        }
        if reply.status == 429 || reply.status >= 500,
            let failure = ConnectorError.forStatus(reply.status, vendor: "PayTrace", retryAfter: reply.header("retry-after"))
        {
            throw failure
        }
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        if let errors = object["errors"] as? [String: [String]], !errors.isEmpty {
            let text = errors.keys.sorted().map { "\($0) \(errors[$0]!.joined(separator: " "))" }.joined(separator: "; ")
            throw ConnectorError(.permanent, "PayTrace rejected the request: \(ConnectorError.excerpt(text))")
        }
        if let failure = ConnectorError.forStatus(reply.status, vendor: "PayTrace", retryAfter: nil) { throw failure }
        return PayTraceReply(
            success: object["success"] as? Bool ?? false, responseCode: object["response_code"] as? Int ?? 0,
            statusMessage: object["status_message"] as? String ?? "", transactionId: object["transaction_id"] as? Int, body: reply.body)
    }

    public func void(transactionId: Int) throws -> PayTraceReply {
        try call("v1/transactions/void", ["transaction_id": transactionId])
    }

    /// Captures an authorization, in full or `amount` of it (112; 816 when there is nothing to capture).
    public func capture(transactionId: Int, amount: Decimal? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["transaction_id": transactionId]
        if let amount { body["amount"] = NSDecimalNumber(decimal: amount).stringValue }
        return try call("v1/transactions/authorization/capture", body)
    }

    /// A refund of a settled transaction, in full or of `amount`.
    public func refund(transactionId: Int, amount: Decimal? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["transaction_id": transactionId]
        if let amount { body["amount"] = NSDecimalNumber(decimal: amount).stringValue }
        return try call("v1/transactions/refund/for_transaction", body)
    }

    /// Transactions created between two days (inclusive, MM/DD/YYYY), narrowed by PayTrace's own filters:
    /// `includingText` searches a transaction's text (its invoice id among it), which is how a
    /// caller finds out, before trying again, whether an earlier attempt was made.
    public func exportTransactions(
        from start: String, to end: String, includingText: String? = nil, customerId: String? = nil, type: String? = nil, includeBin: Bool = false
    ) throws -> [PayTraceExportedTransaction] {
        var body: [String: Any] = ["start_date": start, "end_date": end]
        if includeBin { body["include_bin"] = true }
        body["including_text"] = includingText
        body["customer_id"] = customerId
        body["transaction_type"] = type
        return Self.transactions(in: try call("v1/transactions/export/by_date_range", body))
    }

    /// One transaction as PayTrace's export has it, or nil when PayTrace does not know it (811).
    public func transaction(id: Int) throws -> PayTraceExportedTransaction? {
        do {
            return Self.transactions(in: try call("v1/transactions/export/by_id", ["transaction_id": id])).first
        } catch let error as ConnectorError where error.kind == .permanent && error.message.contains("811") {
            return nil
        }
    }

    /// A vault sale: the card on file of `customerId`.
    public func sale(customerId: String, amount: Decimal, invoiceId: String? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["customer_id": customerId, "amount": NSDecimalNumber(decimal: amount).stringValue]
        if let invoiceId { body["invoice_id"] = invoiceId }
        return try call("v1/transactions/sale/by_customer", body)
    }

    /// A vault authorization: the amount held on the card on file of `customerId`, captured later.
    public func authorize(customerId: String, amount: Decimal, invoiceId: String? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["customer_id": customerId, "amount": NSDecimalNumber(decimal: amount).stringValue]
        if let invoiceId { body["invoice_id"] = invoiceId }
        return try call("v1/transactions/authorization/by_customer", body)
    }

    /// Export records as Clearline reads them; `batchNumber` when they came from a batch's list
    /// (an export record does not name its batch).
    static func transactions(in reply: PayTraceReply, batchNumber: Int? = nil) -> [PayTraceExportedTransaction] {
        let items = reply.object["transactions"] as? [[String: Any]] ?? []
        return items.compactMap { item in
            guard let id = item["transaction_id"] as? Int, let type = item["transaction_type"] as? String else { return nil }
            let created = (item["created"] as? [String: Any])?["at"] as? String ?? ""
            let settled = (item["settled"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            let invoice = (item["invoice_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            let customer = (item["customer_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            return PayTraceExportedTransaction(
                transactionId: id, type: type, amount: decimal(item["amount"]) ?? 0, status: status(item, settled: settled),
                maskedCardNumber: (item["credit_card"] as? [String: Any])?["masked_number"] as? String,
                createdAt: created, settledAt: settled, invoiceId: invoice, customerId: customer, batchNumber: batchNumber)
        }
    }

    /// Where a transaction stands, from the export's documented fields (PayTrace exports no
    /// status of their own): its latest outcome (`status_code` 109 voided, 102 declined), and
    /// `settled` once it has.
    static func status(_ item: [String: Any], settled: String?) -> String {
        let code = (item["status_code"] as? Int) ?? Int("\(item["status_code"] ?? "")")
        switch code {
        case 109?: return "VOIDED"
        case 102?, 103?: return "DECLINED"
        default: break
        }
        if settled != nil { return "SETTLED" }
        if item["transaction_type"] as? String == "AUTHORIZATION", code == 101 { return "AUTHORIZED" }
        return "PENDING_SETTLEMENT"
    }

    /// PayTrace sends amounts as JSON numbers; read through their decimal text, never Double arithmetic.
    static func decimal(_ value: Any?) -> Decimal? { Money.decimal(fromJSON: value) }

    private func send(_ path: String, _ body: [String: Any], token: String) throws -> HTTPTransport.Reply {
        var payload = body
        if let integrator = credentials.integratorId { payload["integrator_id"] = integrator }
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        // PayTrace wants "Bearer" capitalised although its token_type says "bearer".
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: payload)
        return try transport.send(request, vendor: "PayTrace")
    }
}
