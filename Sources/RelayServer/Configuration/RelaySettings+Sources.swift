import FoundationEssentials
public import RelayCore

extension RelaySettings {
    /// Settings from the documented `RELAY_*` environment variables (``RelaySettingField/all``). No other variable
    /// is read; ``undocumentedVariables(in:)`` names the other `RELAY_*` ones so that relay-server can warn.
    public init(environment: [String: String]) throws(RelayConfigurationError) {
        self.init()
        for field in RelaySettingField.all {
            guard let value = environment[field.environmentVariable] else { continue }
            try field.apply(value, to: &self, source: field.environmentVariable)
        }
    }

    /// The `RELAY_*` variables of `environment` that relay-server does not document, sorted. They are ignored, not
    /// an error: a kubelet injects `RELAY_0_PORT`, `RELAY_0_SERVICE_HOST` and the like into every pod of a namespace
    /// with a Service named `relay-0`.
    public static func undocumentedVariables(in environment: [String: String]) -> [String] {
        let known = Set(RelaySettingField.all.map(\.environmentVariable) + [RelaySettingField.configFileVariable])
        return environment.keys.filter { $0.hasPrefix("RELAY_") && !known.contains($0) }.sorted()
    }

    /// Settings from the JSON config file at `path`. Unknown keys are an error, to catch typos.
    public init(configFile path: String) throws(RelayConfigurationError) {
        let bytes: [UInt8]
        do {
            bytes = try ConfigFileReader.read(path)
        } catch {
            throw error
        }
        try self.init(configJSON: bytes, path: path)
    }

    /// Settings from the bytes of a JSON config file (`path` is only used in messages).
    public init(configJSON bytes: [UInt8], path: String) throws(RelayConfigurationError) {
        let data = Data(bytes)
        let keys: [String]
        do {
            keys = try JSONDecoder().decode([String: IgnoredValue].self, from: data).keys.sorted()
        } catch {
            throw .malformedConfigFile(path: path, reason: "not a JSON object (\(Self.describe(error)))")
        }
        if let unknown = keys.first(where: { RelaySettingField.field(key: $0) == nil }) {
            throw .unknownConfigKey(path: path, key: unknown)
        }
        do {
            self = try JSONDecoder().decode(RelaySettings.self, from: data)
        } catch {
            throw .malformedConfigFile(path: path, reason: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .typeMismatch(let type, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must be \(type)"
        case .valueNotFound(let type, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must be \(type), not null"
        case .keyNotFound(let key, _):
            return "missing key \(key.stringValue)"
        case .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return "\(decoding)"
        }
    }
}

/// Decodes any JSON value and throws it away (used to list the keys of the config file).
struct IgnoredValue: Decodable {
    init(from decoder: any Decoder) throws {}
}
