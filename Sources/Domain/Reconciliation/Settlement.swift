public import Foundation

/// One settled PayTrace batch as Clearline keeps it: the batch's figures and one line per
/// transaction, each with its expected fee. Stored once per batch; a batch seen again changes
/// nothing.
public struct Settlement: Sendable, Equatable {
    public let id: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let connectionId: UUID
    public let batchNumber: Int
    /// PayTrace's own text for when the batch settled ("M/D/YYYY h:mm:ss AM", no time zone).
    public let settledAt: String
    /// The day the batch belongs to, `yyyy-MM-dd`: the day fee rules are chosen by.
    public let settledOn: String
    public let currency: String
    public let totals: SettlementTotals
    /// The statement's figures, once imported.
    public let actual: SettlementActual?
    public let createdAt: Date

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int, settledAt: String, settledOn: String,
        currency: String, totals: SettlementTotals, actual: SettlementActual? = nil, createdAt: Date
    ) {
        self.actual = actual
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.connectionId = connectionId
        self.batchNumber = batchNumber
        self.settledAt = settledAt
        self.settledOn = settledOn
        self.currency = currency
        self.totals = totals
        self.createdAt = createdAt
    }
}

/// One settled transaction. `amount` is positive for sales and refunds alike; the type says
/// which way the money went.
public struct SettlementLine: Sendable, Equatable {
    public let transactionId: Int
    public let type: String
    public let amount: Decimal
    public let cardBrand: CardBrand
    public let maskedCardNumber: String
    public let invoiceId: String?
    public let customerId: String?
    public let expectedFee: Decimal
    /// The day (`yyyy-MM-dd`, UTC) PayTrace made the transaction, when known: where its ledger
    /// records are dated, and so how far back reconciliation reads.
    public let createdOn: String?

    public init(
        transactionId: Int, type: String, amount: Decimal, cardBrand: CardBrand, maskedCardNumber: String, invoiceId: String?, customerId: String?,
        expectedFee: Decimal, createdOn: String? = nil
    ) {
        self.createdOn = createdOn
        self.transactionId = transactionId
        self.type = type
        self.amount = amount
        self.cardBrand = cardBrand
        self.maskedCardNumber = maskedCardNumber
        self.invoiceId = invoiceId
        self.customerId = customerId
        self.expectedFee = expectedFee
    }

    /// What the line adds to the batch's net: a sale adds, a refund takes away.
    public var signedAmount: Decimal { type == "REFUND" ? -amount : amount }
}

/// A batch's figures, all derived from its lines so that they add up by construction:
/// net = sales − refunds, and net = deposit + fees, to the cent.
public struct SettlementTotals: Sendable, Equatable {
    public let salesCount: Int
    public let salesAmount: Decimal
    public let refundCount: Int
    public let refundAmount: Decimal
    /// Sales less refunds: what the batch is worth before fees.
    public let net: Decimal
    public let fees: Decimal
    /// What reaches the bank when fees are taken from each deposit: net less fees.
    public let deposit: Decimal
    /// Fees by card brand; together exactly `fees`.
    public let feesByBrand: [CardBrand: Decimal]

    public init(lines: [SettlementLine]) {
        let sales = lines.filter { $0.type != "REFUND" }, refunds = lines.filter { $0.type == "REFUND" }
        salesCount = sales.count
        salesAmount = sales.reduce(0) { $0 + $1.amount }
        refundCount = refunds.count
        refundAmount = refunds.reduce(0) { $0 + $1.amount }
        net = salesAmount - refundAmount
        var byBrand: [CardBrand: Decimal] = [:]
        for line in lines { byBrand[line.cardBrand, default: 0] += line.expectedFee }
        feesByBrand = byBrand
        fees = lines.reduce(0) { $0 + $1.expectedFee }
        deposit = net - fees
    }

    /// Totals as stored, without their lines (a list shows these); no split by brand.
    public init(salesCount: Int, salesAmount: Decimal, refundCount: Int, refundAmount: Decimal, fees: Decimal) {
        self.salesCount = salesCount
        self.salesAmount = salesAmount
        self.refundCount = refundCount
        self.refundAmount = refundAmount
        net = salesAmount - refundAmount
        self.fees = fees
        deposit = net - fees
        feesByBrand = [:]
    }
}

/// What the processor's statement says of a batch: its gross, the fees actually taken and the
/// net deposited. The fees replace the schedule's estimate; the difference is the true-up.
public struct SettlementActual: Sendable, Equatable {
    public let statementDate: String
    public let gross: Decimal
    public let fees: Decimal
    public let net: Decimal

    public init(statementDate: String, gross: Decimal, fees: Decimal, net: Decimal) {
        self.statementDate = statementDate
        self.gross = gross
        self.fees = fees
        self.net = net
    }

    /// Actual less expected fees: the entry that brings the books from the estimate to the truth.
    public func trueUp(expected: Decimal) -> Decimal { fees - expected }
}
