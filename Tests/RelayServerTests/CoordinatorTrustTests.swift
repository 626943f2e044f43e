import RelayCore
import Tailnet
import Testing

@testable import RelayServer

/// How the coordinator's revocation list combines with the relay's own trust settings (pure).
@Suite struct CoordinatorTrustTests {
    static func info(_ key: CAPublicKey) -> CAKeyInfo {
        CAKeyInfo(keyID: "\(key.keyID)", publicKey: key.base64, active: true, trustedUntil: nil)
    }

    @Test func serialsAddUpAndCAKeysOnlyNarrow() {
        let kept = CAPrivateKey.generate().publicKey
        let dropped = CAPrivateKey.generate().publicKey
        let foreign = CAPrivateKey.generate().publicKey
        let configured = RelayTrust(caKeys: [kept, dropped], revokedSerials: [1])
        let list = RevocationList(
            version: 7, tailnetID: "t", serials: [2, 3], caPublicKeys: [Self.info(kept), Self.info(foreign)],
            generatedAt: 0)
        let (trust, problem) = configured.applying(list)
        #expect(problem == nil)
        #expect(trust.revokedSerials == [1, 2, 3])
        // The dropped key is no longer trusted; the foreign key the coordinator names is not added.
        #expect(trust.caKeys == [kept])
    }

    @Test func aListNamingNoneOfTheRelaysKeysKeepsThemAndSaysWhy() {
        let own = CAPrivateKey.generate().publicKey
        let list = RevocationList(
            version: 1, tailnetID: "t", serials: [9], caPublicKeys: [Self.info(CAPrivateKey.generate().publicKey)],
            generatedAt: 0)
        let (trust, problem) = RelayTrust(caKeys: [own]).applying(list)
        #expect(trust.caKeys == [own] && trust.revokedSerials == [9])
        #expect(problem?.contains("none of this relay's CA keys") == true)
    }

    @Test func theSweeperWakesAtTheNextCertificateExpiry() {
        let now = Timestamp(unixSeconds: 1000)
        #expect(ExpirySweeper.delay(interval: .seconds(5), now: now, nextCertificateExpiry: nil) == .seconds(5))
        #expect(
            ExpirySweeper.delay(interval: .seconds(5), now: now, nextCertificateExpiry: Timestamp(unixSeconds: 1002))
                == .seconds(2))
        #expect(
            ExpirySweeper.delay(interval: .seconds(5), now: now, nextCertificateExpiry: Timestamp(unixSeconds: 999))
                == .milliseconds(10))
    }
}
