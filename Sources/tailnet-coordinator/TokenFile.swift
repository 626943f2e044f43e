import RelayCore

/// Writes secrets to files readable only by their owner.
enum TokenFile {
    static func write(_ token: String, to path: String) throws {
        do {
            try KeyFile.writeText(token + "\n", to: path)
        } catch {
            throw CLIFailure(error)
        }
    }
}
