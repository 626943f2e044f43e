public import Interchange

/// `spec.limits.idleTimeout`: an integer number of seconds or a duration string such as `1h30m`.
public enum IdleTimeout {
    /// The schema default, 30 minutes.
    public static let defaultSeconds = 1800

    /// Seconds for `value`, or a message saying what is wrong.
    ///
    /// A duration string must come to a whole number of seconds between 1 s and 24 h.
    public static func seconds(_ value: JSONValue?) -> Result<Int, InvalidSpec> {
        guard let value else { return .success(defaultSeconds) }
        if let number = value.intValue {
            guard (1...86400).contains(number) else {
                return .failure(InvalidSpec("spec.limits.idleTimeout (\(number)) must be between 1 and 86400 seconds"))
            }
            return .success(number)
        }
        guard let text = value.stringValue else {
            return .failure(
                InvalidSpec("spec.limits.idleTimeout must be a number of seconds or a duration such as 30m"))
        }
        guard let milliseconds = parseMilliseconds(text) else {
            return .failure(
                InvalidSpec("spec.limits.idleTimeout '\(text)' is not a duration; write e.g. 90s, 30m or 1h30m"))
        }
        guard milliseconds % 1000 == 0, (1000...86_400_000).contains(milliseconds) else {
            return .failure(
                InvalidSpec(
                    "spec.limits.idleTimeout '\(text)' must be a whole number of seconds between 1s and 24h"))
        }
        return .success(milliseconds / 1000)
    }

    /// Milliseconds of a Go-style duration made of `<number><unit>` parts (`ms`, `s`, `m`, `h`).
    static func parseMilliseconds(_ text: String) -> Int? {
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let factor: Double
            if rest.hasPrefix("ms") {
                factor = 1
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("s") {
                factor = 1000
                rest = rest.dropFirst()
            } else if rest.hasPrefix("m") {
                factor = 60_000
                rest = rest.dropFirst()
            } else if rest.hasPrefix("h") {
                factor = 3_600_000
                rest = rest.dropFirst()
            } else {
                return nil
            }
            total += value * factor
            guard total < 1e12 else { return nil }
        }
        guard total.rounded() == total else { return nil }
        return Int(total)
    }
}
