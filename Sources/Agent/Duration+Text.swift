extension Duration {
    /// Whole milliseconds (rounded down).
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Seconds with one decimal, e.g. "1.5" (for messages and tables).
    public var secondsText: String {
        let tenths = milliseconds / 100
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Milliseconds with one decimal, e.g. "12.3" (RTTs).
    public var millisecondsText: String {
        let hundredMicros = (components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000) / 100
        return "\(hundredMicros / 10).\(abs(hundredMicros % 10))"
    }
}
