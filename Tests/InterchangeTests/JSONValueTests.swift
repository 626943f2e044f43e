import Interchange
import Testing

@Suite struct JSONValueTests {
    @Test func serializesDeterministicallyAndRoundTrips() throws {
        let value: JSONValue = ["b": [1, 2.5, "q\"\n\u{1}", nil, true], "a": ["z": -7]]
        let text = value.jsonString()
        #expect(text == #"{"a":{"z":-7},"b":[1,2.5,"q\"\n\u0001",null,true]}"#)
        #expect(try JSONValue.parse(json: Array(text.utf8)) == value)
    }

    @Test func jsonNumbersKeepIntegerness() throws {
        let value = try JSONValue.parse(json: Array(#"{"i": 3, "d": 3.25, "big": 1e300, "b": true}"#.utf8))
        #expect(value["i"] == .int(3))
        #expect(value["d"] == .double(3.25))
        #expect(value["b"] == .bool(true))
        #expect(value["big"]?.doubleValue == 1e300)
    }
}
