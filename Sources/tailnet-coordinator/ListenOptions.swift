import ArgumentParser

/// The HTTP(S) listener options that `serve` and `fallback` share (each keeps its own `--port` default).
struct ListenOptions: ParsableArguments {
    @Option(help: "Address to listen on. Without TLS only loopback addresses are accepted.")
    var host = "127.0.0.1"

    @Option(help: "PEM certificate chain for HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key for HTTPS.")
    var tlsKey: String?

    /// The base URL this listener answers on at `port`, e.g. `https://[::1]:8480`.
    func url(port: Int) -> String {
        "\(tlsCert != nil ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
