import RelayCore
public import Tailnet

extension RelayTrust {
    /// The trust in force once the coordinator's revocation list is known.
    ///
    /// Revoked serials are the union of the settings' and the list's. CA keys only ever narrow: a key of the
    /// settings that the list no longer names stops being trusted (a removed CA ends its sessions), but a key only
    /// the list names is not added — the relay's trust anchors come from its own settings, so a coordinator (or
    /// anyone between it and the relay) cannot make it trust a new CA. If the list names none of the settings'
    /// keys, the settings' keys stay and `problem` says why (a misconfiguration, not a reason to refuse everyone).
    public func applying(_ list: RevocationList) -> (trust: RelayTrust, problem: String?) {
        let listed = Set(list.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey)?.keyID })
        var trust = self
        trust.revokedSerials.formUnion(list.serials)
        let kept = caKeys.filter { listed.contains($0.keyID) }
        if kept.isEmpty {
            return (
                trust,
                "the coordinator lists none of this relay's CA keys (it lists "
                    + listed.map(\.description).sorted().joined(separator: ", ")
                    + "); check caKeys against `relayctl tailnet info`"
            )
        }
        trust.caKeys = kept
        return (trust, nil)
    }
}
