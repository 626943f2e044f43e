import RelayCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files `relayctl ca init` writes into one directory: `ca.key` (Ed25519 seed, mode 0600), `ca.pub` (the public
/// key relays trust) and `tailnet` (the tailnet id the CA signs for).
struct CADirectory {
    var path: String

    var keyPath: String { path + "/ca.key" }
    var publicKeyPath: String { path + "/ca.pub" }
    var tailnetPath: String { path + "/tailnet" }

    /// Loads the CA; errors say which file is missing or wrong.
    func load() throws(CLIError) -> CertificateAuthority {
        guard FileSystem.isDirectory(path) else {
            throw CLIError(
                "CA directory \(path) does not exist; create one with `relayctl ca init --tailnet ID --out \(path)`")
        }
        do {
            let key = try KeyFile.readCAPrivateKey(at: keyPath)
            let tailnet = try KeyFile.readText(at: tailnetPath).trimmingWhitespace()
            return try CertificateAuthority(privateKey: key, tailnetID: tailnet)
        } catch let error as KeyFileError {
            throw CLIError("CA directory \(path): \(error)")
        } catch {
            throw CLIError("CA directory \(path): \(error)")
        }
    }

    /// Loads only what verification needs (the public key and the tailnet id), e.g. on a machine without the CA key.
    func loadVerifier() throws(CLIError) -> CertificateVerifier {
        do {
            let publicKey = try KeyFile.readCAPublicKey(at: publicKeyPath)
            let tailnet = try KeyFile.readText(at: tailnetPath).trimmingWhitespace()
            return CertificateVerifier(trustedCAs: [publicKey], tailnetID: tailnet)
        } catch {
            throw CLIError("CA directory \(path): \(error)")
        }
    }
}

enum FileSystem {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` (and missing parents) with mode 0700.
    static func makeDirectory(_ path: String) throws(CLIError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if isDirectory(prefix) { continue }
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw CLIError("cannot create directory \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
