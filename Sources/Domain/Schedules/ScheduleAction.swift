public import Foundation

/// What a schedule does at each slot besides recording its event for the deployed flows.
public enum ScheduleAction: Sendable, Equatable {
    /// The Zoho Books or Sage Pro invoices due by the slot's day (in the schedule's time zone)
    /// whose customer has a PayTrace vault profile become payment requests; each approved charge
    /// is then posted on its invoice (a Books payment, a Pro cash receipt), and a declined one is
    /// tried again on the retry days.
    case collectDueInvoices(DueInvoiceCollection)

    public static let collectDueInvoicesKind = "collect_due_invoices"

    /// As stored and as the API shows it.
    public var json: JSONValue {
        switch self {
        case .collectDueInvoices(let collection):
            var fields: [String: JSONValue] = [
                "kind": .string(Self.collectDueInvoicesKind), collection.ledger.connectionField: .string(collection.ledgerConnectionId.lowercasedText),
                "paytrace_connection_id": .string(collection.payTraceConnectionId.lowercasedText),
                "retry_days": .array(collection.retryDays.map { .number(Double($0)) }),
            ]
            if collection.ledger == .sagePro { fields["customer_id_prefix"] = .string(collection.customerIdPrefix) }
            return .object(fields)
        }
    }

    /// The action a stored document names; nil for one this build does not know.
    public init?(json: JSONValue) {
        guard let object = json.object, object["kind"]?.string == Self.collectDueInvoicesKind,
            let collection = DueInvoiceCollection(json: json)
        else { return nil }
        self = .collectDueInvoices(collection)
    }
}

/// A due-invoice collection: where invoices are read (Zoho Books, or Sage Pro through its
/// agent), where they are charged, and the dunning schedule of a declined one.
public struct DueInvoiceCollection: Sendable, Equatable {
    /// Where the due invoices are read and their payments posted.
    public enum Ledger: String, Sendable, CaseIterable {
        case zohoBooks = "zoho"
        case sagePro = "sage_pro"

        /// The action's field that names the ledger's connection.
        public var connectionField: String { self == .zohoBooks ? "zoho_connection_id" : "sage_connection_id" }
    }

    public let ledger: Ledger
    public let ledgerConnectionId: UUID
    public let payTraceConnectionId: UUID
    /// Sage Pro: a customer's PayTrace vault id is this and its CUSTNO ("pro-" and CUST01 is
    /// pro-CUST01); Pro has no field for it. Books keeps the id on the contact instead.
    public let customerIdPrefix: String
    /// Days after an invoice's first attempt on which a declined invoice is charged again; after
    /// the last, it is marked in Books and reported instead.
    public let retryDays: [Int]

    public static let defaultRetryDays = [1, 3, 7]

    public init(
        ledger: Ledger = .zohoBooks, ledgerConnectionId: UUID, payTraceConnectionId: UUID, retryDays: [Int] = DueInvoiceCollection.defaultRetryDays,
        customerIdPrefix: String = ""
    ) {
        self.ledger = ledger
        self.ledgerConnectionId = ledgerConnectionId
        self.payTraceConnectionId = payTraceConnectionId
        self.retryDays = retryDays
        self.customerIdPrefix = customerIdPrefix
    }

    /// What a customer id prefix may be: up to 20 characters PayTrace takes in a customer id.
    public static func isValid(customerIdPrefix prefix: String) -> Bool {
        prefix.count <= 20 && prefix.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// What a retry schedule must be, as a field error says it.
    public static let retryDaysRule = "must be up to 10 increasing whole days from 1 to 90, such as [1, 3, 7]"

    /// Why `days` is not a retry schedule, or nil: up to 10 days, each 1 to 90, increasing.
    public static func problem(retryDays days: [Int]) -> String? {
        guard days.count <= 10, days.allSatisfy({ (1...90).contains($0) }), zip(days, days.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return retryDaysRule
        }
        return nil
    }

    /// A JSON array's whole numbers, or nil when it is not an array of whole numbers only (true,
    /// "1" and 1.5 are not days). Read from the document, where a number and true are told apart.
    public static func wholeDays(_ value: JSONValue?) -> [Int]? {
        guard let listed = value?.array else { return nil }
        let days = listed.compactMap { if case .number(let day) = $0 { Int(exactly: day) } else { nil } }
        return days.count == listed.count ? days : nil
    }

    /// Read from an action's or a scan's JSON (the same field names).
    public init?(json: JSONValue) {
        guard let object = json.object, let payTrace = object["paytrace_connection_id"]?.string.flatMap({ UUID(text: $0) }) else { return nil }
        let named = Ledger.allCases.compactMap { ledger in object[ledger.connectionField]?.string.flatMap { UUID(text: $0) }.map { (ledger, $0) } }
        guard named.count == 1, let (ledger, connection) = named.first else { return nil }
        let prefix = object["customer_id_prefix"]?.string ?? ""
        guard Self.isValid(customerIdPrefix: prefix) else { return nil }
        var days = Self.defaultRetryDays
        if let listed = object["retry_days"] {
            guard let whole = Self.wholeDays(listed), Self.problem(retryDays: whole) == nil else { return nil }
            days = whole
        }
        self.init(ledger: ledger, ledgerConnectionId: connection, payTraceConnectionId: payTrace, retryDays: days, customerIdPrefix: prefix)
    }
}
