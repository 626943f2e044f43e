import Fallback
import Foundation
import PeerRelayTestSupport
import RelayCore
import Testing

/// Checks the Fallback module against the vectors in docs/fallback-protocol.md §8, read from the file so the
/// document and the code cannot drift apart. PRINT_FALLBACK_VECTORS=1 prints the current values.
@Suite struct VectorTests {
    static func documentedVectors() throws -> [String: [UInt8]] {
        try DocumentedHexBlocks.read(
            DocumentedHexBlocks.docsPath("fallback-protocol.md", from: #filePath), headingPrefix: "#### ",
            name: { $0.split(separator: " ").first.map(String.init) }, decode: Hex.decode)
    }

    @Test func documentedVectorsMatchTheCode() throws {
        if ProcessInfo.processInfo.environment["PRINT_FALLBACK_VECTORS"] != nil {
            for (name, bytes) in FallbackVectors.all {
                let hex = Hex.encode(bytes)
                var lines: [String] = []
                var rest = Substring(hex)
                while !rest.isEmpty {
                    lines.append(String(rest.prefix(64)))
                    rest = rest.dropFirst(64)
                }
                print("#### \(name) (\(bytes.count) bytes)\n```hex\n\(lines.joined(separator: "\n"))\n```\n")
            }
        }
        let documented = try Self.documentedVectors()
        for (name, bytes) in FallbackVectors.all {
            guard let expected = documented[name] else {
                Issue.record("docs/fallback-protocol.md §8 has no vector \"\(name)\"")
                continue
            }
            #expect(Hex.encode(bytes) == Hex.encode(expected), "vector \(name)")
        }
    }

    @Test func documentedClientHelloIsAdmittedAgainstTheDocumentedChallenge() throws {
        let documented = try #require(try Self.documentedVectors()["client-hello"])
        guard case .clientHello(let hello) = try Frame(decoding: documented, receiver: .server) else {
            Issue.record("client-hello vector is not a ClientHello")
            return
        }
        let decision = Admission.decide(
            hello: hello, challenge: FallbackVectors.challenge, serverKey: FallbackVectors.server,
            verifier: FallbackVectors.verifier, now: FallbackVectors.now + .seconds(10))
        let admitted = try decision.get()
        #expect(admitted.certificate.subjectName == "laptop")
        #expect(admitted.certificate.subjectKey == FallbackVectors.clientA.publicKey)
    }
}
