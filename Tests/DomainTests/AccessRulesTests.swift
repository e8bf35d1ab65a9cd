import Foundation
import Testing
import Domain

@Suite("Roles, slugs, e-mails and passwords")
struct AccessRulesTests {
    @Test func rolesAreOrdered() {
        #expect(Role.viewer < Role.admin && Role.admin < Role.owner)
        #expect(!Role.viewer.canWrite)
        #expect(Role.admin.canWrite && Role.owner.canWrite)
    }

    @Test func aRoleGrantsOnlyItselfOrLower() {
        #expect(Role.owner.canGrant(.owner))
        #expect(Role.admin.canGrant(.admin) && Role.admin.canGrant(.viewer))
        #expect(!Role.admin.canGrant(.owner))
        #expect(!Role.viewer.canGrant(.viewer))
    }

    @Test(arguments: [
        ("acme", true), ("acme-co-2", true), ("ab", false), ("-acme", false), ("acme-", false), ("ac--me", false),
        ("Acme", false), ("acme_co", false), (String(repeating: "a", count: 64), false),
    ])
    func slugs(_ slug: String, _ valid: Bool) {
        #expect(Tenant.isValidSlug(slug) == valid)
    }

    @Test(arguments: [
        ("a@b.co", true), ("first.last@example.com", true), ("no-at", false), ("a@b", false), ("a b@c.de", false),
        ("@b.co", false), ("a@.co", false), ("a@b@c.de", false),
    ])
    func emails(_ email: String, _ valid: Bool) {
        #expect(User.isValidEmail(email) == valid)
    }

    @Test func namesAndPasswords() {
        #expect(Tenant.validateName("Acme") == nil)
        #expect(Tenant.validateName("   ") != nil)
        #expect(Tenant.validateName("bell\u{7}") != nil)
        #expect(User.validatePassword("short") != nil)
        #expect(User.validatePassword("twelve chars") == nil)
        #expect(User.normalizeEmail("  Jane@Example.COM ") == "jane@example.com")
    }
}
