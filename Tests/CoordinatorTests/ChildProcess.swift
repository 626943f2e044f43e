import Foundation
import Testing

/// Runs the project's own executables (built by `swift build --build-tests`) as child processes.
enum ChildProcess {
    /// `.build/debug` of this package.
    static var binDirectory: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug").path
    }

    /// The path of executable `name`, or a recorded issue saying how to build it.
    static func executable(_ name: String) throws -> String {
        let path = binDirectory + "/" + name
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing; run `swift build --build-tests` before the tests")
        return path
    }

    /// Runs `executable` to completion (bounded by `timeout`) and returns its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, output: String)
    {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }

    /// Starts a long-running child; the caller must `stop` it.
    static func start(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Stops a child started by ``start(_:_:log:)`` (SIGTERM, then waits).
    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A UDP port that was free a moment ago on 127.0.0.1.
    static func freeUDPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
