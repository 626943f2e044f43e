import Agent
import Logging
import RelayCore
import Tailnet

extension AgentController {
    /// How often relay certificates are checked again between netmaps (they expire on their own).
    static let relayRecheckInterval: Duration = .seconds(5)

    /// Checks every relay of the netmap against the tailnet CA (`RelayCertificateCheck`): relay id → why refused.
    func checkRelayCertificates() -> [String: String] {
        relayRefusalsCheckedAt = MonotonicClock.now()
        guard let trust else { return [:] }
        let now = Timestamp.now()
        var refusals: [String: String] = [:]
        for (id, relay) in relays {
            let why = RelayCertificateCheck.refusal(
                certificate: Sodium.decodeBase64(relay.info.certificate), relayKey: relay.key, verifier: trust,
                now: now)
            if let why {
                refusals[id] = why
                if relayRefusals[id] != why { logger.warning("relay \(relayName(relay.info)) refused: \(why)") }
            } else if relayRefusals[id] != nil {
                logger.info("relay \(relayName(relay.info)): certificate checks out again")
            }
        }
        return refusals
    }

    /// Between netmaps: a relay certificate may have expired; every peer's policy hears a change at once.
    func recheckRelayCertificates(now: Timestamp) {
        if let last = relayRefusalsCheckedAt, now - last < Self.relayRecheckInterval { return }
        let next = checkRelayCertificates()
        guard next != relayRefusals else { return }
        relayRefusals = next
        for control in peers.keys {
            perform(peers[control]!.paths.setRelayRefusals(next, now: now), peer: control)
        }
    }

    /// Takes `bytes` as the node certificate (relay sessions and the fallback connection use it from now on)
    /// unless it expires before the one in use (a netmap older than a renewal).
    func adoptCertificate(_ bytes: [UInt8]) {
        guard bytes != certificate, let next = try? TailnetCertificate(decoding: bytes) else { return }
        if let current = try? TailnetCertificate(decoding: certificate), next.notAfter < current.notAfter { return }
        certificate = bytes
        logger.info("node certificate serial \(next.serial) in use (valid until \(next.notAfter) Unix s)")
    }
}
