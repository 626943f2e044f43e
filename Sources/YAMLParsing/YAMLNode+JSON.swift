public import Interchange

extension YAMLNode {
    /// Resolves this node to a JSON value with the YAML 1.2 core schema: plain `null`/`~`/empty are
    /// null, plain `true`/`false` are booleans, plain decimal/octal (0o)/hex (0x) integers and floats are
    /// numbers; quoted and block scalars are always strings; `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`
    /// tags force a type. Mapping keys must be scalars.
    public func jsonValue(file: String = "<input>") throws(YAMLError) -> JSONValue {
        switch kind {
        case .scalar(let text, let style, let tag):
            return try Self.resolveScalar(text, style: style, tag: tag, mark: mark, file: file)
        case .sequence(let items):
            var values: [JSONValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try item.jsonValue(file: file)) }
            return .array(values)
        case .mapping(let entries):
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(entries.count)
            for entry in entries {
                guard case .scalar(let key, _, _) = entry.key.kind else {
                    throw YAMLError(
                        file: file, mark: entry.key.mark,
                        problem: "a mapping key must be a plain value, not a list or mapping")
                }
                fields[key] = try entry.value.jsonValue(file: file)
            }
            return .object(fields)
        }
    }

    static func resolveScalar(
        _ text: String, style: YAMLScalarStyle, tag: String?, mark: YAMLMark, file: String
    ) throws(YAMLError) -> JSONValue {
        let shortTag = tag.map { $0.replacingPrefix("tag:yaml.org,2002:", with: "!!") }
        switch shortTag {
        case "!!str"?: return .string(text)
        case "!!null"?: return .null
        case "!!bool"?:
            if let value = boolean(text) { return .bool(value) }
            throw YAMLError(file: file, mark: mark, problem: "\"\(text)\" is tagged !!bool but is not true or false")
        case "!!int"?:
            if let value = integer(text) { return .int(value) }
            throw YAMLError(file: file, mark: mark, problem: "\"\(text)\" is tagged !!int but is not an integer")
        case "!!float"?:
            if let value = integer(text) { return .double(Double(value)) }
            if let value = float(text) { return try finite(value, text, mark, file) }
            throw YAMLError(file: file, mark: mark, problem: "\"\(text)\" is tagged !!float but is not a number")
        case nil, "!"?:
            break
        case let other?:
            if other.hasPrefix("!!") {
                throw YAMLError(
                    file: file, mark: mark, problem: "unsupported tag \(other); remove it or quote the value")
            }
            // Local tags (!foo) carry no meaning for JSON: keep the text.
            return .string(text)
        }
        guard style == .plain, shortTag == nil else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let value = boolean(text) { return .bool(value) }
        if let value = integer(text) { return .int(value) }
        if looksLikeInteger(text) {
            throw YAMLError(
                file: file, mark: mark,
                problem: "integer \(text) does not fit in 64 bits; quote it if it is meant as text")
        }
        if let value = float(text) { return try finite(value, text, mark, file) }
        return .string(text)
    }

    private static func finite(_ value: Double, _ text: String, _ mark: YAMLMark, _ file: String) throws(YAMLError)
        -> JSONValue
    {
        guard value.isFinite else {
            throw YAMLError(
                file: file, mark: mark, problem: "\(text) cannot be represented in JSON; quote it if it is text")
        }
        return .double(value)
    }

    static func boolean(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private static func looksLikeInteger(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        return !body.isEmpty && body.allSatisfy(\.isASCIIDigit)
    }

    static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x"), text.count > 2 { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o"), text.count > 2 { return Int(text.dropFirst(2), radix: 8) }
        guard looksLikeInteger(text) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let integerDigits = rest.prefix(while: \.isASCIIDigit)
        rest = rest.dropFirst(integerDigits.count)
        var fractionDigits = 0
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix(while: \.isASCIIDigit)
            fractionDigits = fraction.count
            rest = rest.dropFirst(fraction.count)
        }
        guard integerDigits.count + fractionDigits > 0 else { return nil }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            let exponent = rest.prefix(while: \.isASCIIDigit)
            guard !exponent.isEmpty else { return nil }
            rest = rest.dropFirst(exponent.count)
        }
        guard rest.isEmpty else { return nil }
        return Double(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
