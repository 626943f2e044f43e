import ArgumentParser
import Coordinator
import Tailnet

/// `tailnet-coordinator rotate-ca`: makes a new CA key active and re-issues every certificate.
struct RotateCACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-ca",
        abstract: "Rotate the tailnet CA: new key active, previous key trusted for --overlap, certificates re-issued.",
        discussion: "Safe while `serve` runs on the same database: it picks the change up within a second.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Seconds the previous CA key stays trusted (default 7 days).")
    var overlap: Int64 = 7 * 86_400

    func run() async throws {
        let store = try storage.directory.openStore()
        defer { try? store.close() }
        let rotation = try await store.rotateCA(overlap: overlap)
        print("re-issued \(rotation.reissued) certificates; trusted CA keys:")
        for key in rotation.tailnet.caPublicKeys {
            let until = key.trustedUntil.map { "trusted until \($0)" } ?? "active"
            print("  \(key.keyID) \(key.publicKey) (\(until))")
        }
    }
}
