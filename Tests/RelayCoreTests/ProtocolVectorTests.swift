import Foundation
import PeerRelayTestSupport
import Testing

@testable import RelayCore

/// Checks RelayCore against the test vectors written in docs/PROTOCOL.md §7 (read from the file, so the spec and
/// the code cannot drift apart silently). Run with PRINT_PROTOCOL_VECTORS=1 to print the current values.
@Suite struct ProtocolVectorTests {
    /// Hex blocks under `### <name>` headings of §7.
    static func documentedVectors() throws -> [String: [UInt8]] {
        try DocumentedHexBlocks.read(
            DocumentedHexBlocks.docsPath("PROTOCOL.md", from: #filePath), headingPrefix: "### ",
            name: { $0.split(separator: " ", maxSplits: 1).last.map(String.init) }, decode: Hex.decode)
    }

    @Test func documentedVectorsMatchTheCode() throws {
        if ProcessInfo.processInfo.environment["PRINT_PROTOCOL_VECTORS"] != nil {
            for (name, bytes) in ProtocolVectors.all {
                let hex = Hex.encode(bytes)
                let lines = stride(from: 0, to: hex.count, by: 64).map { start -> String in
                    let s = hex.index(hex.startIndex, offsetBy: start)
                    let e = hex.index(s, offsetBy: 64, limitedBy: hex.endIndex) ?? hex.endIndex
                    return String(hex[s..<e])
                }
                print("### \(name) (\(bytes.count) bytes)\n```hex\n\(lines.joined(separator: "\n"))\n```\n")
            }
        }
        let documented = try Self.documentedVectors()
        for (name, bytes) in ProtocolVectors.all {
            let key = documented.keys.first { $0.hasPrefix(name + " (") || $0 == name }
            guard let key, let expected = documented[key] else {
                Issue.record("PROTOCOL.md §7 has no vector \"\(name)\"")
                continue
            }
            #expect(Hex.encode(bytes) == Hex.encode(expected), "vector \(name)")
        }
    }

    @Test func vectorsDecodeAndOpen() throws {
        let relayKey = try #require(ProtocolVectors.relay.sharedKey(with: ProtocolVectors.clientA.publicKey))
        let allocate = try ProtocolVectors.allocate.withUnsafeBytes {
            try DatagramParser.openControl($0, key: relayKey)
        }
        guard case .allocate(let request) = allocate else { Issue.record("not an Allocate"); return }
        #expect(request.peerKey == ProtocolVectors.clientB.publicKey)
        let verifier = CertificateVerifier(trustedCAs: [ProtocolVectors.ca.publicKey], tailnetID: "example.ts")
        try verifier.verify(
            encoded: request.certificate, role: .node, sealedBy: ProtocolVectors.clientA.publicKey,
            now: ProtocolVectors.now)
        #expect(ProtocolVectors.bind.count == ProtocolVectors.challenge.count)
        #expect(ProtocolVectors.bind.count == 158)
    }
}
