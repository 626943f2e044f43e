import Tailnet
import Testing

@testable import Coordinator

@Suite struct GrantPolicyTests {
    @Test func noGrantsAllowEveryone() {
        #expect(GrantPolicy.allows(nodeTags: [], relayTags: ["tag:relay"], grants: []))
    }

    @Test func grantMatchesByTagOnBothSides() {
        let grants = [Grant(src: ["tag:ci"], dst: ["tag:fast"])]
        #expect(GrantPolicy.allows(nodeTags: ["tag:ci"], relayTags: ["tag:fast", "tag:eu"], grants: grants))
        #expect(!GrantPolicy.allows(nodeTags: ["tag:laptop"], relayTags: ["tag:fast"], grants: grants))
        #expect(!GrantPolicy.allows(nodeTags: ["tag:ci"], relayTags: ["tag:slow"], grants: grants))
    }

    @Test func wildcardsMatchUntaggedSubjects() {
        let grants = [Grant(src: ["*"], dst: ["tag:shared"]), Grant(src: ["tag:admin"], dst: ["*"])]
        #expect(GrantPolicy.allows(nodeTags: [], relayTags: ["tag:shared"], grants: grants))
        #expect(!GrantPolicy.allows(nodeTags: [], relayTags: [], grants: grants))
        #expect(GrantPolicy.allows(nodeTags: ["tag:admin"], relayTags: [], grants: grants))
    }
}
