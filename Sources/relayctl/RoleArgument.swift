import ArgumentParser
import RelayCore

extension CertificateRole: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "node": self = .node
        case "relay": self = .relay
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["node", "relay"] }
}
