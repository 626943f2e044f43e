import Interchange

extension JSONValue {
    /// Compact text for a table cell.
    var cell: String {
        switch self {
        case .null: "-"
        case .bool(let value): value ? "yes" : "no"
        case .int(let value): String(value)
        case .double(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): value.isEmpty ? "-" : value
        case .array(let values): values.isEmpty ? "-" : values.map(\.cell).joined(separator: ",")
        case .object(let fields):
            fields.keys.sorted().map { "\($0)=\(fields[$0]!.cell)" }.joined(separator: " ")
        }
    }
}
