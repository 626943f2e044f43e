import Tailnet
import Testing

@Suite struct TailnetValidationTests {
    @Test(arguments: ["a", "node-1", String(repeating: "x", count: 63)])
    func validNames(name: String) {
        #expect(TailnetValidation.nameProblem(name) == nil)
    }

    @Test(arguments: ["", "-a", "a-", "Upper", "with space", "dot.name", String(repeating: "x", count: 64)])
    func invalidNames(name: String) {
        #expect(TailnetValidation.nameProblem(name) != nil)
    }

    @Test func tags() {
        #expect(TailnetValidation.tagsProblem(["tag:relay", "tag:eu-1"]) == nil)
        #expect(TailnetValidation.tagsProblem(["relay"]) != nil)
        #expect(TailnetValidation.tagsProblem(["tag:a", "tag:a"]) != nil)
        #expect(TailnetValidation.tagsProblem((0..<17).map { "tag:t\($0)" }) != nil)
        #expect(TailnetValidation.selectorProblem(["*"]) == nil)
        #expect(TailnetValidation.selectorProblem([]) != nil)
    }

    @Test(arguments: ["192.0.2.1:7000", "[2001:db8::1]:1", "[::ffff:192.0.2.1]:65535"])
    func validEndpoints(endpoint: String) {
        #expect(TailnetValidation.endpointProblem(endpoint) == nil)
    }

    @Test(arguments: ["192.0.2.1", "example.com:80", "192.0.2.1:0", "192.0.2.1:70000", "2001:db8::1:80", "[::1]"])
    func invalidEndpoints(endpoint: String) {
        #expect(TailnetValidation.endpointProblem(endpoint) != nil)
    }

    @Test func keys() {
        let zero = String(repeating: "A", count: 43) + "="
        #expect((try? TailnetValidation.decodeKey(zero).get())?.count == 32)
        #expect(throws: TailnetValidation.KeyDecodingProblem.notBase64) { try TailnetValidation.decodeKey("%%").get() }
        #expect(throws: TailnetValidation.KeyDecodingProblem.wrongLength(3)) {
            try TailnetValidation.decodeKey("AAAA").get()
        }
    }
}
