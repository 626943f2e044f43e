import CoreMetrics
import Logging
import NIOConcurrencyHelpers
public import RelayCore
import Tailnet

/// What the data plane does with a control datagram.
enum ControlOutcome {
    /// Send these bytes back to the datagram's source; `refused` is set when they are an Error (the request is
    /// counted as dropped for that reason).
    case reply([UInt8], refused: DropReason?)
    /// Accepted, nothing to send (a valid Answer).
    case handled
    case drop(DropReason)
}

/// The relay's shared state: RelayCore's `SessionTable` behind one lock (every socket of every loop calls in), plus
/// what the server adds around it — metrics from each control event, reloads, the debug views.
public final class RelayEngine: Sendable {
    struct Context {
        var configuration: RelayServerConfiguration
        var listenAddresses: [String]
        var port: Int
        var advertised: [EndpointAddress]
        var startedAt: Timestamp
        /// The coordinator's revocation list in force, if the relay follows a coordinator and has one.
        var coordinatorList: RevocationList?
        /// Why the coordinator's list could not narrow the CA keys (see `RelayTrust.applying`).
        var trustProblem: String?
    }

    private let table: NIOLockedValueBox<SessionTable>
    private let context: NIOLockedValueBox<Context>
    /// Table counters already exported as metrics.
    private let exported = NIOLockedValueBox<(created: UInt64, idle: UInt64, unbound: UInt64)>((0, 0, 0))
    let metrics: RelayMetrics
    /// Session ends and the revocation list's freshness.
    let trustMetrics: TrustMetrics
    /// Sends the unprompted Errors of ended sessions (set once the sockets are bound).
    let noticeSink = NIOLockedValueBox<(@Sendable ([OutboundDatagram]) -> Void)?>(nil)
    let logger: Logger

    init(configuration: RelayServerConfiguration, metrics: RelayMetrics, logger: Logger, now: Timestamp = .now()) {
        self.metrics = metrics
        self.trustMetrics = TrustMetrics(factory: metrics.factory)
        self.logger = logger
        let advertised = configuration.advertisedEndpoints
        table = NIOLockedValueBox(
            SessionTable(configuration: Self.coreConfiguration(configuration, advertised: advertised), now: now))
        context = NIOLockedValueBox(
            Context(
                configuration: configuration, listenAddresses: configuration.listenAddresses,
                port: configuration.port, advertised: advertised, startedAt: now))
    }

    static func coreConfiguration(
        _ configuration: RelayServerConfiguration, advertised: [EndpointAddress], list: RevocationList? = nil
    ) -> RelayConfiguration {
        let trust = list.map { configuration.trust.applying($0).trust } ?? configuration.trust
        return RelayConfiguration(
            relayKey: configuration.privateKey, tailnetID: configuration.tailnetID,
            trustedCAs: trust.caKeys, revokedSerials: trust.revokedSerials,
            advertisedEndpoints: advertised, limits: configuration.limits)
    }

    // MARK: Data and control paths

    /// Forwarding decision for a data datagram (one lock acquisition, no allocation).
    @inline(__always)
    func route(vni: UInt32, source: EndpointAddress, length: Int, now: Timestamp) -> Route {
        table.withLockedValue { $0.route(vni: vni, source: source, byteCount: length, now: now) }
    }

    /// Handles a control datagram and records what happened.
    ///
    /// The public-key work (opening the box, an Allocate's key agreement and certificate check) runs outside the
    /// table lock, so a flood of Allocates with random keys cannot stall forwarding on other sockets.
    func handleControl(
        datagram: UnsafeRawBufferPointer, header: GeneveHeader, sender: PublicKey, source: EndpointAddress,
        now: Timestamp
    ) -> ControlOutcome {
        let result: ControlResult
        switch table.withLockedValue({ $0.admitControl(header: header, sender: sender, from: source, now: now) }) {
        case .dropped(let reason):
            result = ControlResult(reply: nil, event: .dropped(reason))
        case .admitted(let admission):
            let opened = admission.open(datagram, now: now)
            result = table.withLockedValue { $0.applyControl(opened, now: now) }
        }
        record(result, vni: header.vni, source: source)
        if let reply = result.reply {
            if case .refused(let reason, _, _) = result.event { return .reply(reply.bytes, refused: reason) }
            return .reply(reply.bytes, refused: nil)
        }
        if case .dropped(let reason) = result.event { return .drop(reason) }
        if case .refused(let reason, _, _) = result.event { return .drop(reason) }
        return .handled
    }

    private func record(_ result: ControlResult, vni: UInt32, source: EndpointAddress) {
        let failedStep: HandshakeStep = vni == 0 ? .allocate : .bind
        switch result.event {
        case .allocated(let vni, let sender, let peer, let created):
            metrics.recordHandshake(step: .allocate, result: "ok")
            if created {
                logger.info(
                    "session allocated",
                    metadata: ["vni": "\(vni)", "node": "\(sender)", "peer": "\(peer)", "source": "\(source)"])
            }
        case .challenged:
            metrics.recordHandshake(step: .bind, result: "ok")
        case .bound(let vni, let sender, let address, let moved, let open):
            metrics.recordHandshake(step: .answer, result: "ok")
            logger.info(
                moved ? "session side re-bound" : "session side bound",
                metadata: ["vni": "\(vni)", "node": "\(sender)", "address": "\(address)", "open": "\(open)"])
        case .refused(let reason, let code, let detail):
            metrics.recordHandshake(step: failedStep, result: RelayMetrics.label(code))
            if result.reply != nil { metrics.recordErrorSent(code) }
            logger.notice(
                "request refused",
                metadata: [
                    "reason": "\(reason.metricLabel)", "code": "\(RelayMetrics.label(code))", "detail": "\(detail)",
                    "source": "\(source)", "errorSent": "\(result.reply != nil)",
                ])
        case .dropped(let reason):
            metrics.recordHandshake(step: failedStep, result: reason.metricLabel)
        }
    }

    // MARK: Maintenance

    /// Removes expired sessions; returns how many.
    func sweep(now: Timestamp) -> Int {
        let (removed, ended) = table.withLockedValue { ($0.expire(now: now), $0.revalidate(now: now)) }
        for (vni, reason) in removed {
            logger.info("session expired", metadata: ["vni": "\(vni)", "reason": "\(reason.rawValue)"])
        }
        endSessions(ended)
        refreshGauges()
        return removed.count + ended.count
    }

    /// Sets the session gauges and the session lifecycle counters from the table's own counters.
    func refreshGauges() {
        let (total, open, counters) = table.withLockedValue { ($0.sessionCount, $0.openSessionCount, $0.counters) }
        metrics.recordSessions(binding: total - open, open: open)
        let deltas = exported.withLockedValue { exported in
            defer {
                exported = (counters.sessionsCreated, counters.sessionsExpiredIdle, counters.sessionsExpiredUnbound)
            }
            return (
                counters.sessionsCreated &- exported.created, counters.sessionsExpiredIdle &- exported.idle,
                counters.sessionsExpiredUnbound &- exported.unbound
            )
        }
        if deltas.0 > 0 { metrics.sessionsCreated.increment(by: Int64(deltas.0)) }
        if deltas.1 > 0 { metrics.sessionsExpired["open"]?.increment(by: Int64(deltas.1)) }
        if deltas.2 > 0 { metrics.sessionsExpired["binding"]?.increment(by: Int64(deltas.2)) }
    }

    /// The sweep period for the current limits.
    var sweepInterval: Duration {
        ExpirySweeper.interval(for: context.withLockedValue { $0.configuration.limits })
    }

    /// Called once the sockets are bound: endpoints to advertise can now include the real port.
    func socketsBound(listenAddresses: [String], port: Int) {
        let configuration = context.withLockedValue { context in
            context.listenAddresses = listenAddresses
            context.port = port
            return context.configuration
        }
        apply(configuration)
    }

    /// Applies a reloaded configuration: trust, revocations, advertised endpoints and limits change for new
    /// requests; sessions stay. A different relay key is refused (sessions are sealed with it).
    func reload(_ configuration: RelayServerConfiguration) throws(RelayConfigurationError) {
        let current = context.withLockedValue { $0.configuration.privateKey.publicKey }
        guard configuration.privateKey.publicKey == current else { throw .privateKeyChanged }
        apply(configuration)
    }

    private func apply(_ configuration: RelayServerConfiguration, list: RevocationList? = nil) {
        // Under the context lock, so two applies (a reload and a revocation update) cannot land out of order.
        let (advertised, ended, problem) = context.withLockedValue { context in
            context.configuration = configuration
            if let list { context.coordinatorList = list }
            context.advertised = AdvertisedEndpoints.resolve(
                configured: configuration.advertisedEndpoints, listenAddresses: context.listenAddresses,
                port: context.port)
            let problem = context.coordinatorList.flatMap { configuration.trust.applying($0).problem }
            context.trustProblem = problem
            let core = Self.coreConfiguration(
                configuration, advertised: context.advertised, list: context.coordinatorList)
            return (context.advertised, table.withLockedValue { $0.reconfigure(core, now: .now()) }, problem)
        }
        endSessions(ended)
        if let problem { logger.error("coordinator trust not applied", metadata: ["problem": "\(problem)"]) }
        if advertised.isEmpty {
            logger.warning(
                "no endpoint to advertise: clients will use the address they sent Allocate to; set --advertise")
        }
    }

    func withContext<T>(_ body: (Context) -> T) -> T {
        context.withLockedValue { body($0) }
    }

    func withTable<T>(_ body: (inout SessionTable) -> T) -> T {
        table.withLockedValue { body(&$0) }
    }

    /// Endpoints currently sent in AllocateResponse.
    public var advertisedEndpoints: [EndpointAddress] { context.withLockedValue { $0.advertised } }

    /// Puts the coordinator's revocation list in force: revoked serials are refused from now on and open sessions
    /// of revoked nodes (or of CAs the coordinator dropped) end at once.
    func applyRevocations(_ list: RevocationList) {
        apply(context.withLockedValue { $0.configuration }, list: list)
    }
}
