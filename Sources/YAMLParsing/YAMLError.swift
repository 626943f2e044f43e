/// A YAML or YAML-to-model error with the file, line and column it refers to.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source's name (a path, or "<input>").
    public var file: String
    /// Where the problem is; nil when it is not tied to a position.
    public var mark: YAMLMark?
    /// What is wrong, in words.
    public var problem: String
    /// What the parser was doing, e.g. "while parsing a block mapping".
    public var context: String?

    /// Creates an error.
    public init(file: String, mark: YAMLMark?, problem: String, context: String? = nil) {
        self.file = file
        self.mark = mark
        self.problem = problem
        self.context = context
    }

    public var description: String {
        var text = file
        if let mark { text += ":\(mark.line):\(mark.column)" }
        text += ": \(problem)"
        if let context { text += " (\(context))" }
        return text
    }
}
