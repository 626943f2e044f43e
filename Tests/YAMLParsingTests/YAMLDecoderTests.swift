import Testing
import YAMLParsing

struct Deployment: Decodable, Equatable {
    struct Spec: Decodable, Equatable {
        var replicas: Int
        var paused: Bool?
        var ports: [Int]
    }
    var kind: String
    var name: String
    var spec: Spec
}

@Suite struct YAMLDecoderTests {
    @Test func decodesModels() throws {
        let value = try YAMLDecoder().decode(
            Deployment.self,
            from: """
                kind: Deployment
                name: "web"
                spec:
                  replicas: 3
                  ports: [80, 443]
                """)
        #expect(
            value
                == Deployment(kind: "Deployment", name: "web", spec: .init(replicas: 3, paused: nil, ports: [80, 443])))
    }

    @Test func decodesEveryDocument() throws {
        let values = try YAMLDecoder().decodeAll(
            Deployment.self,
            from:
                "kind: A\nname: a\nspec: {replicas: 1, ports: []}\n---\nkind: B\nname: b\nspec: {replicas: 2, ports: [1]}\n"
        )
        #expect(values.map(\.kind) == ["A", "B"])
    }

    @Test func typeMismatchPointsAtTheNode() throws {
        do {
            _ = try YAMLDecoder().decode(
                Deployment.self,
                from: "kind: Deployment\nname: web\nspec:\n  replicas: \"3\"\n  ports: []\n", file: "d.yaml")
            Issue.record("expected an error")
        } catch let error as YAMLError {
            #expect(error.mark == YAMLMark(line: 4, column: 13))
            #expect(error.problem.contains("spec.replicas"))
            #expect(error.problem.contains("expected an integer"))
            #expect(error.description.hasPrefix("d.yaml:4:13"))
        }
    }

    @Test func listElementMismatchPointsAtTheElement() throws {
        do {
            _ = try YAMLDecoder().decode(
                Deployment.self, from: "kind: D\nname: w\nspec:\n  replicas: 1\n  ports:\n    - 80\n    - http\n")
            Issue.record("expected an error")
        } catch let error as YAMLError {
            #expect(error.mark?.line == 7)
        }
    }

    @Test func missingFieldNamesTheField() throws {
        do {
            _ = try YAMLDecoder().decode(Deployment.self, from: "kind: D\nname: w\nspec:\n  ports: []\n")
            Issue.record("expected an error")
        } catch let error as YAMLError {
            #expect(error.problem.contains("missing required field \"replicas\" in spec"))
            #expect(error.mark?.line == 4)
        }
    }
}
