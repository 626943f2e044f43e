#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A point in UTC wall-clock time written as RFC 3339 text (`2026-11-25T08:24:42Z`): Kubernetes object times, log
/// timestamps, certificate validity shown to people.
///
/// It is the one time-as-text type of the package. It encodes and decodes (Codable) as its RFC 3339 string, in the
/// `precision` it carries: whole seconds (`metav1.Time`), milliseconds (log lines) or microseconds (`MicroTime`
/// of Leases and events.k8s.io Events).
public struct RFC3339Time: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How many fractional digits the text form carries.
    public enum Precision: Int, Sendable, Hashable {
        /// `2026-11-25T08:24:42Z`
        case seconds = 0
        /// `2026-11-25T08:24:42.123Z`
        case milliseconds = 3
        /// `2026-11-25T08:24:42.123456Z`
        case microseconds = 6
    }

    /// Seconds since the Unix epoch.
    public var seconds: Double
    /// The fractional digits ``description`` writes.
    public var precision: Precision

    /// A time `seconds` after the Unix epoch.
    public init(seconds: Double, precision: Precision = .seconds) {
        self.seconds = seconds
        self.precision = precision
    }

    /// A time in whole seconds since the Unix epoch.
    public init(unixSeconds: Int64, precision: Precision = .seconds) {
        self.init(seconds: Double(unixSeconds), precision: precision)
    }

    /// The time `date` stands for.
    public init(date: Date, precision: Precision = .seconds) {
        self.init(seconds: date.timeIntervalSince1970, precision: precision)
    }

    /// The current wall-clock time, written in whole seconds.
    public static var now: RFC3339Time { RFC3339Time(date: Date()) }

    /// The current wall-clock time in `precision`.
    public static func now(_ precision: Precision) -> RFC3339Time { RFC3339Time(date: Date(), precision: precision) }

    /// This time as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: seconds) }

    public static func < (lhs: RFC3339Time, rhs: RFC3339Time) -> Bool { lhs.seconds < rhs.seconds }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = RFC3339Time(rfc3339: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\"\(text)\" is not an RFC 3339 time (expected e.g. 2026-11-25T08:00:00Z)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The RFC 3339 text in UTC, with ``precision`` fractional digits.
    public var description: String {
        let fields = utc
        var text = "\(Self.pad(fields.year, 4))-\(Self.pad(fields.month, 2))-\(Self.pad(fields.day, 2))T"
        text += "\(Self.pad(fields.hour, 2)):\(Self.pad(fields.minute, 2)):\(Self.pad(fields.second, 2))"
        if precision != .seconds {
            let whole = seconds.rounded(.down)
            let scale = precision == .milliseconds ? 1_000 : 1_000_000
            let fraction = min(scale - 1, Int(((seconds - whole) * Double(scale)).rounded()))
            text += ".\(Self.pad(fraction, precision.rawValue))"
        }
        return text + "Z"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
