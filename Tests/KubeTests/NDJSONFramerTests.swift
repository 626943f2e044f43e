import Kube
import Testing

@Suite struct NDJSONFramerTests {
    /// A recorded kube-apiserver watch body: bookmarks, a multi-byte character, a DELETED and an ERROR.
    static let recorded = Array(
        """
        {"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1",\
        "metadata":{"name":"a","namespace":"n","resourceVersion":"10"},"data":{"k":"v"}}}
        {"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1",\
        "metadata":{"name":"a","namespace":"n","resourceVersion":"11"},"data":{"k":"ünïcödé ✓"}}}
        {"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1",\
        "metadata":{"resourceVersion":"12","creationTimestamp":null}}}
        {"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1",\
        "metadata":{"name":"a","namespace":"n","resourceVersion":"13"}}}
        {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",\
        "metadata":{},"status":"Failure","message":"too old resource version: 5 (13)","reason":"Expired","code":410}}

        """.utf8)

    enum Seen: Equatable {
        case added(String, String?)
        case modified(String, String?)
        case deleted(String)
        case bookmark(String)
        case gone
    }

    static func decodeAll(_ chunks: [ArraySlice<UInt8>]) throws -> [Seen] {
        var framer = NDJSONFramer()
        var lines: [[UInt8]] = []
        for chunk in chunks { lines += try framer.append(chunk) }
        if let last = try framer.finish() { lines.append(last) }
        var seen: [Seen] = []
        for line in lines {
            do {
                switch try WatchEvent<ConfigMap>.decode(line: line) {
                case .added(let map): seen.append(.added(map.metadata.resourceVersion ?? "", map.data?["k"]))
                case .modified(let map): seen.append(.modified(map.metadata.resourceVersion ?? "", map.data?["k"]))
                case .deleted(let map): seen.append(.deleted(map.metadata.resourceVersion ?? ""))
                case .bookmark(let version): seen.append(.bookmark(version))
                }
            } catch {
                guard case .gone = error else { throw error }
                seen.append(.gone)
            }
        }
        return seen
    }

    static let expected: [Seen] = [
        .added("10", "v"), .modified("11", "ünïcödé ✓"), .bookmark("12"), .deleted("13"), .gone,
    ]

    @Test func everySingleSplitPointYieldsTheSameEvents() throws {
        let bytes = Self.recorded
        for split in 0...bytes.count {
            let events = try Self.decodeAll([bytes[0..<split], bytes[split...]])
            #expect(events == Self.expected, "split at byte \(split)")
        }
    }

    @Test func everyPairOfSplitPointsYieldsTheSameEvents() throws {
        let bytes = Self.recorded
        // Every (i, j) pair over a stride keeps this quick while covering three-chunk splits everywhere.
        for first in stride(from: 0, through: bytes.count, by: 7) {
            for second in stride(from: first, through: bytes.count, by: 11) {
                let events = try Self.decodeAll([bytes[0..<first], bytes[first..<second], bytes[second...]])
                #expect(events == Self.expected, "splits at \(first), \(second)")
            }
        }
    }

    @Test func byteAtATime() throws {
        let bytes = Self.recorded
        #expect(try Self.decodeAll(bytes.indices.map { bytes[$0...$0] }) == Self.expected)
    }

    @Test func truncatedStreamIsAnError() throws {
        var framer = NDJSONFramer()
        _ = try framer.append(Array(#"{"type":"ADDED","obj"#.utf8))
        #expect(throws: NDJSONFramer.Failure.truncated(bytes: 20)) { try framer.finish() }
    }

    @Test func oversizedLineIsAnError() throws {
        var framer = NDJSONFramer(maxLineBytes: 16)
        #expect(throws: NDJSONFramer.Failure.lineTooLong(limit: 16)) {
            _ = try framer.append(Array(repeating: UInt8(ascii: "x"), count: 17))
        }
    }

    @Test func garbageLineIsADecodingError() throws {
        #expect(throws: KubeError.self) { _ = try WatchEvent<ConfigMap>.decode(line: Array("not json".utf8)) }
    }
}
