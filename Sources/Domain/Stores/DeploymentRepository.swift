public import Foundation

/// Which flow version each environment runs, its history, and the promotion policy.
public protocol DeploymentRepository {
    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Deployment>

    func current(tenantId: UUID, environment: EnvironmentName, flowId: UUID, forUpdate: Bool) throws -> Deployment?

    /// Points the environment at `version` and records why; returns the new state.
    func point(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int, previous: Int?, action: String, from: EnvironmentName?, actor: String)
        throws -> Deployment

    /// Every flow version the environment runs, with its definition (JSON text): what an event is handed to.
    func live(tenantId: UUID, environment: EnvironmentName) throws -> [(flowId: UUID, version: Int, definition: String)]

    /// The version that ran before `version` was last put in place here (by a deploy or a promotion).
    func versionBefore(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Int?

    /// Whether this version was ever live in the environment.
    func hasRun(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Bool

    func history(tenantId: UUID, environment: EnvironmentName, flowId: UUID?, after cursor: PageCursor?, limit: Int) throws -> Page<DeploymentHistoryEntry>

    func policy(tenantId: UUID) throws -> PromotionPolicy

    func setPolicy(tenantId: UUID, _ policy: PromotionPolicy) throws
}

/// The defaults of the arguments callers may leave out.
extension DeploymentRepository {
    public func current(tenantId: UUID, environment: EnvironmentName, flowId: UUID) throws -> Deployment? {
        try self.current(tenantId: tenantId, environment: environment, flowId: flowId, forUpdate: false)
    }
}
