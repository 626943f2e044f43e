import Testing

@testable import RelayCore

/// A test client speaking the relay protocol by hand (real libsodium, no sockets).
struct TestClient {
    let key: PrivateKey
    let certificate: TailnetCertificate
    let relayKey: PublicKey
    var address: EndpointAddress

    var publicKey: PublicKey { key.publicKey }
    var shared: SharedKey { key.sharedKey(with: relayKey)! }

    func allocate(peer: PublicKey, generation: UInt32 = 1, padding: Int = 0) -> [UInt8] {
        ControlMessage.allocate(
            AllocateMessage(generation: generation, peerKey: peer, certificate: certificate, paddingLength: padding)
        ).sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: 0), sender: publicKey, key: shared)
    }

    func bind(vni: UInt32, generation: UInt32, remote: PublicKey) -> [UInt8] {
        ControlMessage.bind(BindMessage(vni: vni, generation: generation, remoteKey: remote)).sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: vni), sender: publicKey, key: shared)
    }

    func answer(_ challenge: BindMessage, vni: UInt32? = nil) -> [UInt8] {
        ControlMessage.answer(challenge).sealedDatagram(
            header: GeneveHeader(isControl: true, protocolType: .control, vni: vni ?? challenge.vni),
            sender: publicKey, key: shared)
    }

    func open(_ reply: OutboundDatagram) throws -> ControlMessage {
        try reply.bytes.withUnsafeBytes { try DatagramParser.openControl($0, key: shared) }
    }
}

/// A relay table plus a tailnet, on a fake clock.
struct RelayHarness {
    let ca = CAPrivateKey.generate()
    let relayKey = PrivateKey.generate()
    var now = Timestamp(unixSeconds: 1_800_000_000)
    var table: SessionTable

    init(limits: RelayLimits = RelayLimits(), endpoints: [EndpointAddress] = [EndpointAddress("192.0.2.1:7000")!]) {
        let configuration = RelayConfiguration(
            relayKey: relayKey, tailnetID: "example.ts", trustedCAs: [ca.publicKey], advertisedEndpoints: endpoints,
            limits: limits)
        table = SessionTable(configuration: configuration, now: now)
    }

    func client(_ name: String, address: String, role: CertificateRole = .node, validFor: Duration = .seconds(86_400))
        -> TestClient
    {
        let key = PrivateKey.generate()
        let authority = try! CertificateAuthority(privateKey: ca, tailnetID: "example.ts")
        let certificate = try! authority.issue(
            role: role, subjectKey: key.publicKey, subjectID: "id-\(name)", subjectName: name, validFor: validFor,
            now: now)
        return TestClient(
            key: key, certificate: certificate, relayKey: relayKey.publicKey, address: EndpointAddress(address)!)
    }

    /// Feeds `datagram` from `source`; checks the no-amplification rule on every reply.
    mutating func send(_ datagram: [UInt8], from source: EndpointAddress) -> RelayAction {
        let action = datagram.withUnsafeBytes { table.handle($0, from: source, now: now) }
        if case .reply(let reply, _) = action {
            #expect(reply.bytes.count <= datagram.count, "reply larger than request")
            #expect(reply.destination == source)
        }
        return action
    }

    mutating func advance(_ duration: Duration) { now = now + duration }

    /// Allocates from `client` and returns the VNI from the AllocateResponse.
    mutating func allocate(_ client: TestClient, peer: TestClient, generation: UInt32 = 1) throws -> UInt32 {
        let action = send(client.allocate(peer: peer.publicKey, generation: generation), from: client.address)
        guard case .reply(let reply, _) = action, case .allocateResponse(let response) = try client.open(reply) else {
            Issue.record("allocate did not answer with AllocateResponse: \(action)")
            throw HarnessError.unexpected
        }
        #expect(response.generation == generation)
        return response.vni
    }

    /// Full Bind → Challenge → Answer from `client` at its current address.
    mutating func bind(_ client: TestClient, vni: UInt32, peer: TestClient, generation: UInt32) throws -> RelayAction {
        let action = send(client.bind(vni: vni, generation: generation, remote: peer.publicKey), from: client.address)
        guard case .reply(let reply, _) = action, case .challenge(let challenge) = try client.open(reply) else {
            Issue.record("bind did not answer with Challenge: \(action)")
            throw HarnessError.unexpected
        }
        return send(client.answer(challenge), from: client.address)
    }

    /// A WireGuard data datagram on `vni`.
    static func data(vni: UInt32, payload: Int = 100) -> [UInt8] {
        GeneveHeader(isControl: false, protocolType: .wireGuard, vni: vni).bytes
            + [UInt8](repeating: 0xAB, count: payload)
    }
}

enum HarnessError: Error { case unexpected }
