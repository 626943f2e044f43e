public import RelayCore

/// Why the relay configuration cannot be used. Every message says what is wrong and what to do.
public enum RelayConfigurationError: Error, Equatable, CustomStringConvertible {
    case badValue(setting: String, value: String, expected: String)
    case unknownConfigKey(path: String, key: String)
    case unreadableConfigFile(path: String, reason: String)
    case malformedConfigFile(path: String, reason: String)
    case missingSetting(field: String)
    case keyFile(KeyFileError)
    case malformedCertificate(path: String, reason: String)
    case certificateNotRelay(path: String, role: String)
    case certificateKeyMismatch(path: String, certificateKey: String, privateKeyPublic: String)
    case certificateNotTrusted(path: String, reason: String)
    case noTrustedCAs
    case badCAKey(String)
    case badListenAddress(String)
    case badEndpoint(String)
    case badLogFormat(String)
    case badLogLevel(String)
    case privateKeyChanged

    /// The exit status `relay-server` uses for this error (sysexits: 64 usage, 78 configuration).
    public var exitCode: Int32 {
        switch self {
        case .badValue: 64
        default: 78
        }
    }

    public var description: String {
        switch self {
        case .badValue(let setting, let value, let expected):
            return "invalid value '\(value)' for \(setting): expected \(expected)"
        case .unknownConfigKey(let path, let key):
            return "config file \(path): unknown key \"\(key)\"; docs/relay-server.md lists the keys "
                + "(fix the spelling or remove it)"
        case .unreadableConfigFile(let path, let reason):
            return "cannot read config file \(path): \(reason); check the path given by --config or RELAY_CONFIG"
        case .malformedConfigFile(let path, let reason):
            return "config file \(path) is not valid: \(reason); it must be one JSON object (see docs/relay-server.md)"
        case .missingSetting(let key):
            let field = RelaySettingField.field(key: key)
            let flag = field.map { "--\($0.flag)" } ?? key
            let env = field?.environmentVariable ?? ""
            return "\(field?.help ?? key) is not set; pass \(flag), set \(env) or add \"\(key)\" to the config file"
        case .keyFile(let error):
            return error.description
        case .malformedCertificate(let path, let reason):
            return "certificate file \(path) is not a valid PeerRelay certificate: \(reason); "
                + "issue one with `relayctl cert issue --role relay` or fetch it from the coordinator"
        case .certificateNotRelay(let path, let role):
            return "certificate \(path) has role \(role), but a relay needs a certificate of role relay; "
                + "issue one with `relayctl cert issue --role relay`"
        case .certificateKeyMismatch(let path, let certificateKey, let privateKeyPublic):
            return "certificate \(path) is for key \(certificateKey), but the private key file holds the key of "
                + "\(privateKeyPublic); use the certificate issued for this relay's key"
        case .certificateNotTrusted(let path, let reason):
            return "the relay's own certificate \(path) would be refused by clients: \(reason)"
        case .noTrustedCAs:
            return "no trusted CA keys are configured; pass --ca-key or --ca-key-file, set RELAY_CA_KEYS or "
                + "RELAY_CA_KEY_FILES, or add \"caKeys\"/\"caKeyFiles\" to the config file"
        case .badCAKey(let value):
            return "'\(value.prefix(60))' is not a base64 Ed25519 CA public key (32 bytes); "
                + "copy it from `relayctl ca show` or the coordinator"
        case .badListenAddress(let value):
            return "listen address '\(value)' is not an IPv4 or IPv6 address (e.g. 0.0.0.0, ::, 127.0.0.1)"
        case .badEndpoint(let value):
            return "advertised endpoint '\(value)' is not host:port or [v6]:port with an IP address "
                + "(e.g. 203.0.113.7:40000 or [2001:db8::7]:40000)"
        case .badLogFormat(let value):
            return "log format '\(value)' is not text or json"
        case .privateKeyChanged:
            return "the private key file now holds another key; sessions are sealed with the old one, so relay-server "
                + "stops and must be started again (Kubernetes and systemd restart it on their own) to use the new key"
        case .badLogLevel(let value):
            return "log level '\(value)' is not one of trace, debug, info, notice, warning, error, critical"
        }
    }
}
