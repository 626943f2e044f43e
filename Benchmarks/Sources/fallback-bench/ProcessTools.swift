#if canImport(Glibc)
    import Glibc
#endif

func fflushStandardOutput() { fflush(nil) }

/// Raises the open-file limit to its hard maximum; returns the new soft limit.
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}

/// A child process with its stdout readable line by line.
final class ChildProcess {
    let pid: pid_t
    private let output: UnsafeMutablePointer<FILE>

    init(_ arguments: [String]) throws {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw BenchError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, nil, &cArguments, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(pipeFDs[1])
        guard result == 0 else { throw BenchError("cannot start \(arguments[0]): error \(result)") }
        pid = child
        output = fdopen(pipeFDs[0], "r")
    }

    func readLine() -> String? {
        var line = [CChar](repeating: 0, count: 1024)
        guard fgets(&line, Int32(line.count), output) != nil else { return nil }
        return String(cString: line).trimmingSuffix()
    }

    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        fclose(output)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func trimmingSuffix() -> String {
        var text = self
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text.removeLast() }
        return text
    }
}
