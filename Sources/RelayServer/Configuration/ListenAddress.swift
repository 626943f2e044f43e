#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for listen addresses given as text.
enum ListenAddress {
    enum Family { case ipv4, ipv6 }

    /// The family of a numeric IP address, or nil when the text is not one.
    static func family(of text: String) -> Family? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return .ipv4 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return .ipv6 }
        return nil
    }

    static func isWildcard(_ text: String) -> Bool {
        text == "0.0.0.0" || text == "::" || text == "::0"
    }
}
