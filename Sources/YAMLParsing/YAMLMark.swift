/// A position in a YAML source, 1-based.
public struct YAMLMark: Sendable, Equatable, CustomStringConvertible {
    /// Line, counted from 1.
    public var line: Int
    /// Column, counted from 1.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}
