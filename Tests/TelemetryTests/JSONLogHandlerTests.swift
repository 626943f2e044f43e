import Logging
import Testing

@testable import Telemetry

@Suite struct JSONLogHandlerTests {
    @Test func escapesStringsAndNestsMetadata() {
        var out = ""
        JSONText.append(
            .dictionary(["b": .array(["x", "y\"z"]), "a": .string("line\nbreak\u{1}")]), to: &out)
        #expect(out == #"{"a":"line\nbreak\u0001","b":["x","y\"z"]}"#)
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
