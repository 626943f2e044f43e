public import Foundation

/// A child process of a test (the package's own executables, shell tools), with stdout and stderr captured in
/// files so a chatty child never blocks on a full pipe. Every wait is bounded; `stop()` always reaps the child.
///
/// - `ChildProcess.run(...)` runs a command to completion and returns a ``ProcessResult``.
/// - `ChildProcess(...)` starts a long-running child; read ``output`` or wait for a line, then `wait` or `stop`.
public final class ChildProcess: Sendable {
    public let process: Process
    private let stdoutPath: String
    private let stderrPath: String
    private let removeLogs: Bool

    /// Starts `executable`. `environment` nil inherits the test's environment; `log`, when given, receives
    /// stdout and stderr together and is kept (otherwise both go to temporary files removed on `wait`/`stop`).
    public init(
        _ executable: String, arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, log: String? = nil
    ) throws(TestSupportError) {
        let base = NSTemporaryDirectory() + "peerrelay-child-\(UUID().uuidString)"
        stdoutPath = log ?? base + ".out"
        stderrPath = log ?? base + ".err"
        removeLogs = log == nil
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        do {
            FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            let err = stderrPath == stdoutPath ? out : try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            defer {
                try? out.close()
                if err !== out { try? err.close() }
            }
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            throw TestSupportError("cannot run \(executable): \(error) (is it built? swift build --build-tests)")
        }
        self.process = process
    }

    /// The environment relay-server tests run with: only PATH plus `extra` (nothing leaks from the caller's shell).
    public static func cleanEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        ["PATH": "/usr/bin:/bin"].merging(extra) { _, new in new }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// What the child wrote to stdout so far.
    public var stdout: String { Self.read(stdoutPath) }
    /// What the child wrote to stderr so far.
    public var stderr: String { stderrPath == stdoutPath ? "" : Self.read(stderrPath) }
    /// stdout then stderr (one stream when a `log` file was given).
    public var output: String { stdout + stderr }
    /// ``output`` split into lines.
    public var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// Waits (bounded) until the output contains `needle`; returns the output then, nil on timeout or exit.
    public func waitForOutput(containing needle: String, timeout: Duration = .seconds(10)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = output
            if text.contains(needle) { return text }
            if !process.isRunning { return output.contains(needle) ? output : nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Waits (bounded) until a whole output line equals `line`.
    public func waitForLine(_ line: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lines.contains(line) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return lines.contains(line)
    }

    public func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for exit, at most `timeout`; then SIGKILLs. Returns the exit status (128 + signal when a signal
    /// ended it, -1 when it had to be killed) and the output.
    public func wait(timeout: Duration = .seconds(10)) async -> ProcessResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let timedOut = process.isRunning
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let status: Int32 =
            timedOut
            ? -1
            : process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let result = ProcessResult(status: status, stdout: stdout, stderr: stderr, timedOut: timedOut)
        cleanUp()
        return result
    }

    /// SIGTERM, up to `grace` for a clean exit, then SIGKILL; always reaps the child (usable in `defer`).
    public func stop(grace: Duration = .seconds(10)) {
        signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        cleanUp()
    }

    /// Runs `executable` to completion, at most `timeout` (then SIGKILL and `timedOut`).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws(TestSupportError) -> ProcessResult {
        let child = try ChildProcess(
            executable, arguments: arguments, environment: environment, currentDirectory: currentDirectory)
        return await child.wait(timeout: timeout)
    }

    private func cleanUp() {
        guard removeLogs else { return }
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// How a child process ended and what it wrote.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
    /// stdout then stderr.
    public var output: String { stdout + stderr }
}
