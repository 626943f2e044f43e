/// The round trips a probe measured (`relayctl probe`, `relayctl fallback probe`) and the summary line both print.
/// Encodes as a JSON array of milliseconds (the reports' `rttMilliseconds`, which scripts read).
public struct RoundTripTimes: Sendable, Equatable, Encodable {
    /// Each answered round trip in milliseconds, in the order measured.
    public private(set) var milliseconds: [Double] = []

    /// An empty record.
    public init() {}

    /// Records one answered round trip and returns it in milliseconds.
    @discardableResult
    public mutating func record(_ rtt: Duration) -> Double {
        let (seconds, attoseconds) = rtt.components
        let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        milliseconds.append(value)
        return value
    }

    /// How many round trips were answered.
    public var count: Int { milliseconds.count }
    /// Whether none was answered.
    public var isEmpty: Bool { milliseconds.isEmpty }
    /// The shortest round trip in milliseconds.
    public var minimum: Double? { milliseconds.min() }
    /// The longest round trip in milliseconds.
    public var maximum: Double? { milliseconds.max() }
    /// The mean round trip in milliseconds.
    public var average: Double? { milliseconds.isEmpty ? nil : milliseconds.reduce(0, +) / Double(count) }

    /// `rtt min/avg/max = 0.118/0.135/0.162 ms`, or nil while nothing was answered.
    public var summary: String? {
        guard let minimum, let average, let maximum else { return nil }
        return "rtt min/avg/max = \(Self.text(minimum))/\(Self.text(average))/\(Self.text(maximum)) ms"
    }

    /// `milliseconds` with three decimals, e.g. `0.125` (without Foundation's formatting).
    public static func text(_ milliseconds: Double) -> String {
        let thousandths = Int64((milliseconds * 1000).rounded())
        let fraction = String(abs(thousandths % 1000))
        let sign = thousandths < 0 && thousandths > -1000 ? "-" : ""
        return "\(sign)\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Writes the milliseconds as a JSON array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}
