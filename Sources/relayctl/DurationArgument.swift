import ArgumentParser

/// A duration on the command line: a number with a unit, e.g. `90s`, `15m`, `12h`, `30d`, `250ms`.
struct DurationArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var duration: Duration
    var text: String

    init?(argument: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (unit, milliseconds) in units where argument.hasSuffix(unit) {
            let number = argument.dropLast(unit.count)
            if let value = Int64(number), value >= 0 {
                duration = .milliseconds(value * milliseconds)
                text = argument
                return
            }
            if let value = Double(number), value >= 0, value.isFinite {
                duration = .milliseconds(Int64((value * Double(milliseconds)).rounded()))
                text = argument
                return
            }
        }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var description: String { text }
}

extension Duration {
    /// Whole seconds (rounded down).
    var seconds: Int64 { components.seconds }

    /// Milliseconds as a Double, for printing RTTs.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
