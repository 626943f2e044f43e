import ArgumentParser
import RelayClient

/// The two node identities that `relayctl probe` and `relayctl fallback probe` run as (side A, then side B).
struct ProbeIdentityOptions: ParsableArguments {
    @Option(name: .customLong("identity"), help: "Node identity path prefix (give it twice: side A, then side B).")
    var identities: [String] = []

    func validate() throws {
        guard identities.count == 2 else {
            throw ValidationError(
                "give exactly two --identity PREFIX options (one per side), got \(identities.count); "
                    + "create them with `relayctl cert issue --role node --out PREFIX`")
        }
    }

    /// Both identities, each read from PREFIX.key and PREFIX.crt.
    func load() throws -> [RelayIdentity] {
        try identities.map { prefix in
            try RelayIdentity(keyFile: prefix + ".key", certificateFile: prefix + ".crt")
        }
    }
}
