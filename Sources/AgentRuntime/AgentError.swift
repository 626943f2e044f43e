/// Why the agent cannot go on, with what to do about it.
enum AgentError: Error, CustomStringConvertible {
    case notRegistered(stateDirectory: String)
    case coordinator(String)
    case wireGuard(String)
    case command(String, status: Int32, output: String)
    case configuration(String)

    var description: String {
        switch self {
        case .notRegistered(let directory):
            "no stored identity in \(directory) and no pre-auth key: pass --pre-auth-key (create one with "
                + "`relayctl keys create`) or point --state-dir at the directory of a registered node"
        case .coordinator(let text): "coordinator: \(text)"
        case .wireGuard(let text): "WireGuard: \(text)"
        case .command(let command, let status, let output):
            "`\(command)` failed (exit \(status)): \(output.prefix(300))"
        case .configuration(let text): text
        }
    }
}
