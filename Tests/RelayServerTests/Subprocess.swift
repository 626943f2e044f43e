import NIOConcurrencyHelpers
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the real `relay-server` executable (built next to the test bundle) with captured stderr.
final class Subprocess: Sendable {
    let pid: pid_t
    private let stderrFD: Int32
    private let output = NIOLockedValueBox<[UInt8]>([])

    /// `relay-server` in the build directory of this test bundle.
    static var relayServerPath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        var directory = exe
        // …/debug/PeerRelayPackageTests.xctest → …/debug
        while let slash = directory.lastIndex(of: "/"), !directory.hasSuffix("/debug"), !directory.hasSuffix("/release")
        {
            directory = String(directory[..<slash])
            if directory.isEmpty { break }
        }
        return directory + "/relay-server"
    }

    init(_ path: String = Subprocess.relayServerPath, arguments: [String], environment: [String: String] = [:])
        throws
    {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw TestFailure("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var env = ["PATH=/usr/bin:/bin"] + environment.map { "\($0.key)=\($0.value)" }
        let envp = env.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        env.removeAll()
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, nil, argv, envp)
        close(pipeFDs[1])
        guard result == 0 else {
            close(pipeFDs[0])
            throw TestFailure("cannot run \(path): \(String(cString: strerror(result))) (build it with swift build)")
        }
        pid = child
        stderrFD = pipeFDs[0]
        let flags = fcntl(stderrFD, F_GETFL)
        _ = fcntl(stderrFD, F_SETFL, flags | O_NONBLOCK)
    }

    /// Reads whatever stderr has produced so far.
    func pollOutput() -> String {
        var chunk = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<1000 {
            let count = read(stderrFD, &chunk, chunk.count)
            if count <= 0 { break }
            output.withLockedValue { $0.append(contentsOf: chunk[0..<count]) }
        }
        return output.withLockedValue { String(decoding: $0, as: UTF8.self) }
    }

    /// Waits for exit (bounded); kills the process when it does not exit in time. Returns the exit status and stderr.
    func wait(timeout: Duration = .seconds(10)) async -> (status: Int32, stderr: String) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var status: Int32 = 0
        while clock.now < deadline {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid {
                let text = pollOutput()
                close(stderrFD)
                return (exitCode(status), text)
            }
            _ = pollOutput()
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        let text = pollOutput()
        close(stderrFD)
        return (-1, text + "\n[killed after timeout]")
    }

    /// Waits until stderr contains `needle` (bounded).
    func waitForOutput(containing needle: String, timeout: Duration = .seconds(10)) async -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let text = pollOutput()
            if text.contains(needle) { return text }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    private func exitCode(_ status: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand (macros are not imported).
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
