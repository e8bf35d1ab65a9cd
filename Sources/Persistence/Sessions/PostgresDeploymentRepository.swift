import Foundation
import Domain

/// `DeploymentRepository` over `DeploymentStore`, in the session's transaction.
struct PostgresDeploymentRepository: DeploymentRepository {
    let tx: Transaction

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Deployment> {
        try DeploymentStore.list(tx, tenantId: tenantId, environment: environment, after: cursor, limit: limit)
    }

    func current(tenantId: UUID, environment: EnvironmentName, flowId: UUID, forUpdate: Bool) throws -> Deployment? {
        try DeploymentStore.current(tx, tenantId: tenantId, environment: environment, flowId: flowId, forUpdate: forUpdate)
    }

    func point(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int, previous: Int?, action: String, from: EnvironmentName?, actor: String)
        throws -> Deployment
    {
        try DeploymentStore.point(
            tx, tenantId: tenantId, environment: environment, flowId: flowId, version: version, previous: previous, action: action, from: from, actor: actor)
    }

    func live(tenantId: UUID, environment: EnvironmentName) throws -> [(flowId: UUID, version: Int, definition: String)] {
        try DeploymentStore.live(tx, tenantId: tenantId, environment: environment)
    }

    func versionBefore(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Int? {
        try DeploymentStore.versionBefore(tx, tenantId: tenantId, environment: environment, flowId: flowId, version: version)
    }

    func hasRun(tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Bool {
        try DeploymentStore.hasRun(tx, tenantId: tenantId, environment: environment, flowId: flowId, version: version)
    }

    func history(tenantId: UUID, environment: EnvironmentName, flowId: UUID?, after cursor: PageCursor?, limit: Int) throws -> Page<DeploymentHistoryEntry> {
        try DeploymentStore.history(tx, tenantId: tenantId, environment: environment, flowId: flowId, after: cursor, limit: limit)
    }

    func policy(tenantId: UUID) throws -> PromotionPolicy {
        try DeploymentStore.policy(tx, tenantId: tenantId)
    }

    func setPolicy(tenantId: UUID, _ policy: PromotionPolicy) throws {
        try DeploymentStore.setPolicy(tx, tenantId: tenantId, policy)
    }
}
