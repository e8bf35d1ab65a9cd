public import Foundation

/// Recurring billing: one PayTrace customer's card on file charged `amount` every `interval`
/// from `startsOn` (midnight in the plan's time zone) until `endsOn`, if set. Each period becomes
/// a payment request, charged exactly once; a declined period is charged again on the retry days
/// (`InvoiceDunning`, counted from the period's first attempt), and after the last the plan is
/// past due and the failure reported.
public struct RecurringPlan: Sendable, Equatable {
    public enum Unit: String, Sendable, CaseIterable {
        case day, week, month
    }

    public enum Status: String, Sendable, CaseIterable {
        /// Charging its periods.
        case active
        /// A period's charges were all declined; later periods are still charged.
        case pastDue = "past_due"
        /// Charges nothing until resumed; the periods in between are skipped, not made up.
        case paused
        /// Charges nothing more, for good.
        case cancelled
        /// Past its end day.
        case ended

        public var charges: Bool { self == .active || self == .pastDue }
    }

    /// Where each period's invoice is made before it is charged: a Zoho connection and the Books
    /// contact id, or a Sage Pro connection and the CUSTNO.
    public struct Invoicing: Sendable, Equatable {
        public let connectionId: UUID
        public let customer: String

        public init(connectionId: UUID, customer: String) {
            self.connectionId = connectionId
            self.customer = customer
        }
    }

    public let id: UUID
    public let environment: EnvironmentName
    public let connectionId: UUID
    public let terms: RecurringPlanTerms
    /// nil: the periods are charged with no invoice of their own.
    public let invoicing: Invoicing?
    public let status: Status
    /// The next period to charge (0 is the first) and when; nil when nothing more is charged.
    public let nextPeriod: Int
    public let nextChargeAt: Date?
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, environment: EnvironmentName, connectionId: UUID, terms: RecurringPlanTerms, invoicing: Invoicing? = nil, status: Status,
        nextPeriod: Int, nextChargeAt: Date?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environment = environment
        self.connectionId = connectionId
        self.terms = terms
        self.invoicing = invoicing
        self.status = status
        self.nextPeriod = nextPeriod
        self.nextChargeAt = nextChargeAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a plan charges, and when.
public struct RecurringPlanTerms: Sendable, Equatable {
    public let customerId: String
    public let amount: Decimal
    public let currency: String
    public let description: String?
    public let externalReference: String?
    public let unit: RecurringPlan.Unit
    public let every: Int
    /// yyyy-mm-dd, in `timeZone`.
    public let startsOn: String
    public let endsOn: String?
    public let timeZone: String
    public let retryDays: [Int]

    public init(
        customerId: String, amount: Decimal, currency: String, description: String?, externalReference: String?, unit: RecurringPlan.Unit, every: Int,
        startsOn: String, endsOn: String?, timeZone: String, retryDays: [Int]
    ) {
        self.customerId = customerId
        self.amount = amount
        self.currency = currency
        self.description = description
        self.externalReference = externalReference
        self.unit = unit
        self.every = every
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.timeZone = timeZone
        self.retryDays = retryDays
    }

    /// When period `index` is charged: its day's midnight in the plan's time zone, counted from
    /// the start each time (a plan from January 31 charges February 28, then March 31); nil past
    /// the end day.
    public func chargeTime(ofPeriod index: Int) -> Date? {
        guard let zone = TimeZone(identifier: timeZone), let start = Self.day(startsOn, in: zone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let component: Calendar.Component =
            switch unit {
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            }
        guard let date = calendar.date(byAdding: component, value: index * every, to: start) else { return nil }
        if let endsOn, let end = Self.day(endsOn, in: zone), date > end { return nil }
        return calendar.startOfDay(for: date)
    }

    /// The first period charged at or after `instant`, and when; nil when none is left.
    public func nextPeriod(from index: Int, notBefore instant: Date) -> (index: Int, at: Date)? {
        var period = index
        while let at = chargeTime(ofPeriod: period) {
            if at >= instant { return (period, at) }
            period += 1
            if period > index + 100_000 { return nil }
        }
        return nil
    }

    /// Midnight of a yyyy-mm-dd day in `zone`.
    static func day(_ text: String, in zone: TimeZone) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        // Years PostgreSQL's date and a business calendar both hold (year 0 would pass the calendar and fail the database).
        guard parts.count == 3, (1900...9999).contains(parts[0]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    /// The terms, or why not, field by field (the charge's own fields are judged as a payment request's).
    public static func parse(
        customerId: String?, amount: Any?, currency: String?, description: String?, externalReference: String?, unit: String?, every: Int?,
        startsOn: String?, endsOn: String?, timeZone: String?, retryDays: [Int]?
    ) -> (RecurringPlanTerms?, [FieldError]) {
        let (draft, charge) = PaymentRequestDraft.parse(
            customerId: customerId, amount: amount, currency: currency, description: description, externalReference: externalReference)
        var errors = charge
        let zoneName = timeZone ?? "UTC"
        let zone = TimeZone(identifier: zoneName)
        if zone == nil { errors.append(FieldError(field: "time_zone", message: "must be an IANA time zone, such as America/Chicago")) }
        let unitValue = unit.flatMap(RecurringPlan.Unit.init(rawValue:))
        if unit != nil && unitValue == nil { errors.append(FieldError(field: "interval", message: "must be day, week or month")) }
        let count = every ?? 1
        if !(1...366).contains(count) { errors.append(FieldError(field: "interval_count", message: "must be a whole number from 1 to 366")) }
        if let startsOn, zone.flatMap({ day(startsOn, in: $0) }) == nil && zone != nil {
            errors.append(FieldError(field: "starts_on", message: "must be a day, such as 2027-01-31"))
        }
        if let endsOn, let zone {
            if day(endsOn, in: zone) == nil {
                errors.append(FieldError(field: "ends_on", message: "must be a day, such as 2027-12-31"))
            } else if let startsOn, endsOn < startsOn {
                errors.append(FieldError(field: "ends_on", message: "must not be before starts_on"))
            }
        }
        let days = retryDays ?? DueInvoiceCollection.defaultRetryDays
        if let problem = DueInvoiceCollection.problem(retryDays: days) { errors.append(FieldError(field: "retry_days", message: problem)) }
        guard errors.isEmpty, let draft, let unitValue, let startsOn else { return (nil, errors) }
        return (
            RecurringPlanTerms(
                customerId: draft.customerId, amount: draft.amount, currency: draft.currency, description: draft.description,
                externalReference: draft.externalReference, unit: unitValue, every: count, startsOn: startsOn, endsOn: endsOn, timeZone: zoneName,
                retryDays: days), []
        )
    }

    /// The payment request of one period's attempt.
    public var draft: PaymentRequestDraft {
        PaymentRequestDraft(customerId: customerId, amount: amount, currency: currency, description: description, externalReference: externalReference)
    }
}
