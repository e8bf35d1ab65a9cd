public import Foundation

/// A charge another system asks Clearline to make into PayTrace: the card on file (vault) of one
/// PayTrace customer, for one amount, exactly once. PayTrace has no idempotency key, so the
/// request's `reference` goes into the charge's `invoice_id`: after an answer that never came,
/// PayTrace is searched for it before anything is charged again.
public struct PaymentRequest: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Not yet tried.
        case pending
        /// Tried at least once with no known outcome yet (an answer lost or refused for a while).
        case charging
        /// PayTrace approved an authorization (a request with `capture` false): the money is held.
        case authorized
        /// A capture of the authorization is under way.
        case capturing
        /// PayTrace approved the charge (or captured the authorization).
        case approved
        /// PayTrace declined it: an outcome, never retried.
        case declined
        /// PayTrace refused the request itself (no such customer, a field it rejects): nothing charged.
        case failed

        /// The charge (or authorization) is still to be made or its outcome is unknown.
        public var isCharging: Bool { self == .pending || self == .charging }
    }

    public let id: UUID
    public let environment: EnvironmentName
    public let connectionId: UUID
    public let draft: PaymentRequestDraft
    public let reference: String
    public let status: Status
    public let attempts: Int
    public let attemptSettlesAt: Date?
    public let transactionId: Int?
    public let capturedAt: Date?
    public let approvalCode: String?
    public let responseCode: Int?
    public let statusMessage: String?
    public let lastError: String?
    public let createdAt: Date
    public let updatedAt: Date
    public let decidedAt: Date?
    /// The Zoho Books invoice this charge pays, if any, and the payment posted on it once approved.
    public let invoice: InvoiceLink?
    /// The recurring plan and period (0 the first) this charge is for, and which attempt at it.
    public let plan: PlanLink?

    public struct PlanLink: Sendable, Equatable {
        public let planId: UUID
        public let period: Int
        public let attempt: Int

        public init(planId: UUID, period: Int, attempt: Int) {
            self.planId = planId
            self.period = period
            self.attempt = attempt
        }
    }

    public init(
        id: UUID, environment: EnvironmentName, connectionId: UUID, draft: PaymentRequestDraft, reference: String, status: Status, attempts: Int,
        attemptSettlesAt: Date?, transactionId: Int?, approvalCode: String?, responseCode: Int?, statusMessage: String?, lastError: String?,
        createdAt: Date, updatedAt: Date, decidedAt: Date?, capturedAt: Date? = nil, invoice: InvoiceLink? = nil, plan: PlanLink? = nil
    ) {
        self.id = id
        self.environment = environment
        self.connectionId = connectionId
        self.draft = draft
        self.reference = reference
        self.status = status
        self.attempts = attempts
        self.attemptSettlesAt = attemptSettlesAt
        self.transactionId = transactionId
        self.approvalCode = approvalCode
        self.responseCode = responseCode
        self.statusMessage = statusMessage
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.decidedAt = decidedAt
        self.capturedAt = capturedAt
        self.invoice = invoice
        self.plan = plan
    }

    /// An invoice a charge pays, in Zoho Books or Sage Pro: the connection, the invoice's id (a
    /// Books invoice id, or Pro's INVNO with the customer's CUSTNO), and once the charge is
    /// approved, the payment posted on it (a Books payment, or a Pro cash receipt).
    public struct InvoiceLink: Sendable, Equatable {
        public let connectionId: UUID
        public let invoiceId: String
        /// Sage Pro's customer number; nil for Books.
        public let customer: String?
        public let paymentId: String?
        public let postedAt: Date?
        /// Which attempt at the invoice this is (dunning), and when its collection ran.
        public let attempt: Int?
        public let collectedAt: Date?

        public init(
            connectionId: UUID, invoiceId: String, customer: String? = nil, paymentId: String? = nil, postedAt: Date? = nil, attempt: Int? = nil,
            collectedAt: Date? = nil
        ) {
            self.connectionId = connectionId
            self.invoiceId = invoiceId
            self.customer = customer
            self.paymentId = paymentId
            self.postedAt = postedAt
            self.attempt = attempt
            self.collectedAt = collectedAt
        }
    }

    /// A reference for PayTrace's `invoice_id`: `CL` and 18 hex digits (72 random bits), short
    /// enough for any invoice field and found by PayTrace's `including_text` search.
    public static func newReference() -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes = [UInt8]("CL".utf8)
        for _ in 0..<18 { bytes.append(digits[Int.random(in: 0..<16)]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What a payment request asks for, checked: the fields a caller sends.
public struct PaymentRequestDraft: Sendable, Equatable {
    public let customerId: String
    public let amount: Decimal
    public let currency: String
    public let description: String?
    public let externalReference: String?
    /// False: authorize only, and capture later.
    public let capture: Bool

    /// PayTrace settles in US dollars only (reference: amounts are "decimal dollars; USD, US merchants").
    public static let currencies: Set<String> = ["USD"]
    /// The largest single charge Clearline makes: a typo of a few digits is refused, not charged.
    public static let maxAmount = Decimal(1_000_000)

    public init(customerId: String, amount: Decimal, currency: String, description: String?, externalReference: String?, capture: Bool = true) {
        self.customerId = customerId
        self.amount = amount
        self.currency = currency
        self.description = description
        self.externalReference = externalReference
        self.capture = capture
    }

    /// The draft, or why not, field by field. `amount` is a decimal string or a JSON number (as
    /// `JSONSerialization` gives it), read through its decimal text.
    public static func parse(
        customerId: String?, amount: Any?, currency: String?, description: String?, externalReference: String?, capture: Bool = true
    ) -> (PaymentRequestDraft?, [FieldError]) {
        var errors: [FieldError] = []
        let customer = customerId ?? ""
        if customerId != nil {
            if customer.trimmingCharacters(in: .whitespaces).isEmpty || customer.unicodeScalars.count > 50
                || customer.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
            {
                errors.append(FieldError(field: "customer_id", message: "must be a PayTrace customer id of 1 to 50 characters"))
            }
        }
        var value: Decimal?
        if let amount {
            value = Self.amount(amount)
            if value == nil {
                errors.append(FieldError(field: "amount", message: "must be a positive amount in dollars with at most 2 decimals, e.g. \"125.50\""))
            } else if value! > maxAmount {
                errors.append(FieldError(field: "amount", message: "must be at most \(maxAmount)"))
                value = nil
            }
        }
        let code = currency ?? "USD"
        if !currencies.contains(code) {
            errors.append(FieldError(field: "currency", message: "must be USD: PayTrace settles in US dollars only"))
        }
        // No card number anywhere: cards reach PayTrace only through its own fields.
        for (field, text) in [("customer_id", customerId), ("description", description), ("external_reference", externalReference)] {
            if let text, CardNumberMasking.maskText(text) != text || CardNumberMasking.containsPlainCardNumber(text) {
                errors.append(FieldError(field: field, message: "must not hold a card number"))
            }
        }
        guard errors.isEmpty, customerId != nil, let value else { return (nil, errors) }
        return (
            PaymentRequestDraft(
                customerId: customer, amount: value, currency: code, description: description, externalReference: externalReference, capture: capture), []
        )
    }

    /// A positive amount with at most two decimals: `"12.5"`, `"12.50"`, `12.5`; nil otherwise.
    static func amount(_ value: Any) -> Decimal? {
        let text: String
        switch value {
        case let string as String: text = string
        case let number as NSNumber where String(cString: number.objCType) != "c": text = number.stringValue
        default: return nil
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].utf8.count <= 10, parts[0].utf8.allSatisfy({ (48...57).contains($0) }),
            parts.count == 1 || ((1...2).contains(parts[1].utf8.count) && parts[1].utf8.allSatisfy({ (48...57).contains($0) })),
            let amount = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), amount > 0
        else { return nil }
        return amount
    }
}
