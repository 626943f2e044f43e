/// Renders /debug/sessions (an array of session objects, or an object with a "sessions" array and summary fields)
/// as an aligned text table. Columns follow the relay's field names; well-known ones come first.
struct SessionTable {
    var summary: [(String, String)] = []
    var rows: [[String: JSONValue]] = []

    static let preferredColumns = ["vni", "state", "a", "b", "sideA", "sideB", "keys", "endpoints", "ageSeconds",
        "idleSeconds", "packets", "bytes"]

    init(_ document: JSONValue) {
        var list: [JSONValue] = []
        switch document {
        case .array(let items):
            list = items
        case .object(let fields):
            if case .array(let items)? = fields["sessions"] { list = items }
            summary = fields.keys.sorted().filter { $0 != "sessions" }.map { ($0, fields[$0]!.cell) }
        default:
            break
        }
        rows = list.compactMap { if case .object(let fields) = $0 { fields } else { nil } }
    }

    func render() -> String {
        var out: [String] = summary.map { "\($0.0): \($0.1)" }
        guard !rows.isEmpty else {
            out.append("no sessions")
            return out.joined(separator: "\n")
        }
        var keys = Set<String>()
        for row in rows { keys.formUnion(row.keys) }
        let columns = Self.preferredColumns.filter(keys.contains) + keys.subtracting(Self.preferredColumns).sorted()
        let cells = rows.map { row in columns.map { row[$0]?.cell ?? "-" } }
        let widths = columns.indices.map { index in
            max(columns[index].count, cells.map { $0[index].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        out.append(line(columns.map { $0.uppercased() }))
        out.append(contentsOf: cells.map(line))
        out.append("\(rows.count) session(s)")
        return out.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
