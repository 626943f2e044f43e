import Interchange
import Logging

extension Logger.MetadataValue {
    /// This metadata value as JSON: strings and string-convertibles become strings, arrays and dictionaries nest.
    var json: JSONValue {
        switch self {
        case .string(let string): .string(string)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(\.json))
        case .dictionary(let dictionary): .object(dictionary.mapValues(\.json))
        }
    }
}
