/// `/v1/tenants/{tenantId}/environments`: the tenant's dev, qa and prod.
enum EnvironmentRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/v1/tenants/{tenantId}/environments", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantTransaction { try $0.tenants.environments(tenantId: id, after: cursor, limit: limit) }
            return context.list(page, EnvironmentBody.init)
        }
    ]
}
