import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// relayctl's saved coordinator connection (written 0600 by `relayctl tailnet init`).
struct TailnetConfigFile: Codable, Equatable {
    var coordinator: String
    var adminToken: String
    var coordinatorCA: String?
    var tailnetID: String

    /// `$XDG_CONFIG_HOME/peerrelay/tailnet.json`, else `$HOME/.config/peerrelay/tailnet.json`.
    static var defaultPath: String {
        if let xdg = getenv("XDG_CONFIG_HOME").map({ String(cString: $0) }), !xdg.isEmpty {
            return xdg + "/peerrelay/tailnet.json"
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return home + "/.config/peerrelay/tailnet.json"
    }

    static func load(path: String) -> TailnetConfigFile? {
        guard let text = try? KeyFile.readText(at: path) else { return nil }
        return try? JSONDecoder().decode(TailnetConfigFile.self, from: Data(text.utf8))
    }

    func save(path: String) throws {
        var directory = path
        while let last = directory.last, last != "/" { directory.removeLast() }
        if !directory.isEmpty { try FileSystem.makeDirectory(String(directory.dropLast())) }
        do {
            try KeyFile.writeText(try jsonText(self) + "\n", to: path)
        } catch {
            throw CLIError("cannot save \(path): \(error)")
        }
    }
}
