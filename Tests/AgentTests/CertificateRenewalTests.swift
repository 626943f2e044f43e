import Agent
import RelayCore
import Testing

/// The node renews its certificate at about 2/3 of its lifetime (jittered earlier), and retries failures with
/// backoff that still fits several attempts before expiry. Pure: time is a number.
@Suite struct CertificateRenewalTests {
    let issued = Timestamp(unixSeconds: 1_800_000_000)

    func schedule(lifetime: Duration = .seconds(7 * 86_400), randomUnit: Double = 0) -> CertificateRenewal {
        CertificateRenewal(notBefore: issued, notAfter: issued + lifetime, randomUnit: randomUnit)
    }

    @Test func firstAttemptAtTwoThirdsBroughtForwardByAtMostATenthOfTheLifetime() {
        let lifetime = Duration.seconds(7 * 86_400)
        #expect(schedule(randomUnit: 0).nextAttempt == issued + lifetime * (2.0 / 3.0))
        let earliest = schedule(randomUnit: 0.999_999).nextAttempt
        #expect(earliest > issued + lifetime * (2.0 / 3.0 - 0.1) - .seconds(1))
        #expect(earliest < issued + lifetime * (2.0 / 3.0))
        let halfway = schedule(randomUnit: 0.5).nextAttempt
        #expect(halfway < schedule(randomUnit: 0).nextAttempt && halfway > earliest)

        let renewal = schedule()
        #expect(!renewal.isDue(at: renewal.nextAttempt - .seconds(1)))
        #expect(renewal.isDue(at: renewal.nextAttempt))
        #expect(renewal.delay(at: issued) == renewal.nextAttempt - issued)
        #expect(renewal.delay(at: renewal.nextAttempt + .seconds(5)) == .zero)
    }

    @Test func failuresBackOffExponentiallyUpToTheMaximum() {
        var renewal = schedule()
        var now = renewal.nextAttempt
        var delays: [Duration] = []
        for _ in 0..<9 {
            delays.append(renewal.failed(at: now))
            #expect(renewal.nextAttempt == now + delays.last!)
            now = renewal.nextAttempt
        }
        #expect(delays.prefix(7) == [5, 10, 20, 40, 80, 160, 300].map { Duration.seconds($0) }[...])
        #expect(delays.last == .seconds(300))
        #expect(renewal.failures == 9)
        #expect(!renewal.isExpired(at: now), "a week-long certificate leaves days of retries")

        renewal.renewed(notBefore: now, notAfter: now + .seconds(7 * 86_400), randomUnit: 0)
        #expect(renewal.failures == 0)
        #expect(renewal.nextAttempt == now + .seconds(7 * 86_400) * (2.0 / 3.0))
    }

    @Test func shortLifetimesRetryOftenEnoughToRenewBeforeExpiry() {
        var renewal = schedule(lifetime: .seconds(60))
        #expect(renewal.nextAttempt == issued + .seconds(40))
        var now = renewal.nextAttempt
        var attempts = 0
        while !renewal.isExpired(at: now) {
            attempts += 1
            renewal.failed(at: now)
            now = renewal.nextAttempt
            #expect(renewal.delay(at: now) == .zero)
        }
        // 20 s left, retries at most 6 s apart (a tenth of the lifetime): at least three more chances.
        #expect(attempts >= 3, "\(attempts)")
    }

    @Test func readsTheValidityFromTheCertificate() throws {
        let ca = try CertificateAuthority(privateKey: .generate(), tailnetID: "home.tailnet")
        let certificate = try ca.issue(
            role: .node, subjectKey: PrivateKey.generate().publicKey, subjectID: "n1", subjectName: "laptop",
            validFor: .seconds(300), now: issued)
        let renewal = CertificateRenewal(certificate: certificate, randomUnit: 0)
        #expect(renewal.notBefore == issued && renewal.notAfter == issued + .seconds(300))
        #expect(renewal.nextAttempt == issued + .seconds(200))
        #expect(renewal.lifetime == .seconds(300))
    }
}
