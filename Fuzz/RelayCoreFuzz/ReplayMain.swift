#if !FUZZING
    #if canImport(Glibc)
        import Glibc
    #endif

    /// Without libFuzzer (an ordinary `swift build`, as in CI), the fuzz target is a replayer: it feeds each file
    /// named on the command line to `LLVMFuzzerTestOneInput` once, so a reproducer from `hack/fuzz` can be run and
    /// debugged without the sanitizer build, and the fuzz entry keeps compiling with the rest of the package.
    @main
    enum ReplayMain {
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            if paths.isEmpty {
                fail("usage: relaycore-fuzz FILE...   (replays inputs; hack/fuzz builds the libFuzzer binary)")
            }
            for path in paths {
                guard let bytes = readFile(path) else { fail("relaycore-fuzz: cannot read \(path)") }
                _ = bytes.withUnsafeBufferPointer { fuzzOneInput($0.baseAddress, $0.count) }
                print("relaycore-fuzz: \(path): \(bytes.count) bytes, no crash")
            }
        }

        static func fail(_ message: String) -> Never {
            var text = message + "\n"
            text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            exit(2)
        }

        static func readFile(_ path: String) -> [UInt8]? {
            guard let file = fopen(path, "rb") else { return nil }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                if count == 0 { break }
                bytes += chunk[..<count]
            }
            return ferror(file) == 0 ? bytes : nil
        }
    }
#endif
