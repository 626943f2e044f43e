import NIOCore
import RelayCore
import RelayNIO

/// An end-to-end check of one relay: two identities allocate the same session, bind, and exchange sealed pings.
public struct RelayProbe: Sendable {
    /// The relay to check.
    public var relay: RelayEndpoint
    /// The two node identities: A pings B.
    public var sides: [RelayIdentity]
    /// Local address, timeouts and retries of both clients.
    public var configuration: RelayClientConfiguration
    /// Pings A sends.
    public var count: Int

    /// `sides` must hold exactly two identities (A pings B).
    public init(relay: RelayEndpoint, sides: [RelayIdentity], configuration: RelayClientConfiguration, count: Int) {
        self.relay = relay
        self.sides = sides
        self.configuration = configuration
        self.count = count
    }

    /// What happened. `failure` is nil when every step worked and at least one ping was answered.
    public struct Report: Sendable, Encodable {
        /// The relay, as `address (key)`.
        public var relay: String
        /// The session's VNI, once allocated.
        public var vni: UInt32?
        /// The bind timeout the relay granted.
        public var bindTimeoutMilliseconds: Int64?
        /// The idle timeout the relay granted.
        public var idleTimeoutSeconds: Int64?
        /// The local socket addresses of side A and side B.
        public var localAddresses: [String] = []
        /// Pings A sent.
        public var pingsSent = 0
        /// Round trips of the answered pings (JSON: milliseconds).
        public var rttMilliseconds = RoundTripTimes()
        /// The step that failed, e.g. "Bind (side B)".
        public var failedStep: String?
        /// Why the probe failed, prefixed with the step; nil when it worked.
        public var failure: String?
        /// The relay's error code name when the relay refused, e.g. "wrongTailnet".
        public var relayError: String?
    }

    /// Runs the probe; `progress` receives one human-readable line per step. Never throws: failures are in the
    /// report, with the step that failed.
    public func run(progress: (String) -> Void = { _ in }) async -> Report {
        var report = Report(relay: relay.description)
        precondition(sides.count == 2, "RelayProbe needs exactly two identities")
        var clients: [RelayClient] = []
        var step = "open sockets"
        do {
            for side in sides {
                clients.append(
                    try await RelayClient.connect(identity: side, relay: relay, configuration: configuration))
            }
            report.localAddresses = clients.map { EndpointAddress($0.localAddress)?.description ?? "?" }
            let (a, b) = (clients[0], clients[1])

            step = "Allocate (side A)"
            let allocationA = try await a.allocate(peer: b.identity.publicKey)
            step = "Allocate (side B)"
            let allocationB = try await b.allocate(peer: a.identity.publicKey)
            guard allocationA.vni == allocationB.vni else {
                throw RelayClientError.protocolViolation(
                    "the two sides were given different VNIs (\(allocationA.vni) and \(allocationB.vni)) for one pair")
            }
            report.vni = allocationA.vni
            report.bindTimeoutMilliseconds =
                Int64(allocationA.bindTimeout.components.seconds * 1000)
                + allocationA.bindTimeout.components.attoseconds / 1_000_000_000_000_000
            report.idleTimeoutSeconds = allocationA.idleTimeout.components.seconds
            progress(
                "allocated VNI \(allocationA.vni) on relay \(relay) (bind timeout \(allocationA.bindTimeout), "
                    + "idle timeout \(allocationA.idleTimeout))")

            step = "Bind (side A)"
            let sessionA = try await a.bind(allocationA)
            step = "Bind (side B)"
            _ = try await b.bind(allocationB)
            progress("bound A from \(report.localAddresses[0]) and B from \(report.localAddresses[1])")

            step = "Ping"
            var lastError: RelayClientError? = nil
            for _ in 0..<count {
                report.pingsSent += 1
                do {
                    let rtt = try await sessionA.ping()
                    report.rttMilliseconds.record(rtt)
                } catch {
                    lastError = error
                    if case .closed = error { break }
                }
            }
            let answered = report.rttMilliseconds.count
            if answered == 0, let lastError { throw lastError }
            progress(pingLine(report))
        } catch let error as RelayClientError {
            report.failedStep = step
            report.failure = "\(step): \(error)"
            report.relayError = error.relayErrorCode?.name
        } catch {
            report.failedStep = step
            report.failure = "\(step): \(error)"
        }
        for client in clients { await client.close() }
        return report
    }

    private func pingLine(_ report: Report) -> String {
        let answered = "\(report.rttMilliseconds.count)/\(report.pingsSent) pings answered"
        guard let summary = report.rttMilliseconds.summary else { return answered }
        return "\(answered) end to end through the relay: \(summary)"
    }
}
