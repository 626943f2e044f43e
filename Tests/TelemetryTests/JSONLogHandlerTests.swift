import Interchange
import Logging
import Testing

@testable import Telemetry

@Suite struct JSONLogHandlerTests {
    @Test func escapesStringsAndNestsMetadata() {
        let value: Logger.MetadataValue = .dictionary(["b": .array(["x", "y\"z"]), "a": .string("line\nbreak\u{1}")])
        #expect(value.json.jsonString() == #"{"a":"line\nbreak\u0001","b":["x","y\"z"]}"#)
    }

    @Test func timestampIsRFC3339WithMilliseconds() {
        let stamp = JSONLogHandler.timestamp()
        #expect(stamp.count == 24)
        #expect(stamp.hasSuffix("Z"))
        #expect(stamp.dropFirst(10).first == "T")
    }

    @Test func levelNamesParse() {
        #expect(Logger.Level(parsing: "WARN") == .warning)
        #expect(Logger.Level(parsing: "debug") == .debug)
        #expect(Logger.Level(parsing: "loud") == nil)
        #expect(LogFormat(parsing: "JSON") == .json)
    }
}
