public import NIOCore
public import RelayCore
import RelayNIO

/// A relay as a client addresses it: its UDP endpoint and its X25519 public key (control messages are sealed to it).
public struct RelayEndpoint: Sendable, CustomStringConvertible {
    /// The relay's UDP address.
    public var address: SocketAddress
    /// The relay's X25519 public key (from its certificate or key file).
    public var publicKey: PublicKey

    /// Creates an endpoint.
    public init(address: SocketAddress, publicKey: PublicKey) {
        self.address = address
        self.publicKey = publicKey
    }

    /// Parses "host:port" (IPv4 or "[v6]:port"; numeric addresses only: no name resolution on this path).
    public init(endpoint text: String, publicKey: PublicKey) throws(RelayClientError) {
        guard let parsed = EndpointAddress(text) else {
            throw .invalidInput(
                "relay endpoint \"\(text)\" is not a numeric address with a port, e.g. 127.0.0.1:40000 or [::1]:40000")
        }
        self.init(address: parsed.socketAddress, publicKey: publicKey)
    }

    public var description: String {
        "\(EndpointAddress(address)?.description ?? "\(address)") (\(publicKey.shortDescription))"
    }
}
