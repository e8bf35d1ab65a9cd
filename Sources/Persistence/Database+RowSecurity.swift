import Foundation

extension Database {
    /// Why the connected role would not be bound by row-level security (a superuser, or a role
    /// with BYPASSRLS), or nil when the policies bind it: the second wall between tenants holds
    /// only for a role they bind.
    public func rowSecurityBypass() throws -> String? {
        let row = try transaction(.platform) { tx in
            try tx.one("SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        }
        guard let row else { return nil }
        let role = try row.string("role")
        if try row.bool("rolsuper") { return "the database role \(role) is a superuser" }
        if try row.bool("rolbypassrls") { return "the database role \(role) has BYPASSRLS" }
        return nil
    }
}
