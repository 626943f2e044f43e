import Interchange
import Testing
import YAMLParsing

@Suite struct YAMLParserTests {
    @Test func coreSchemaResolvesPlainScalarsOnly() throws {
        let value = try YAMLParser.parse(
            """
            a: true
            b: "true"
            c: 'false'
            d: 42
            e: "42"
            f: 0x1F
            g: 0o17
            h: -3.5e2
            i: ~
            j: null
            k:
            l: yes
            m: 1.0
            n: !!str 7
            o: 012
            p: .5
            q: |
              literal 1
            r: end
            """
        ).jsonValue()
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .string("true"))
        #expect(value["c"] == .string("false"))
        #expect(value["d"] == .int(42))
        #expect(value["e"] == .string("42"))
        #expect(value["f"] == .int(31))
        #expect(value["g"] == .int(15))
        #expect(value["h"] == .double(-350))
        #expect(value["i"] == .null)
        #expect(value["j"] == .null)
        #expect(value["k"] == .null)
        #expect(value["l"] == .string("yes"), "YAML 1.2: yes is a string")
        #expect(value["m"] == .double(1))
        #expect(value["n"] == .string("7"))
        #expect(value["o"] == .int(12), "YAML 1.2: a leading zero is decimal")
        #expect(value["p"] == .double(0.5))
        #expect(value["q"] == .string("literal 1\n"))
    }

    @Test func nestedStructuresAndFlowStyle() throws {
        let value = try YAMLParser.parse(
            """
            spec:
              ports: [{port: 80, protocol: TCP}, {port: 443}]
              selector: {app: web}
              list:
                - one
                - - nested
            """
        ).jsonValue()
        #expect(value[path: ["spec", "ports"]]?[0]?["port"] == .int(80))
        #expect(value[path: ["spec", "ports"]]?[1]?["port"] == .int(443))
        #expect(value[path: ["spec", "selector", "app"]] == .string("web"))
        #expect(value[path: ["spec", "list"]]?[1]?[0] == .string("nested"))
    }

    @Test func multiDocumentStreamsSkipEmptyDocuments() throws {
        let documents = try YAMLParser.parseDocuments(
            """
            ---
            kind: A
            ---
            ---
            kind: B
            ...
            ---
            kind: C
            """)
        #expect(try documents.map { try $0.jsonValue()["kind"] } == [.string("A"), .string("B"), .string("C")])
        #expect(documents[1].mark.line == 5)
    }

    @Test func anchorsAndAliasesAreCopied() throws {
        let value = try YAMLParser.parse(
            """
            base: &labels {app: web, tier: front}
            copy: *labels
            """
        ).jsonValue()
        #expect(value["copy"] == value["base"])
    }

    @Test func nodePositionsAreOneBased() throws {
        let node = try YAMLParser.parse("a:\n  b:\n    - x\n    - y\n")
        #expect(node["a"]?["b"]?[1]?.mark == YAMLMark(line: 4, column: 7))
        #expect(node.node(at: ["a", "b", "0"])?.scalar == "x")
    }

    @Test func syntaxErrorsCarryFileLineAndColumn() throws {
        do {
            _ = try YAMLParser.parse("a: b\n  c: d\n", file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.mark?.line == 2)
            #expect(error.description.hasPrefix("bad.yaml:2:"))
        }
    }

    @Test func unclosedQuoteIsReportedWithItsStart() throws {
        do {
            _ = try YAMLParser.parse("a: 1\nb: \"open\nc: 3\n", file: "q.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("quoted scalar"))
            #expect(error.problem.contains("line 2"))
        }
    }

    @Test func tabsInIndentationAreRejected() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a:\n\tb: 1\n") }
    }

    @Test func duplicateKeysAreErrors() throws {
        do {
            _ = try YAMLParser.parse("a: 1\nb: 2\na: 3\n", file: "dup.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark == YAMLMark(line: 3, column: 1))
            #expect(error.problem.contains("duplicate key \"a\""))
        }
    }

    @Test func unknownAliasIsAnError() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: *nothing\n") }
    }

    @Test func oversizedIntegersAndNonFiniteNumbersAreErrors() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: 99999999999999999999\n").jsonValue() }
        #expect(throws: YAMLError.self) { try YAMLParser.parse("a: .inf\n").jsonValue() }
        #expect(try YAMLParser.parse("a: '.inf'\n").jsonValue()["a"] == .string(".inf"))
    }

    @Test func complexKeysAreErrorsInJSON() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse("? [a, b]\n: c\n").jsonValue() }
    }

    @Test func emptyInputIsNotASingleDocument() throws {
        #expect(try YAMLParser.parseDocuments("").isEmpty)
        #expect(throws: YAMLError.self) { try YAMLParser.parse("# only a comment\n") }
    }

    @Test func deepNestingIsBounded() throws {
        let deep = String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(deep) }
    }

    @Test func jsonIsValidInput() throws {
        let value = try YAMLParser.parse(#"{"a": [1, 2.5, "x", null, false], "b": {"c": "d"}}"#).jsonValue()
        #expect(value == ["a": [1, 2.5, "x", nil, false], "b": ["c": "d"]])
    }
}
