import Interchange

/// Left-aligned plain-text table for relayctl listings.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    /// The table with columns padded to their widest cell, or `empty` when there are no rows.
    func render(empty: String) -> String {
        guard !rows.isEmpty else { return empty }
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `2026-11-25 08:00Z` for Unix seconds.
    static func time(_ unixSeconds: Int64?) -> String {
        unixSeconds.map { RFC3339Time(unixSeconds: $0).minuteText } ?? "-"
    }

    static func list(_ values: [String]) -> String {
        values.isEmpty ? "-" : values.joined(separator: ",")
    }
}
