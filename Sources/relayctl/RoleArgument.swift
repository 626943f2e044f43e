// A conformance of a public type is public, so its protocol's module is imported publicly (relayctl has no API).
public import ArgumentParser
import RelayCore

extension CertificateRole: ExpressibleByArgument {
    init?(argument: String) {
        switch argument {
        case "node": self = .node
        case "relay": self = .relay
        default: return nil
        }
    }

    static var allValueStrings: [String] { ["node", "relay"] }
}
