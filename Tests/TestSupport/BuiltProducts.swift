import Foundation

/// The package's own executables, found next to the running test binary: `swift build --build-tests` (debug or
/// `-c release`) puts every product in the directory that holds the test bundle.
public enum BuiltProducts {
    /// The build products directory (for example `.build/x86_64-unknown-linux-gnu/debug`).
    public static let directory: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // Some layouts run the tests from inside PeerRelayPackageTests.xctest/…: walk up to the products.
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("relay-server").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// The root of this checkout (for scripts such as `hack/cluster` and files such as `docs/PROTOCOL.md`).
    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The path of product `name`; throws what to run when it has not been built.
    public static func path(_ name: String) throws(TestSupportError) -> String {
        let path = directory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(path) is missing; build it first (swift build --build-tests)")
        }
        return path
    }
}

/// A test-harness failure with a message that says what to do.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
