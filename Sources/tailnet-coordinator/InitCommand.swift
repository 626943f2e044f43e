import ArgumentParser
import Coordinator
import Tailnet

/// `tailnet-coordinator init`: creates the tailnet, its CA and the first admin token.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a tailnet: database, CA key (0600) and the first admin token.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Tailnet id written into every certificate ([a-z0-9.-], 1…63).")
    var tailnetID: String

    @Option(help: "Human-readable tailnet name.")
    var name: String?

    @Option(help: "Also write the admin token to this file (mode 0600) instead of only printing it.")
    var adminTokenFile: String?

    func run() async throws {
        let store = try storage.directory.openStore()
        defer { try? store.close() }
        let token = try await store.initialize(tailnetID: tailnetID, name: name ?? tailnetID)
        let info = try await store.tailnetInfo()
        if let adminTokenFile {
            try TokenFile.write(token, to: adminTokenFile)
        }
        print("tailnet \(info.id) created in \(storage.dataDir)")
        print("CA key \(info.caPublicKeys[0].keyID): \(info.caPublicKeys[0].publicKey)")
        if let adminTokenFile {
            print("admin token written to \(adminTokenFile)")
        } else {
            print("admin token (shown once; only its hash is stored):")
            print(token)
        }
    }
}
