/// `status.endpointsSummary`, the ENDPOINTS column of `kubectl get pr`.
public enum EndpointsSummary {
    /// Longest summary the schema allows.
    public static let maximumLength = 1024

    /// Every replica's addresses joined with `,` in index order; ` (k/N pending)` while k replicas have none;
    /// `pending` when none has any; `none (0 replicas)` when scaled to zero. Too long: cut at an address
    /// boundary and ended with `,… (+M more)`.
    public static func text(_ replicas: [[String]]) -> String {
        guard !replicas.isEmpty else { return "none (0 replicas)" }
        let addresses = replicas.flatMap { $0 }
        guard !addresses.isEmpty else { return "pending" }
        let pending = replicas.filter(\.isEmpty).count
        let suffix = pending > 0 ? " (\(pending)/\(replicas.count) pending)" : ""
        let full = addresses.joined(separator: ",") + suffix
        if full.count <= maximumLength { return full }
        var kept: [String] = []
        for (offset, address) in addresses.enumerated() {
            let candidate = kept + [address]
            let tail = ",… (+\(addresses.count - offset - 1) more)" + suffix
            if candidate.joined(separator: ",").count + tail.count > maximumLength { break }
            kept = candidate
        }
        return kept.joined(separator: ",") + ",… (+\(addresses.count - kept.count) more)" + suffix
    }
}
