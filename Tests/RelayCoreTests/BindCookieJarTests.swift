import Testing

@testable import RelayCore

@Suite struct BindCookieJarTests {
    let start = Timestamp(unixSeconds: 1_800_000_000)
    let a = PrivateKey.generate().publicKey
    let b = PrivateKey.generate().publicKey
    let source = EndpointAddress("198.51.100.4:5000")!

    @Test func cookieBindsEveryInput() {
        var jar = BindCookieJar(now: start)
        let cookie = jar.cookie(vni: 9, generation: 3, remoteKey: b, senderKey: a, source: source, now: start)
        func valid(
            _ vni: UInt32, _ generation: UInt32, _ remote: PublicKey, _ sender: PublicKey, _ from: EndpointAddress
        )
            -> Bool
        {
            jar.isValid(
                cookie, vni: vni, generation: generation, remoteKey: remote, senderKey: sender, source: from, now: start
            )
        }
        #expect(valid(9, 3, b, a, source))
        #expect(!valid(8, 3, b, a, source))
        #expect(!valid(9, 4, b, a, source))
        #expect(!valid(9, 3, a, b, source))
        #expect(!valid(9, 3, b, a, EndpointAddress("198.51.100.4:5001")!))
        #expect(!valid(9, 3, b, a, EndpointAddress("198.51.100.5:5000")!))
        // Another jar (another relay, or a restarted one) does not accept it.
        var other = BindCookieJar(now: start)
        let acceptedElsewhere = other.isValid(
            cookie, vni: 9, generation: 3, remoteKey: b, senderKey: a, source: source, now: start)
        #expect(!acceptedElsewhere)
    }

    @Test func previousSecretIsAcceptedForOneMoreInterval() {
        var jar = BindCookieJar(now: start)
        let cookie = jar.cookie(vni: 1, generation: 1, remoteKey: b, senderKey: a, source: source, now: start)
        func valid(_ at: Timestamp) -> Bool {
            jar.isValid(cookie, vni: 1, generation: 1, remoteKey: b, senderKey: a, source: source, now: at)
        }
        #expect(valid(start + .seconds(119)))
        #expect(valid(start + .seconds(120)))  // rotated: now under the previous secret
        let fresh = jar.cookie(
            vni: 1, generation: 1, remoteKey: b, senderKey: a, source: source, now: start + .seconds(121))
        #expect(fresh != cookie)
        #expect(valid(start + .seconds(239)))
        #expect(!valid(start + .seconds(240)))  // rotated again: gone
    }

    @Test func longGapForgetsBothSecrets() {
        var jar = BindCookieJar(now: start)
        let cookie = jar.cookie(vni: 1, generation: 1, remoteKey: b, senderKey: a, source: source, now: start)
        let accepted = jar.isValid(
            cookie, vni: 1, generation: 1, remoteKey: b, senderKey: a, source: source, now: start + .seconds(240))
        #expect(!accepted)
    }

    @Test func fixedSecretGivesTheDocumentedCookie() {
        var jar = BindCookieJar(secret: ProtocolVectors.cookieSecret, now: start)
        let cookie = jar.cookie(
            vni: 0x12_3456, generation: 7, remoteKey: ProtocolVectors.clientB.publicKey,
            senderKey: ProtocolVectors.clientA.publicKey, source: ProtocolVectors.source, now: start)
        #expect(cookie == ProtocolVectors.cookie)
    }
}
