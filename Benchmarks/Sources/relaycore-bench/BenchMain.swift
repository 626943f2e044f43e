import RelayCore

// RelayCore micro-benchmarks (SwiftPM target relaycore-bench, built in release by Benchmarks/bench-relaycore).
// Measures the per-packet data path (classify + route) and the control path, and counts heap allocations on the
// data path through the malloc_count.c LD_PRELOAD shim.
#if canImport(Glibc)
    import Glibc
#endif

typealias CountFunction = @convention(c) () -> UInt
let mallocCount: CountFunction? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "peerrelay_malloc_count") else { return nil }
    return unsafeBitCast(symbol, to: CountFunction.self)
}()

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
        if decimals == 0 { text = String(text[..<dot]) }
    }
    return text
}

func padded(_ text: String, _ width: Int, left: Bool = false) -> String {
    let pad = String(repeating: " ", count: max(0, width - text.count))
    return left ? pad + text : text + pad
}

func report(_ name: String, operations: Int, nanoseconds: UInt64, allocations: UInt?) {
    let perOp = Double(nanoseconds) / Double(operations)
    let rate = 1e9 / perOp
    let allocText = allocations.map { fixed(Double($0) / Double(operations), 3) } ?? "n/a"
    print(
        padded(name, 44) + padded(fixed(perOp, 1), 10, left: true) + " ns/op " + padded(fixed(rate, 0), 12, left: true)
            + " op/s  allocations/op " + allocText)
}

@main
struct RelayCoreBench {
    static func main() {
        let arguments = CommandLine.arguments
        let sessionCount = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
        let packets = arguments.count > 2 ? Int(arguments[2]) ?? 5_000_000 : 5_000_000
        let relay = PrivateKey.generate()
        let ca = CAPrivateKey.generate()
        let authority = try! CertificateAuthority(privateKey: ca, tailnetID: "bench.ts")
        var now = Timestamp(unixSeconds: 1_800_000_000)
        let limits = RelayLimits(
            maxSessions: sessionCount + 10, maxSessionsPerNode: sessionCount + 10,
            allocateRate: RateLimit(perSecond: 1e9, burst: 1e9), bindRate: RateLimit(perSecond: 1e9, burst: 1e9))
        var table = SessionTable(
            configuration: RelayConfiguration(
                relayKey: relay, tailnetID: "bench.ts", trustedCAs: [ca.publicKey],
                advertisedEndpoints: [EndpointAddress("192.0.2.1:7000")!], limits: limits),
            now: now)

        // Open `sessionCount` sessions through the real protocol; time Allocate and Bind+Answer handling.
        struct Pair { var vni: UInt32; var a: EndpointAddress; var b: EndpointAddress }
        var pairs: [Pair] = []
        var allocateNanos: UInt64 = 0
        var bindNanos: UInt64 = 0
        var allocations = 0
        var binds = 0
        let setupMallocsBefore = mallocCount?()
        for index in 0..<sessionCount {
            let keys = [PrivateKey.generate(), PrivateKey.generate()]
            let addresses = [
                EndpointAddress(ipv4: 0x0A00_0000 + UInt32(index), port: 1000),
                EndpointAddress(ipv4: 0x0A80_0000 + UInt32(index), port: 2000),
            ]
            var vni: UInt32 = 0
            for side in 0..<2 {
                let key = keys[side]
                let peer = keys[1 - side].publicKey
                let shared = key.sharedKey(with: relay.publicKey)!
                let certificate = try! authority.issue(
                    role: .node, subjectKey: key.publicKey, subjectID: "n\(index)-\(side)", subjectName: "node",
                    now: now)
                let allocate = ControlMessage.allocate(
                    AllocateMessage(generation: 1, peerKey: peer, certificate: certificate)
                ).sealedDatagram(
                    header: GeneveHeader(isControl: true, protocolType: .control, vni: 0), sender: key.publicKey,
                    key: shared)
                var start = monotonicNanoseconds()
                let allocated = allocate.withUnsafeBytes { table.handle($0, from: addresses[side], now: now) }
                allocateNanos += monotonicNanoseconds() - start
                allocations += 1
                guard case .reply(let reply, _) = allocated,
                    case .allocateResponse(let response) = try! reply.bytes.withUnsafeBytes({
                        try DatagramParser.openControl($0, key: shared)
                    })
                else { fatalError("allocate failed: \(allocated)") }
                vni = response.vni
                let header = GeneveHeader(isControl: true, protocolType: .control, vni: vni)
                let bind = ControlMessage.bind(BindMessage(vni: vni, generation: 1, remoteKey: peer))
                    .sealedDatagram(header: header, sender: key.publicKey, key: shared)
                start = monotonicNanoseconds()
                let challenged = bind.withUnsafeBytes { table.handle($0, from: addresses[side], now: now) }
                bindNanos += monotonicNanoseconds() - start
                guard case .reply(let challengeReply, _) = challenged,
                    case .challenge(let challenge) = try! challengeReply.bytes.withUnsafeBytes({
                        try DatagramParser.openControl($0, key: shared)
                    })
                else { fatalError("bind failed") }
                let answer = ControlMessage.answer(challenge).sealedDatagram(
                    header: header, sender: key.publicKey, key: shared)
                start = monotonicNanoseconds()
                let bound = answer.withUnsafeBytes { table.handle($0, from: addresses[side], now: now) }
                bindNanos += monotonicNanoseconds() - start
                binds += 1
                guard case .none(.bound) = bound else { fatalError("answer failed") }
            }
            pairs.append(Pair(vni: vni, a: addresses[0], b: addresses[1]))
        }
        let setupMallocs = setupMallocsBefore.flatMap { b in (mallocCount?()).map { $0 - b } }
        print("RelayCore benchmark: \(sessionCount) open sessions, \(packets) data packets")
        print(
            "heap allocations while opening the sessions (shows the counter works): \(setupMallocs.map(String.init) ?? "n/a (no shim)")"
        )
        report(
            "Allocate (open box, verify cert, reply)", operations: allocations, nanoseconds: allocateNanos,
            allocations: nil)
        report("Bind + Answer (per handshake, cached key)", operations: binds, nanoseconds: bindNanos, allocations: nil)

        // Data path: 1280-byte WireGuard datagrams round-robin over sessions, both directions.
        var datagrams: [[UInt8]] = pairs.map {
            GeneveHeader(isControl: false, protocolType: .wireGuard, vni: $0.vni).bytes
                + [UInt8](repeating: 0xAB, count: 1272)
        }
        var forwarded = 0
        let before = mallocCount?()
        let start = monotonicNanoseconds()
        for index in 0..<packets {
            let slot = index % pairs.count
            let source = index & 1 == 0 ? pairs[slot].a : pairs[slot].b
            if index & 0xFFFF == 0 { now = now + .milliseconds(1) }
            let action = datagrams[slot].withUnsafeBytes { table.handle($0, from: source, now: now) }
            if case .forward = action { forwarded += 1 }
        }
        let elapsed = monotonicNanoseconds() - start
        let after = mallocCount?()
        precondition(forwarded == packets, "only \(forwarded) of \(packets) forwarded")
        report(
            "data: classify + route (handle)", operations: packets, nanoseconds: elapsed,
            allocations: before.flatMap { b in after.map { $0 - b } })

        let before2 = mallocCount?()
        let start2 = monotonicNanoseconds()
        for index in 0..<packets {
            let slot = index % pairs.count
            let source = index & 1 == 0 ? pairs[slot].a : pairs[slot].b
            if case .forward = table.route(vni: pairs[slot].vni, source: source, byteCount: 1280, now: now) {
                forwarded += 1
            }
        }
        let elapsed2 = monotonicNanoseconds() - start2
        let after2 = mallocCount?()
        report(
            "data: route only", operations: packets, nanoseconds: elapsed2,
            allocations: before2.flatMap { b in after2.map { $0 - b } })
        datagrams.removeAll()
        print("forwarded packets counter: \(table.counters.forwardedPackets)")
    }
}
