#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        guard let unixSeconds else { return "-" }
        var seconds = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min))Z"
    }

    static func list(_ values: [String]) -> String {
        values.isEmpty ? "-" : values.joined(separator: ",")
    }
}
