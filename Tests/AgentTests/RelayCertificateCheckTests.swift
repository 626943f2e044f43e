import Agent
import RelayCore
import Testing

/// A peer relay is used only when its certificate chains to this tailnet's CA, is current and not revoked (real
/// libsodium signatures), and a refused relay says why in `relayctl status`.
@Suite struct RelayCertificateCheckTests {
    let ca = try! CertificateAuthority(privateKey: .generate(), tailnetID: "home.tailnet")
    let relayKey = PrivateKey.generate().publicKey
    let now = Timestamp.now()

    var verifier: CertificateVerifier { CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: "home.tailnet") }

    func relayCertificate(
        by issuer: CertificateAuthority? = nil, role: CertificateRole = .relay, key: PublicKey? = nil,
        validFor: Duration = .seconds(3600), issuedAt: Timestamp? = nil, serial: UInt64 = 42
    ) throws -> [UInt8] {
        try (issuer ?? ca).issue(
            role: role, subjectKey: key ?? relayKey, subjectID: "r-edge", subjectName: "edge", validFor: validFor,
            now: issuedAt ?? now, serial: serial
        ).encoded()
    }

    func refusal(_ certificate: [UInt8]?, verifier: CertificateVerifier? = nil) -> String? {
        RelayCertificateCheck.refusal(
            certificate: certificate, relayKey: relayKey, verifier: verifier ?? self.verifier, now: now)
    }

    @Test func aCurrentRelayCertificateFromTheTailnetCAIsAccepted() throws {
        #expect(refusal(try relayCertificate()) == nil)
    }

    @Test func everyOtherCertificateIsRefusedWithAReason() throws {
        let stranger = try CertificateAuthority(privateKey: .generate(), tailnetID: "home.tailnet")
        #expect(refusal(try relayCertificate(by: stranger)) == "certificate not signed by this tailnet's CA")

        var forged = try relayCertificate()
        forged[forged.count - 1] ^= 0x01
        #expect(refusal(forged) == "certificate not signed by this tailnet's CA")

        let expired = try relayCertificate(validFor: .seconds(60), issuedAt: now - .seconds(600))
        #expect(refusal(expired)?.hasPrefix("certificate expired 540 s ago") == true, "\(refusal(expired) ?? "")")

        let revoking = CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: "home.tailnet", revokedSerials: [42])
        #expect(refusal(try relayCertificate(), verifier: revoking) == "certificate revoked (serial 42)")

        #expect(refusal(try relayCertificate(role: .node)) == "certificate has role node, not relay")
        #expect(
            refusal(try relayCertificate(key: PrivateKey.generate().publicKey))
                == "certificate is for another key than the relay's published key")

        let other = try CertificateAuthority(privateKey: .generate(), tailnetID: "work.tailnet")
        let otherVerifier = CertificateVerifier(trustedCAs: [ca.publicKey, other.publicKey], tailnetID: "home.tailnet")
        #expect(
            refusal(try relayCertificate(by: other), verifier: otherVerifier)
                == "certificate is for tailnet \"work.tailnet\", not this tailnet (\"home.tailnet\")")

        #expect(refusal([1, 2, 3])?.hasPrefix("certificate unreadable") == true)
        #expect(refusal(nil)?.hasPrefix("no certificate in the netmap") == true)
    }

    @Test func aRefusedRelayGetsNoSessionAndStatusSaysWhy() throws {
        var sim = PathSimulation()
        sim.candidates(direct: [], relays: ["edge-0"])
        sim.set(.relay("edge-0"), up: true)
        sim.set(.fallback("default"), up: true)
        sim.record(sim.paths.setRelayRefusals(["edge-0": "certificate not signed by this tailnet's CA"], now: sim.now))
        sim.run(.seconds(10))
        #expect(!sim.actionsSeen.contains(.allocateRelay(relayID: "edge-0")), "no session on a refused relay")
        #expect(sim.active == .fallback("default"))
        let report = sim.paths.report(at: sim.now)
        #expect(report.whyNotBetter.contains("relay edge-0: refused: certificate not signed by this tailnet's CA"))
        #expect(report.paths.first { $0.kind == "relay" }?.state == "refused")

        // A netmap with a good certificate lifts the refusal: the relay is allocated and taken.
        sim.record(sim.paths.setRelayRefusals([:], now: sim.now))
        sim.run(.seconds(3))
        #expect(sim.actionsSeen.contains(.allocateRelay(relayID: "edge-0")))
        #expect(sim.active == .relay("edge-0"))
    }

    @Test func revokingTheActiveRelayMovesDataOffItAtOnce() throws {
        var sim = PathSimulation()
        sim.candidates(direct: [], relays: ["edge-0"])
        sim.set(.relay("edge-0"), up: true)
        sim.set(.fallback("default"), up: true)
        sim.run(.seconds(3))
        #expect(sim.active == .relay("edge-0"))

        sim.record(sim.paths.setRelayRefusals(["edge-0": "certificate revoked (serial 42)"], now: sim.now))
        #expect(sim.switches.last?.reason == .untrustedRelay)
        #expect(sim.paths.dataPaths(at: sim.now).allSatisfy { $0.kind != .relay })
        // A session report for the refused relay that was already in flight does not revive it.
        sim.paths.relayReady("edge-0", vni: 7, idleTimeout: .seconds(30), now: sim.now)
        sim.run(.seconds(3))
        #expect(sim.active == .fallback("default"))
        #expect(sim.paths.candidates[.relay("edge-0")]?.relay == .untrusted(why: "certificate revoked (serial 42)"))
    }
}
