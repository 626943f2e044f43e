public import RelayCore
import Tailnet

extension RelayEngine {
    /// The `/debug/config` document.
    func configSnapshot(now: Timestamp = .now()) -> ConfigDocument {
        withContext { context in
            let configuration = context.configuration
            let limits = configuration.limits
            // The trust in force: the settings' narrowed and extended by the coordinator's list, if any.
            let trust = context.coordinatorList.map { configuration.trust.applying($0).trust } ?? configuration.trust
            return ConfigDocument(
                tailnet: configuration.tailnetID, relayKey: configuration.privateKey.publicKey.base64,
                certificateName: configuration.certificate.subjectName,
                certificateSerial: configuration.certificate.serial,
                certificateNotAfter: configuration.certificate.notAfter,
                listenAddresses: context.listenAddresses, port: context.port,
                advertisedEndpoints: context.advertised.map(\.description),
                caKeyIDs: trust.caKeys.map { "\($0.keyID)" },
                revokedSerials: trust.revokedSerials.sorted(),
                limits: ConfigDocument.Limits(
                    maxSessions: limits.maxSessions, maxSessionsPerNode: limits.maxSessionsPerNode,
                    idleTimeoutSeconds: limits.idleTimeout.components.seconds,
                    bindTimeoutSeconds: limits.bindTimeout.components.seconds,
                    allocationsPerSecond: limits.allocateRate.perSecond,
                    allocationBurst: Int(limits.allocateRate.burst), bindsPerSecond: limits.bindRate.perSecond,
                    bindBurst: Int(limits.bindRate.burst)),
                uptimeSeconds: (now - context.startedAt).components.seconds)
        }
    }
}

/// `/debug/sessions`: every session with both sides (certificate name, short key, bound address, counters).
public struct SessionsDocument: Codable, Sendable {
    /// Sessions in the table (allocated or bound).
    public var count: Int
    /// Sessions with both sides bound.
    public var open: Int
    /// Every session.
    public var sessions: [SessionSnapshot]
}

extension RelayEngine {
    /// The `/debug/sessions` document.
    func sessionSnapshot(now: Timestamp) -> SessionsDocument {
        let sessions = withTable { $0.snapshot(now: now) }
        return SessionsDocument(
            count: sessions.count, open: sessions.filter { $0.state == "open" }.count, sessions: sessions)
    }
}
