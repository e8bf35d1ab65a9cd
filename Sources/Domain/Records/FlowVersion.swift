public import Foundation

public struct FlowVersion: Sendable {
    public let flowId: UUID
    public let version: Int
    /// JSON text.
    public let definition: String
    public let checksum: String
    public let fixturesPassed: Bool
    /// JSON text: an array of fixture results.
    public let fixtureResults: String
    public let notes: String
    public let publishedBy: String
    public let createdAt: Date

    public init(
        flowId: UUID, version: Int, definition: String, checksum: String, fixturesPassed: Bool, fixtureResults: String, notes: String, publishedBy: String,
        createdAt: Date
    ) {
        self.flowId = flowId
        self.version = version
        self.definition = definition
        self.checksum = checksum
        self.fixturesPassed = fixturesPassed
        self.fixtureResults = fixtureResults
        self.notes = notes
        self.publishedBy = publishedBy
        self.createdAt = createdAt
    }
}
