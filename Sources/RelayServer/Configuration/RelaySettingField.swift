/// Describes one setting: its flag, environment variable and config-file key, and how to parse a text value.
/// The table in ``all`` drives environment parsing, layer merging, the config-file key check and the docs.
public struct RelaySettingField: Sendable {
    /// Config-file key (also the `RelaySettings` property name).
    public let key: String
    /// Command-line flag without the leading dashes.
    public let flag: String
    /// Environment variable.
    public let environmentVariable: String
    /// One line for `--help` and the docs.
    public let help: String
    /// Whether a config-file change takes effect without a restart.
    public let reloadable: Bool

    let parse: @Sendable (inout RelaySettings, String) throws(RelayConfigurationError) -> Void
    let merge: @Sendable (inout RelaySettings, RelaySettings) -> Void
    let equal: @Sendable (RelaySettings, RelaySettings) -> Bool

    /// Sets this field on `settings` from a text value (a flag argument or environment value). Lists are
    /// comma-separated.
    public func apply(_ text: String, to settings: inout RelaySettings, source: String) throws(RelayConfigurationError)
    {
        do {
            try parse(&settings, text)
        } catch .badValue(_, let value, let expected) {
            throw .badValue(setting: source, value: value, expected: expected)
        }
    }

    /// Whether two settings layers agree on this field.
    public func isEqual(_ lhs: RelaySettings, _ rhs: RelaySettings) -> Bool {
        equal(lhs, rhs)
    }

    func fill(_ settings: inout RelaySettings, from lower: RelaySettings) {
        merge(&settings, lower)
    }
}

extension RelaySettingField {
    static func int(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Int?> & Sendable,
        range: ClosedRange<Int>, reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                guard let value = Int(text.trimmed), range.contains(value) else {
                    throw .badValue(setting: flag, value: text, expected: "an integer in \(range)")
                }
                settings[keyPath: path] = value
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func double(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Double?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                guard let value = Double(text.trimmed), value > 0, value.isFinite else {
                    throw .badValue(setting: flag, value: text, expected: "a positive number")
                }
                settings[keyPath: path] = value
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func bool(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Bool?> & Sendable,
        help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: false,
            parse: { settings, text throws(RelayConfigurationError) in
                switch text.trimmed.lowercased() {
                case "1", "true", "yes", "on": settings[keyPath: path] = true
                case "0", "false", "no", "off": settings[keyPath: path] = false
                default: throw .badValue(setting: flag, value: text, expected: "true or false")
                }
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func string(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, String?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                let value = text.trimmed
                guard !value.isEmpty else { throw .badValue(setting: flag, value: text, expected: "a non-empty value") }
                settings[keyPath: path] = value
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func list(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, [String]?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                let items = text.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
                settings[keyPath: path] = (settings[keyPath: path] ?? []) + items
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func serials(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, [UInt64]?> & Sendable,
        help: String
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: true,
            parse: { settings, text throws(RelayConfigurationError) in
                var values: [UInt64] = []
                for item in text.split(separator: ",") {
                    guard let value = UInt64(String(item).trimmed) else {
                        throw .badValue(setting: flag, value: text, expected: "comma-separated certificate serials")
                    }
                    values.append(value)
                }
                settings[keyPath: path] = (settings[keyPath: path] ?? []) + values
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
