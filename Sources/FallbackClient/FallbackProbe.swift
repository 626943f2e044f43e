import Fallback
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import RelayClient
import RelayCore

/// Checks a fallback relay end to end: two node identities connect, A sends numbered packets to B, B echoes each
/// back, A measures the round trips (`relayctl fallback probe`).
public struct FallbackProbe: Sendable {
    /// The relay to check.
    public var endpoint: FallbackEndpoint
    /// The two node identities: A sends, B echoes.
    public var sides: [RelayIdentity]
    /// TLS trust and timeouts of both connections.
    public var configuration: FallbackClientConfiguration
    /// Packets A sends.
    public var count: Int
    /// Size of each packet in bytes (at least 4: the sequence number).
    public var payloadSize: Int
    /// How long A waits for each echo.
    public var timeout: Duration

    /// `sides` must hold exactly two identities.
    public init(
        endpoint: FallbackEndpoint, sides: [RelayIdentity], configuration: FallbackClientConfiguration = .init(),
        count: Int, payloadSize: Int = 64, timeout: Duration = .seconds(2)
    ) {
        self.endpoint = endpoint
        self.sides = sides
        self.configuration = configuration
        self.count = count
        self.payloadSize = payloadSize
        self.timeout = timeout
    }

    /// What happened; `failure` is nil when both sides were admitted and at least one packet came back.
    public struct Report: Sendable, Encodable {
        /// The relay as given, e.g. `https://coord.example.net:443/fallback`.
        public var relay: String
        /// `upgrade` or `websocket`.
        public var transport: String
        /// Packets A sent.
        public var sent = 0
        /// Round trips of the answered packets (JSON: milliseconds).
        public var rttMilliseconds = RoundTripTimes()
        /// Why the probe failed; nil when it worked.
        public var failure: String?
        /// The relay's refusal reason (e.g. "revoked") when it refused a side.
        public var refusal: String?
    }

    /// Runs the probe, reporting progress lines through `output`.
    public func run(output: @Sendable (String) -> Void) async -> Report {
        var report = Report(relay: "\(endpoint)", transport: endpoint.transport.rawValue)
        precondition(sides.count == 2, "a fallback probe needs two identities")
        let a: FallbackConnection
        let b: FallbackConnection
        do {
            a = try await FallbackConnection.connect(to: endpoint, identity: sides[0], configuration: configuration)
            output("A \(sides[0].certificate.subjectName) (\(sides[0].publicKey.shortDescription)) admitted")
            b = try await FallbackConnection.connect(to: endpoint, identity: sides[1], configuration: configuration)
            output("B \(sides[1].certificate.subjectName) (\(sides[1].publicKey.shortDescription)) admitted")
        } catch {
            if case .refused(let notice) = error { report.refusal = notice.reason.metricLabel }
            report.failure = "\(error)"
            return report
        }
        defer {
            Task {
                await a.close()
                await b.close()
            }
        }
        let aKey = sides[0].publicKey
        // B echoes every packet back to A.
        let echo = Task {
            for await event in b.events {
                if case .packet(let source, let payload, _) = event, source == aKey {
                    try? b.send(to: aKey, payload: payload.readableBytesView)
                }
            }
        }
        defer { echo.cancel() }
        // A's consumer stamps each echo on arrival, so waiting for it does not add to the measured time.
        let answers = NIOLockedValueBox<[UInt32: ContinuousClock.Instant]>([:])
        let ended = NIOLockedValueBox<FallbackClientError?>(nil)
        let receiver = Task {
            for await event in a.events {
                switch event {
                case .packet(_, let payload, _):
                    if let sequence = payload.getInteger(at: payload.readerIndex, as: UInt32.self) {
                        let now = ContinuousClock.now
                        answers.withLockedValue { $0[sequence] = now }
                    }
                case .disconnected(let error):
                    ended.withLockedValue { $0 = error }
                default:
                    break
                }
            }
        }
        defer { receiver.cancel() }
        for sequence in 0..<count {
            var payload = withUnsafeBytes(of: UInt32(sequence).bigEndian, Array.init)
            payload += [UInt8](repeating: 0x50, count: max(0, payloadSize - 4))
            let start = ContinuousClock.now
            do {
                try a.send(to: sides[1].publicKey, payload: payload)
            } catch {
                // The connection closed under this send: the server's Close (e.g. revoked), delivered as an event
                // just after, says why better than "not connected".
                let deadline = ContinuousClock.now + timeout
                while ended.withLockedValue({ $0 }) == nil, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                let reason = ended.withLockedValue { $0 }.map { "\($0)" } ?? "\(error)"
                report.failure = reason
                output("connection ended: \(reason)")
                break
            }
            report.sent += 1
            var answeredAt: ContinuousClock.Instant?
            while answeredAt == nil, ContinuousClock.now - start < timeout, ended.withLockedValue({ $0 }) == nil {
                try? await Task.sleep(for: .microseconds(200))
                answeredAt = answers.withLockedValue { $0[UInt32(sequence)] }
            }
            if let answeredAt {
                let rtt = report.rttMilliseconds.record(answeredAt - start)
                output("seq=\(sequence) rtt=\(RoundTripTimes.text(rtt)) ms")
            } else if let error = ended.withLockedValue({ $0 }) {
                report.failure = "\(error)"
                output("connection ended: \(error)")
                break
            } else {
                output("seq=\(sequence) no answer within \(timeout)")
            }
        }
        if report.failure == nil && report.rttMilliseconds.isEmpty {
            report.failure = "no packet came back through the relay"
        }
        if let summary = report.rttMilliseconds.summary {
            output("\(report.rttMilliseconds.count)/\(report.sent) answered, \(summary)")
        }
        return report
    }
}
