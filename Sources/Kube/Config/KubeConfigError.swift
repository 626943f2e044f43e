/// Why a client configuration could not be built, with the file and line to fix.
public struct KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault, if any.
    public var file: String?
    /// The line and column at fault, if known.
    public var mark: YAMLMark?
    /// What is wrong and what to do.
    public var problem: String

    /// A `problem` at `mark` of `file`.
    public init(file: String? = nil, mark: YAMLMark? = nil, _ problem: String) {
        self.file = file
        self.mark = mark
        self.problem = problem
    }

    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let mark { prefix += ":\(mark.line):\(mark.column)" }
            prefix += ": "
        }
        return prefix + problem
    }
}
