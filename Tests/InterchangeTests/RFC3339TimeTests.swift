import Interchange
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

@Suite struct RFC3339TimeTests {
    @Test func writesTheRequestedPrecision() {
        let time = RFC3339Time(seconds: 1_764_057_600.25)
        #expect(time.description == "2025-11-25T08:00:00Z")
        #expect(RFC3339Time(seconds: time.seconds, precision: .milliseconds).description == "2025-11-25T08:00:00.250Z")
        #expect(
            RFC3339Time(seconds: time.seconds, precision: .microseconds).description == "2025-11-25T08:00:00.250000Z")
    }

    @Test func parsedFractionSetsPrecision() throws {
        #expect(try #require(RFC3339Time(rfc3339: "2026-11-25T08:00:00.123Z")).precision == .milliseconds)
        #expect(try #require(RFC3339Time(rfc3339: "2026-11-25T08:00:00.1234Z")).precision == .microseconds)
        #expect(try #require(RFC3339Time(rfc3339: "2026-11-25T08:00:00Z")).precision == .seconds)
        #expect(RFC3339Time(rfc3339: "2026-11-25T08:00:00.Z") == nil)
        #expect(RFC3339Time(rfc3339: "2026-11-25T08:00:00+0200") == nil)
    }

    @Test func calendarFieldsAndMinuteText() {
        let time = RFC3339Time(unixSeconds: 951_782_400 + 3_599)  // 2000-02-29T00:59:59Z, a leap day
        #expect(time.utc == .init(year: 2000, month: 2, day: 29, hour: 0, minute: 59, second: 59))
        #expect(time.minuteText == "2000-02-29 00:59Z")
        #expect(RFC3339Time(unixSeconds: -1).description == "1969-12-31T23:59:59Z")
    }

    @Test func codableUsesTheTextAndRejectsOtherText() throws {
        let data = try JSONEncoder().encode(["t": RFC3339Time(unixSeconds: 0)])
        #expect(String(decoding: data, as: UTF8.self) == #"{"t":"1970-01-01T00:00:00Z"}"#)
        #expect(try JSONDecoder().decode([String: RFC3339Time].self, from: data)["t"]?.seconds == 0)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: RFC3339Time].self, from: Data(#"{"t":"yesterday"}"#.utf8))
        }
    }
}
