/// Why a client configuration could not be built, with the file and line to fix.
public struct KubeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var mark: YAMLMark?
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
