// libFuzzer entry for RelayCore, built by SwiftPM (target relaycore-fuzz; hack/fuzz adds -sanitize=fuzzer and
// -DFUZZING; an ordinary build makes the replayer in ReplayMain.swift). The first input byte picks what to fuzz:
//   0: whole datagrams into a SessionTable that holds one open session (data path and control framing)
//   1: control plaintexts (ControlMessage decoder)
//   2: certificates (decoder + verifier)
//   3: text parsers (EndpointAddress, PEM, base64 keys)
//   4: plaintexts sealed by a real session member into a control datagram (reaches Allocate/Bind/Answer logic)

import RelayCore

nonisolated(unsafe) var fuzzState: FuzzState? = nil

struct FuzzState {
    let relay = PrivateKey.generate()
    let ca = CAPrivateKey.generate()
    let a = PrivateKey.generate()
    let b = PrivateKey.generate()
    let addressA = EndpointAddress("10.0.0.1:1000")!
    let addressB = EndpointAddress("10.0.0.2:2000")!
    let now = Timestamp(unixSeconds: 1_800_000_000)
    var table: SessionTable
    let verifier: CertificateVerifier
    let certificateA: TailnetCertificate
    var vni: UInt32 = 0

    init() {
        let authority = try! CertificateAuthority(privateKey: ca, tailnetID: "fuzz.ts")
        certificateA = try! authority.issue(
            role: .node, subjectKey: a.publicKey, subjectID: "a", subjectName: "a", now: now)
        let certificateB = try! authority.issue(
            role: .node, subjectKey: b.publicKey, subjectID: "b", subjectName: "b", now: now)
        verifier = CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: "fuzz.ts")
        let limits = RelayLimits(
            maxSessions: 64, maxSessionsPerNode: 16, allocateRate: RateLimit(perSecond: 1e9, burst: 1e9),
            bindRate: RateLimit(perSecond: 1e9, burst: 1e9), maxTrackedSources: 1024)
        table = SessionTable(
            configuration: RelayConfiguration(
                relayKey: relay, tailnetID: "fuzz.ts", trustedCAs: [ca.publicKey],
                advertisedEndpoints: [EndpointAddress("192.0.2.1:7000")!, EndpointAddress("[2001:db8::1]:7000")!],
                limits: limits),
            now: now)
        // Establish one open session A <-> B through the real protocol.
        for (key, peer, cert, address) in [
            (a, b.publicKey, certificateA, addressA), (b, a.publicKey, certificateB, addressB),
        ] {
            let shared = key.sharedKey(with: relay.publicKey)!
            let allocate = ControlMessage.allocate(AllocateMessage(generation: 1, peerKey: peer, certificate: cert))
                .sealedDatagram(
                    header: GeneveHeader(isControl: true, protocolType: .control, vni: 0), sender: key.publicKey,
                    key: shared)
            guard case .reply(let reply, _) = allocate.withUnsafeBytes({ table.handle($0, from: address, now: now) }),
                case .allocateResponse(let response) = try! reply.bytes.withUnsafeBytes({
                    try DatagramParser.openControl($0, key: shared)
                })
            else { fatalError("fuzz setup: allocate failed") }
            vni = response.vni
            let header = GeneveHeader(isControl: true, protocolType: .control, vni: vni)
            let bind = ControlMessage.bind(BindMessage(vni: vni, generation: 1, remoteKey: peer))
                .sealedDatagram(header: header, sender: key.publicKey, key: shared)
            guard
                case .reply(let challengeReply, _) = bind.withUnsafeBytes({ table.handle($0, from: address, now: now) }),
                case .challenge(let challenge) = try! challengeReply.bytes.withUnsafeBytes({
                    try DatagramParser.openControl($0, key: shared)
                })
            else { fatalError("fuzz setup: bind failed") }
            let answer = ControlMessage.answer(challenge).sealedDatagram(
                header: header, sender: key.publicKey, key: shared)
            guard case .none(.bound) = answer.withUnsafeBytes({ table.handle($0, from: address, now: now) }) else {
                fatalError("fuzz setup: answer failed")
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if fuzzState == nil { fuzzState = FuzzState() }
    guard size >= 1, let data else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let mode = input[0] % 5
    let body = UnsafeRawBufferPointer(rebasing: input[1...])
    switch mode {
    case 0:
        let sources = [fuzzState!.addressA, fuzzState!.addressB, EndpointAddress("203.0.113.5:9")!]
        let source = sources[Int(body.first ?? 0) % sources.count]
        let action = fuzzState!.table.handle(body, from: source, now: fuzzState!.now)
        if case .reply(let reply, _) = action, reply.bytes.count > body.count {
            fatalError("amplification: reply \(reply.bytes.count) bytes for a \(body.count)-byte request")
        }
        if case .forward = action, body.count >= 2, body[1] & 0x80 != 0 {
            fatalError("forwarded a control datagram")
        }
    case 1:
        if let message = try? ControlMessage(decoding: body) {
            // Whatever decodes must re-encode to something that decodes to the same message.
            let again = try? ControlMessage(decoding: message.encoded())
            if again != message { fatalError("re-encoding changed \(message)") }
        }
    case 2:
        if let certificate = try? TailnetCertificate(decoding: body) {
            if certificate.encoded() != Array(body) { fatalError("certificate encoding is not canonical") }
            _ = try? fuzzState!.verifier.verify(
                certificate, role: .node, sealedBy: fuzzState!.a.publicKey, now: fuzzState!.now)
            _ = try? TailnetCertificate(pem: certificate.pemEncoded)
        }
    case 3:
        let text = String(decoding: body, as: UTF8.self)
        if let address = EndpointAddress(text), EndpointAddress(address.description) != address {
            fatalError("address \(address) does not round-trip")
        }
        _ = try? TailnetCertificate(pem: text)
        _ = PublicKey(base64: text)
        _ = Sodium.decodeBase64(text)
        _ = Hex.decode(text)
    default:
        let state = fuzzState!
        let fromB = (body.first ?? 0) & 1 == 1
        let key = fromB ? state.b : state.a
        let vni: UInt32 = (body.first ?? 0) & 2 == 0 ? state.vni : 0
        let shared = key.sharedKey(with: state.relay.publicKey)!
        let datagram =
            GeneveHeader(isControl: true, protocolType: .control, vni: vni).bytes
            + SealedEnvelope.seal(Array(body.dropFirst()), sender: key.publicKey, key: shared)
        let source = fromB ? state.addressB : state.addressA
        let action = datagram.withUnsafeBytes { fuzzState!.table.handle($0, from: source, now: state.now) }
        if case .reply(let reply, _) = action, reply.bytes.count > datagram.count {
            fatalError("amplification: reply \(reply.bytes.count) bytes for a \(datagram.count)-byte request")
        }
    }
    return 0
}
