import Agent
import Logging
import RelayCore
import Tailnet

/// Renews the node certificate through the coordinator (`POST /v1/node/renew`, authenticated by the node token)
/// when `CertificateRenewal` says so, and hands every new certificate to `renewed` (which stores it and puts it
/// in use for relay sessions and the fallback connection). Runs until cancelled.
struct CertificateRenewer: Sendable {
    let client: CoordinatorClient
    var policy = CertificateRenewal.Policy()
    let logger: Logger

    /// Renews `current` and each certificate after it.
    func run(
        current: TailnetCertificate,
        renewed: @Sendable (_ response: RegisterResponse, _ certificate: [UInt8]) async throws -> Void
    ) async throws {
        var schedule = CertificateRenewal(certificate: current, randomUnit: .random(in: 0..<1), policy: policy)
        logger.info("node certificate valid until \(current.notAfter) Unix s; renewal in \(describe(schedule))")
        while !Task.isCancelled {
            try await Task.sleep(for: schedule.delay(at: .now()))
            do {
                let response = try await client.renew()
                guard let bytes = Sodium.decodeBase64(response.certificate) else {
                    throw AgentError.coordinator("the renewed certificate is not base64")
                }
                let certificate = try TailnetCertificate(decoding: bytes)
                try await renewed(response, bytes)
                schedule.renewed(
                    notBefore: Timestamp(unixSeconds: certificate.notBefore),
                    notAfter: Timestamp(unixSeconds: certificate.notAfter), randomUnit: .random(in: 0..<1))
                logger.info(
                    "renewed the node certificate: serial \(certificate.serial), valid until \(certificate.notAfter) Unix s; next renewal in \(describe(schedule))"
                )
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let delay = schedule.failed(at: .now())
                if schedule.isExpired(at: .now()) {
                    logger.error(
                        "the node certificate expired before it could be renewed (\(error)); the coordinator renews only unexpired certificates: remove node.json from the state directory and start again with --pre-auth-key"
                    )
                } else {
                    logger.warning(
                        "cannot renew the node certificate (attempt \(schedule.failures)): \(error); retrying in \(delay.secondsText) s"
                    )
                }
            }
        }
    }

    private func describe(_ schedule: CertificateRenewal) -> String {
        "\(schedule.delay(at: .now()).secondsText) s"
    }
}
