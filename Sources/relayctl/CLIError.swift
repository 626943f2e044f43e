import ArgumentParser

/// A failure `relayctl` reports on stderr before exiting non-zero. The text says what is wrong and what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32 = 1

    init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

extension CLIError {
    /// Prints `relayctl: <message>` on stderr and exits with the error's code, for failures that are not usage
    /// errors (those ArgumentParser reports itself, with the command's help hint).
    func exit() -> Never {
        var stderr = StandardError()
        print("relayctl: \(description)", to: &stderr)
        RelayCtl.exit(withError: ExitCode(exitCode))
    }
}

/// Runs `body`, turning any thrown error into `relayctl: <description>` and a non-zero exit.
func reportingErrors<T>(_ body: () async throws -> T) async -> T {
    do {
        return try await body()
    } catch let error as CLIError {
        error.exit()
    } catch let error as ExitCode {
        RelayCtl.exit(withError: error)
    } catch {
        CLIError("\(error)").exit()
    }
}
