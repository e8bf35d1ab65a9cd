import Testing
import Persistence

/// The prefix an API key is looked up by, read in place, against the split it replaced.
@Suite("API key prefix")
struct APIKeyPrefixTests {
    /// The former reading: `cl`, `_`, twelve lowercase hex digits, `_`, and any rest.
    static func splitPrefix(_ token: String) -> String? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard token.utf8.count <= 128, parts.count == 3, parts[0] == "cl", parts[1].utf8.count == 12,
            parts[1].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        return String(parts[1])
    }

    @Test(arguments: [
        "cl_0123456789ab_secret", "cl_0123456789ab_", "cl_0123456789ab", "cl_0123456789AB_secret", "cl_0123456789abc_secret",
        "cl_0123456789a_secret", "cl__0123456789ab_secret", "cx_0123456789ab_secret", "CL_0123456789ab_secret",
        "cl_0123456789ab_se_cr_et", "cl_01234567é9ab_secret", "cl_0123456789ab_é", "", "cl", "cl_", "_cl_0123456789ab_x",
        "cl_0123456789ab_" + String(repeating: "x", count: 112), "cl_0123456789ab_" + String(repeating: "x", count: 113),
        "cl_0123456789ag_secret", "cl_ 123456789ab_secret",
    ])
    func readsAsTheSplitDid(_ token: String) {
        #expect(APIKeyStore.prefix(of: token) == Self.splitPrefix(token), "\(token)")
    }
}
