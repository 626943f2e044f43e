import Interchange

/// Renders relay-server's /debug/sessions document as an aligned text table: one row per session with both sides
/// (name, short key, bound address) and traffic. Unknown fields are ignored here; `--json` shows everything.
struct SessionListing {
    var summary: [(String, String)] = []
    var sessions: [[String: JSONValue]] = []

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
        sessions = list.compactMap { if case .object(let fields) = $0 { fields } else { nil } }
    }

    func render() -> String {
        var out: [String] = []
        if !summary.isEmpty { out.append(summary.map { "\($0.0): \($0.1)" }.joined(separator: "  ")) }
        guard !sessions.isEmpty else {
            out.append("no sessions")
            return out.joined(separator: "\n")
        }
        let header = ["VNI", "STATE", "AGE", "IDLE", "SIDE A", "SIDE B", "PACKETS A/B", "BYTES A/B"]
        let rows = sessions.map { session -> [String] in
            let sides =
                session["sides"].flatMap { value -> [JSONValue]? in
                    if case .array(let items) = value { items } else { nil }
                } ?? []
            let a = sides.count > 0 ? sides[0] : .null
            let b = sides.count > 1 ? sides[1] : .null
            return [
                session["vni"]?.cell ?? "-", session["state"]?.cell ?? "-",
                (session["ageSeconds"]?.cell).map { $0 + "s" } ?? "-",
                (session["idleSeconds"]?.cell).map { $0 + "s" } ?? "-",
                Self.describe(side: a), Self.describe(side: b),
                "\(a["packets"]?.cell ?? "-")/\(b["packets"]?.cell ?? "-")",
                "\(a["bytes"]?.cell ?? "-")/\(b["bytes"]?.cell ?? "-")",
            ]
        }
        let widths = header.indices.map { index in max(header[index].count, rows.map { $0[index].count }.max() ?? 0) }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingTrailingSpaces()
        }
        out.append(line(header))
        out.append(contentsOf: rows.map(line))
        return out.joined(separator: "\n")
    }

    /// "alice k:841a7ced @127.0.0.1:34952", "(not allocated) k:7ab449cf", "bob k:f7b43223 unbound".
    static func describe(side: JSONValue) -> String {
        guard case .object = side else { return "-" }
        let name = side["name"]?.cell ?? "-"
        let key = side["shortKey"]?.cell ?? "-"
        let allocated: Bool = if case .bool(false)? = side["allocated"] { false } else { true }
        let who = allocated ? "\(name) \(key)" : "(not allocated) \(key)"
        if let address = side["boundAddress"], case .string(let text) = address, !text.isEmpty {
            return "\(who) @\(text)"
        }
        return allocated ? "\(who) unbound" : who
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
