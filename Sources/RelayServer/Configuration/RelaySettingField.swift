public import RelayCore

/// Describes one setting: its flag, environment variable and config-file key, how to parse a text value (from the
/// environment or a list flag) and which values are allowed. The table in ``all`` drives environment parsing, flag
/// validation, layer merging, the config-file key check, `--help` and the docs test.
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
    let check: @Sendable (RelaySettings) throws(RelayConfigurationError) -> Void
    let merge: @Sendable (inout RelaySettings, RelaySettings) -> Void
    let equal: @Sendable (RelaySettings, RelaySettings) -> Bool

    /// Sets this field on `settings` from a text value (an environment value or a list flag's argument). Lists are
    /// comma-separated and add up.
    public func apply(_ text: String, to settings: inout RelaySettings, source: String) throws(RelayConfigurationError)
    {
        do {
            try parse(&settings, text)
        } catch .badValue(_, let value, let expected) {
            throw .badValue(setting: source, value: value, expected: expected)
        }
    }

    /// Throws when `settings` holds a value of this field that is out of range (`source` names it in the message).
    public func validate(_ settings: RelaySettings, source: String) throws(RelayConfigurationError) {
        do {
            try check(settings)
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
    /// A field of one value read by `read` from text and allowed when `allowed`.
    static func scalar<Value: Equatable & Sendable>(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Value?> & Sendable,
        expected: String, reloadable: Bool, help: String, read: @escaping @Sendable (String) -> Value?,
        allowed: @escaping @Sendable (Value) -> Bool = { _ in true }
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                guard let value = read(text.trimmed), allowed(value) else {
                    throw .badValue(setting: flag, value: text, expected: expected)
                }
                settings[keyPath: path] = value
            },
            check: { settings throws(RelayConfigurationError) in
                if let value = settings[keyPath: path], !allowed(value) {
                    throw .badValue(setting: flag, value: "\(value)", expected: expected)
                }
            },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func int(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Int?> & Sendable,
        range: ClosedRange<Int>, reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        scalar(
            key, flag, env, path, expected: "an integer in \(range)", reloadable: reloadable, help: help,
            read: { Int($0) }, allowed: { range.contains($0) })
    }

    static func double(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Double?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        scalar(
            key, flag, env, path, expected: "a positive number", reloadable: reloadable, help: help,
            read: { Double($0) }, allowed: { $0 > 0 && $0.isFinite })
    }

    static func bool(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, Bool?> & Sendable,
        help: String
    ) -> RelaySettingField {
        scalar(
            key, flag, env, path, expected: "true or false", reloadable: false, help: help,
            read: { text in
                switch text.lowercased() {
                case "1", "true", "yes", "on": true
                case "0", "false", "no", "off": false
                default: nil
                }
            })
    }

    static func string(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, String?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        scalar(
            key, flag, env, path, expected: "a non-empty value", reloadable: reloadable, help: help,
            read: { $0 }, allowed: { !$0.trimmed.isEmpty })
    }

    /// A list field: text values are comma-separated and add to what the layer already has.
    static func list<Element: Equatable & Sendable>(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, [Element]?> & Sendable,
        expected: String, reloadable: Bool, help: String, read: @escaping @Sendable (String) -> Element?
    ) -> RelaySettingField {
        RelaySettingField(
            key: key, flag: flag, environmentVariable: env, help: help, reloadable: reloadable,
            parse: { settings, text throws(RelayConfigurationError) in
                var items: [Element] = []
                for item in text.split(separator: ",").map({ String($0).trimmed }) where !item.isEmpty {
                    guard let value = read(item) else {
                        throw .badValue(setting: flag, value: text, expected: expected)
                    }
                    items.append(value)
                }
                settings[keyPath: path] = (settings[keyPath: path] ?? []) + items
            },
            check: { _ throws(RelayConfigurationError) in },
            merge: { settings, lower in
                if settings[keyPath: path] == nil { settings[keyPath: path] = lower[keyPath: path] }
            },
            equal: { lhs, rhs in lhs[keyPath: path] == rhs[keyPath: path] })
    }

    static func list(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, [String]?> & Sendable,
        reloadable: Bool = false, help: String
    ) -> RelaySettingField {
        list(key, flag, env, path, expected: "a comma-separated list", reloadable: reloadable, help: help) { $0 }
    }

    static func serials(
        _ key: String, _ flag: String, _ env: String, _ path: any WritableKeyPath<RelaySettings, [UInt64]?> & Sendable,
        help: String
    ) -> RelaySettingField {
        list(key, flag, env, path, expected: "comma-separated certificate serials", reloadable: true, help: help) {
            UInt64($0)
        }
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
