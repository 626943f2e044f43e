import CYAML

/// Parses YAML text with libyaml into node trees, one per document.
public enum YAMLParser {
    /// Parses every document of a stream. Anchors and aliases are resolved by copying; duplicate
    /// mapping keys are errors.
    /// - Parameter file: the name used in error messages.
    public static func parseDocuments(_ text: String, file: String = "<input>") throws(YAMLError) -> [YAMLNode] {
        try parseDocuments(Array(text.utf8), file: file)
    }

    /// Parses every document of a stream given as UTF-8 bytes (see the `String` overload).
    public static func parseDocuments(_ bytes: [UInt8], file: String = "<input>") throws(YAMLError) -> [YAMLNode] {
        var reader = EventReader(bytes: bytes, file: file)
        defer { reader.close() }
        return try reader.readStream()
    }

    /// Parses a stream that must hold exactly one document (an empty stream is an error).
    public static func parse(_ text: String, file: String = "<input>") throws(YAMLError) -> YAMLNode {
        let documents = try parseDocuments(text, file: file)
        guard documents.count == 1 else {
            throw YAMLError(
                file: file, mark: documents.dropFirst().first?.mark,
                problem: documents.isEmpty
                    ? "the file is empty; expected one YAML document"
                    : "expected one YAML document, found \(documents.count); remove the extra \"---\" sections")
        }
        return documents[0]
    }
}

/// Pulls libyaml events and builds nodes by recursive descent.
private struct EventReader {
    let file: String
    private var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var anchors: [String: YAMLNode] = [:]
    private var depth = 0
    private static let maxDepth = 512

    init(bytes: [UInt8], file: String) {
        self.file = file
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        yaml_parser_initialize(&parser)
        yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
    }

    mutating func close() {
        yaml_parser_delete(&parser)
        input.deallocate()
    }

    mutating func readStream() throws(YAMLError) -> [YAMLNode] {
        var event = try next()
        guard event.type == YAML_STREAM_START_EVENT else { throw unexpected(event, "stream start") }
        yaml_event_delete(&event)
        var documents: [YAMLNode] = []
        while true {
            event = try next()
            switch event.type {
            case YAML_STREAM_END_EVENT:
                yaml_event_delete(&event)
                return documents
            case YAML_DOCUMENT_START_EVENT:
                yaml_event_delete(&event)
                anchors = [:]
                var start = try next()
                let node = try readNode(&start)
                var end = try next()
                guard end.type == YAML_DOCUMENT_END_EVENT else { throw unexpected(end, "document end") }
                yaml_event_delete(&end)
                // An empty document ("---" followed by nothing) parses as an empty plain scalar: skip it.
                if case .scalar("", .plain, nil) = node.kind { continue }
                documents.append(node)
            default:
                throw unexpected(event, "a document")
            }
        }
    }

    /// Builds the node starting at `event` (consumed).
    private mutating func readNode(_ event: inout yaml_event_t) throws(YAMLError) -> YAMLNode {
        defer { yaml_event_delete(&event) }
        let mark = Self.mark(event.start_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = YAMLNode(
                .scalar(text, style: Self.style(scalar.style), tag: Self.string(scalar.tag)), mark: mark)
            remember(node, anchor: scalar.anchor)
            return node
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard var node = anchors[name] else {
                throw YAMLError(
                    file: file, mark: mark, problem: "unknown alias *\(name); define &\(name) before using it")
            }
            node.mark = mark
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            try enter(mark)
            defer { depth -= 1 }
            var items: [YAMLNode] = []
            while true {
                var child = try next()
                if child.type == YAML_SEQUENCE_END_EVENT {
                    yaml_event_delete(&child)
                    break
                }
                items.append(try readNode(&child))
            }
            let node = YAMLNode(.sequence(items), mark: mark)
            if let anchor { anchors[anchor] = node }
            return node
        case YAML_MAPPING_START_EVENT:
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            try enter(mark)
            defer { depth -= 1 }
            var entries: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: Set<String> = []
            while true {
                var keyEvent = try next()
                if keyEvent.type == YAML_MAPPING_END_EVENT {
                    yaml_event_delete(&keyEvent)
                    break
                }
                let key = try readNode(&keyEvent)
                var valueEvent = try next()
                let value = try readNode(&valueEvent)
                if let text = key.scalar {
                    if !seen.insert(text).inserted {
                        throw YAMLError(
                            file: file, mark: key.mark,
                            problem: "duplicate key \"\(text)\" in a mapping; keep only one of them")
                    }
                }
                entries.append((key: key, value: value))
            }
            let node = YAMLNode(.mapping(entries), mark: mark)
            if let anchor { anchors[anchor] = node }
            return node
        default:
            throw unexpected(event, "a node")
        }
    }

    private mutating func enter(_ mark: YAMLMark) throws(YAMLError) {
        depth += 1
        if depth > Self.maxDepth {
            throw YAMLError(file: file, mark: mark, problem: "nesting deeper than \(Self.maxDepth) levels")
        }
    }

    private mutating func remember(_ node: YAMLNode, anchor: UnsafeMutablePointer<yaml_char_t>?) {
        if let name = Self.string(anchor) { anchors[name] = node }
    }

    private mutating func next() throws(YAMLError) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            throw parserError()
        }
        return event
    }

    private func parserError() -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark: YAMLMark
        if parser.problem_mark.line == 0 && parser.problem_mark.column == 0 && parser.problem_offset > 0 {
            mark = YAMLMark(line: 1, column: parser.problem_offset + 1)
        } else {
            mark = Self.mark(parser.problem_mark)
        }
        var text = problem
        if context != nil {
            let contextMark = Self.mark(parser.context_mark)
            text += "; started at \(contextMark)"
        }
        return YAMLError(file: file, mark: mark, problem: text, context: context)
    }

    private func unexpected(_ event: yaml_event_t, _ expected: String) -> YAMLError {
        var copy = event
        yaml_event_delete(&copy)
        return YAMLError(file: file, mark: Self.mark(event.start_mark), problem: "expected \(expected)")
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
