import CurlHTTP
import Foundation
import Testing

@testable import Coordinator
@testable import Tailnet

/// Every operation in docs/coordinator-openapi.yaml is served by the coordinator (method and path).
@Suite(.timeLimit(.minutes(1))) struct OpenAPIDocumentTests {
    static func operations() throws -> [(method: String, path: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/coordinator-openapi.yaml"), encoding: .utf8)
        var operations: [(String, String)] = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths && !line.hasPrefix(" ") && !line.isEmpty { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") && !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get", "post", "put", "delete"].first(where: { line == "    \($0):" })
            {
                operations.append((method.uppercased(), path))
            }
        }
        return operations
    }

    @Test func everyDocumentedOperationIsRouted() async throws {
        let operations = try Self.operations()
        #expect(operations.count == 23)
        let tailnet = try await TestTailnet()
        defer { tailnet.close() }
        try await withRunningCoordinator(tailnet) { _, admin in
            for (method, path) in operations {
                let concrete = path.replacing("{id}", with: "x0")
                let response = try await admin.exchange(
                    method, concrete, body: method == "GET" || method == "DELETE" ? nil : Array("{}".utf8))
                let text = response.bodyText
                #expect(!text.contains("no route"), "\(method) \(path) is documented but not served: \(text)")
            }
            let missing = try await admin.exchange("GET", "/v1/undocumented")
            #expect(missing.status == 404 && missing.bodyText.contains("no route"))
        }
    }
}
