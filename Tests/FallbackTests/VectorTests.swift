import Fallback
import Foundation
import RelayCore
import Testing

/// Checks the Fallback module against the vectors in docs/fallback-protocol.md §8, read from the file so the
/// document and the code cannot drift apart. PRINT_FALLBACK_VECTORS=1 prints the current values.
@Suite struct VectorTests {
    static var documentPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/fallback-protocol.md").path
    }

    static func documentedVectors() throws -> [String: [UInt8]] {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        var vectors: [String: [UInt8]] = [:]
        var name: String?
        var hex: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#### ") {
                name = line.dropFirst(5).split(separator: " ").first.map(String.init)
            } else if line == "```hex" {
                hex = ""
            } else if line == "```", let collected = hex {
                if let name, let bytes = Hex.decode(collected) { vectors[name] = bytes }
                hex = nil
                name = nil
            } else if hex != nil {
                hex! += line
            }
        }
        return vectors
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
