public import Foundation

/// Which runs a list shows: by status, flow, when they started, and a search over what the
/// event carried (transaction id, customer, order, amount); newest first or oldest first.
public struct RunFilter: Sendable, Equatable {
    public var status: RunStatus?
    public var flowId: UUID?
    public var from: Date?
    public var to: Date?
    public var search: String?
    public var newestFirst: Bool

    public init(status: RunStatus? = nil, flowId: UUID? = nil, from: Date? = nil, to: Date? = nil, search: String? = nil, newestFirst: Bool = false) {
        self.status = status
        self.flowId = flowId
        self.from = from
        self.to = to
        self.search = search
        self.newestFirst = newestFirst
    }
}

/// A run as a list shows it: with its flow's name and what its event was about.
public struct RunListing: Sendable {
    public let run: Run
    public let flowName: String?
    public let transactionId: String?
    public let amount: String?
    public let customer: String?
    public let order: String?

    public init(run: Run, flowName: String?, transactionId: String?, amount: String?, customer: String?, order: String?) {
        self.run = run
        self.flowName = flowName
        self.transactionId = transactionId
        self.amount = amount
        self.customer = customer
        self.order = order
    }
}
