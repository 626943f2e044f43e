import Coordinator
import Fallback
import FallbackClient
import FallbackServer
import Foundation
import Logging
import NIOCore
import NIOSSL
import PeerRelayTestSupport
import RelayClient
import RelayCore
import ServiceLifecycle
import Synchronization
import Telemetry
import Testing

/// A tailnet CA and node identities for fallback tests (all in memory).
final class Testbed: Sendable {
    static let tailnetID = "fallback.test"
    let ca: CertificateAuthority
    private let serials = Atomic<UInt64>(100)

    init() {
        ca = try! CertificateAuthority(privateKey: .generate(), tailnetID: Self.tailnetID)
    }

    var verifier: CertificateVerifier { CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: Self.tailnetID) }

    func verifier(revoking serials: Set<UInt64>) -> CertificateVerifier {
        CertificateVerifier(trustedCAs: [ca.publicKey], tailnetID: Self.tailnetID, revokedSerials: serials)
    }

    /// A node identity with a fresh key; `validFrom` shifts the validity window (negative: in the past).
    func identity(
        _ name: String, validFor: Duration = .seconds(3600), validFrom: Duration = .zero,
        by issuer: CertificateAuthority? = nil
    )
        -> RelayIdentity
    {
        let key = PrivateKey.generate()
        let serial = serials.add(1, ordering: .relaxed).newValue
        let certificate = try! (issuer ?? ca).issue(
            role: .node, subjectKey: key.publicKey, subjectID: "id-\(name)", subjectName: name, validFor: validFor,
            now: .now() + validFrom, serial: serial)
        return try! RelayIdentity(privateKey: key, certificate: certificate)
    }
}

extension LoopbackTLSCertificate {
    /// A fallback client configuration that trusts this certificate.
    var clientConfiguration: FallbackClientConfiguration {
        get throws { try FallbackClientConfiguration.trusting(caFile: certificate) }
    }
}

/// Runs a standalone fallback server (real Hummingbird listener on 127.0.0.1) for the duration of `body`.
func withFallbackServer<T: Sendable>(
    _ testbed: Testbed, configuration: FallbackServerConfiguration = FallbackServerConfiguration(),
    tls: LoopbackTLSCertificate? = nil, port: Int = 0,
    _ body: @Sendable (_ server: FallbackServer, _ port: Int) async throws -> T
) async throws -> T {
    var configuredLogger = Logger(label: "fallback-test")
    configuredLogger.logLevel = .warning
    let logger = configuredLogger
    let server = FallbackServer(configuration: configuration, verifier: testbed.verifier, logger: logger)
    let listen = CoordinatorServer.Configuration(
        host: "127.0.0.1", port: port, tlsCertificatePath: tls?.certificate, tlsKeyPath: tls?.key, fallback: nil)
    return try await withRunningService(
        logger: logger,
        { bound in
            try StandaloneFallback.makeApplication(
                listen: listen, server: server, trust: nil, debugToken: "debug-token", logger: logger, onRunning: bound)
        }
    ) { port in try await body(server, port) }
}

/// Collects packets from `events` until `count` arrived or `timeout` passed.
func collectPackets(_ events: AsyncStream<FallbackEvent>, count: Int, timeout: Duration = .seconds(20))
    async -> [(source: PublicKey, payload: [UInt8], control: Bool)]
{
    let collected = Locked<[(source: PublicKey, payload: [UInt8], control: Bool)]>([])
    await withTaskGroup(of: Void.self) { group in
        group.addTask {
            for await event in events {
                guard case .packet(let source, let payload, let control) = event else { continue }
                let done = collected.withLock {
                    $0.append((source, Array(payload.readableBytesView), control))
                    return $0.count >= count
                }
                if done { return }
            }
        }
        group.addTask { try? await Task.sleep(for: timeout) }
        await group.next()
        group.cancelAll()
    }
    return collected.withLock { $0 }
}

/// Reads a counter or gauge sample from Prometheus text, e.g. `fallback_drops_total{reason="queue_full"}`.
func metric(_ server: FallbackServer, _ name: String) -> Double {
    let text = String(decoding: server.metrics.telemetry.render(), as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.split(separator: " ").last ?? "") ?? -1
    }
    return 0
}

/// A lock-protected value that closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout sending Value) -> sending T) -> T { mutex.withLock(body) }
}
