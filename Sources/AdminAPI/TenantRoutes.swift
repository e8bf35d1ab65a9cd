import Foundation
import Persistence
import Domain
import HTTPServer

/// `/v1/tenants`: platform administrators create, change and delete tenants; a tenant reads itself.
enum TenantRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("POST", "/v1/tenants", access: .platformAdmin, idempotent: true, handler: create),
        Endpoint("GET", "/v1/tenants", access: .platformAdmin) { context in
            let (cursor, limit) = try context.pagination()
            let page = try context.platformTransaction { try $0.tenants.list(search: nil, after: cursor, limit: limit) }
            return context.list(page, TenantBody.init)
        },
        // The tenants overview: each tenant's last 24 hours and what waits, in the list's order and pages.
        Endpoint("GET", "/v1/tenant-health", access: .platformAdmin) { context in
            let (cursor, limit) = try context.pagination()
            let search = try RequestContext.searchText(context.request.query["q"])
            let (page, health) = try context.platformTransaction { tx in
                let page = try tx.tenants.list(search: search, after: cursor, limit: limit)
                return (page, try tx.dashboard.tenantHealth(tenantIds: page.items.map(\.id)))
            }
            return context.list(page) { TenantHealthBody($0, health[$0.id] ?? TenantHealth()) }
        },
        Endpoint("GET", "/v1/tenants/{tenantId}", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let tenant = try context.tenantTransaction { try $0.tenants.get(id: id) }
            guard let tenant else { throw Problem.notFound("No such tenant.") }
            return context.json(TenantBody(tenant))
        },
        Endpoint("PATCH", "/v1/tenants/{tenantId}", access: .platformAdmin, handler: update),
        Endpoint("DELETE", "/v1/tenants/{tenantId}", access: .platformAdmin) { context in
            let id = try context.tenantId
            try context.tenantTransaction { tx in
                try context.audit(tx, tenantId: id, action: "tenant.deleted", targetType: "tenant", targetId: id.lowercasedString)
                guard try tx.tenants.delete(id: id) else { throw Problem.notFound("No such tenant.") }
            }
            // This process forgets the tenant's endpoints and keys now; the others at the NOTIFY.
            context.services.endpoints.invalidateAll()
            context.services.credentials.invalidate(tenant: id)
            LiveTenants.forget(id)
            return context.noContent()
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        var input = try JSONInput(context.request, allowed: ["name", "slug"])
        let name = input.string("name", required: true, maxLength: Tenant.nameMaxLength)
        let slug = input.string("slug", required: true, maxLength: 63)
        if let name { input.add(Tenant.validateName(name)) }
        if let slug, !Tenant.isValidSlug(slug) {
            input.add(FieldError(field: "slug", message: "must be 3 to 63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen"))
        }
        try input.validate()
        let tenant = try context.platformTransaction { tx -> Tenant in
            let tenant: Tenant
            do {
                tenant = try tx.tenants.create(name: name!, slug: slug!)
            } catch let error as any StoreFailure where error.isUniqueViolation {
                throw Problem.conflict("A tenant with slug '\(slug!)' already exists.")
            }
            try context.audit(
                tx, tenantId: tenant.id, action: "tenant.created", targetType: "tenant", targetId: tenant.id.lowercasedString,
                details: ["name": tenant.name, "slug": tenant.slug])
            return tenant
        }
        var response = context.json(TenantBody(tenant), status: 201)
        response.setHeader("Location", "/v1/tenants/\(tenant.id.lowercasedString)")
        return response
    }

    static func update(_ context: RequestContext) throws -> Response {
        let id = try context.tenantId
        var input = try JSONInput(context.request, allowed: ["name", "status"])
        let name = input.string("name", required: false, maxLength: Tenant.nameMaxLength)
        let status = input.choice("status", required: false, as: Tenant.Status.self)
        if let name { input.add(Tenant.validateName(name)) }
        if !input.has("name") && !input.has("status") {
            input.add(FieldError(field: "body", message: "name the fields to change: name, status"))
        }
        try input.validate()
        let tenant = try context.tenantTransaction { tx -> Tenant in
            guard let tenant = try tx.tenants.update(id: id, name: name, status: status) else { throw Problem.notFound("No such tenant.") }
            var details: [String: String] = [:]
            if let name { details["name"] = name }
            if let status { details["status"] = status.rawValue }
            try context.audit(tx, tenantId: id, action: "tenant.updated", targetType: "tenant", targetId: id.lowercasedString, details: details)
            return tenant
        }
        if status != nil {
            context.services.endpoints.invalidateAll()
            context.services.credentials.invalidate(tenant: id)
        }
        return context.json(TenantBody(tenant))
    }
}

struct TenantHealthBody: Encodable {
    let tenantId: String
    let name: String
    let slug: String
    let status: String
    let events: Int
    let runsSucceeded: Int
    let runsFailed: Int
    let runsReview: Int
    let openAlerts: Int
    let deadLetters: Int
    let queued: Int
    let oldestWaitSeconds: Int

    init(_ tenant: Tenant, _ health: TenantHealth) {
        tenantId = tenant.id.lowercasedString
        name = tenant.name
        slug = tenant.slug
        status = tenant.status.rawValue
        events = health.events
        runsSucceeded = health.succeeded
        runsFailed = health.failed
        runsReview = health.review
        openAlerts = health.openAlerts
        deadLetters = health.deadLetters
        queued = health.queued
        oldestWaitSeconds = Int(health.oldestWaitSeconds.rounded())
    }
}
