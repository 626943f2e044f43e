import Testing

@testable import RelayCore

@Suite struct KeyTests {
    @Test func publicKeyRoundTripsThroughBytesAndBase64() throws {
        let key = PrivateKey.generate().publicKey
        #expect(try PublicKey(bytes: key.bytes) == key)
        #expect(PublicKey(base64: key.base64) == key)
        #expect(key.base64.count == 44)
        #expect(key.shortDescription.hasPrefix("k:"))
        #expect(key.shortDescription == "k:" + Hex.encode(key.bytes.prefix(4)))
        #expect(MemoryLayout<PublicKey>.size == 32)
    }

    @Test func publicKeyRejectsWrongLengthAndBadText() {
        #expect(throws: KeyError.wrongLength(kind: "X25519 public key", expected: 32, actual: 31)) {
            try PublicKey(bytes: [UInt8](repeating: 1, count: 31))
        }
        #expect(PublicKey(base64: "not base64!") == nil)
        #expect(PublicKey(base64: Sodium.base64([UInt8](repeating: 1, count: 33))) == nil)
    }

    @Test func publicKeyOrderIsBytewise() throws {
        var a = [UInt8](repeating: 0, count: 32)
        var b = a
        a[0] = 1
        b[31] = 0xFF
        let ka = try PublicKey(bytes: a)
        let kb = try PublicKey(bytes: b)
        #expect(kb < ka)
        a[0] = 0
        a[30] = 1
        #expect(try PublicKey(bytes: a) > kb)
        // Byte order, not word order: bytes 7 and 8 straddle a word boundary.
        var c = [UInt8](repeating: 0, count: 32)
        var d = c
        c[7] = 1
        d[8] = 0xFF
        #expect(try PublicKey(bytes: d) < PublicKey(bytes: c))
    }

    @Test func publicKeyCodableAsBase64() throws {
        let key = PrivateKey.generate().publicKey
        struct Box: Codable, Equatable { var key: PublicKey }
        let encoded = try JSONCoding.encode(Box(key: key))
        #expect(encoded == "{\"key\":\"\(key.base64)\"}")
        #expect(try JSONCoding.decode(Box.self, from: encoded) == Box(key: key))
    }

    @Test func privateKeyTextFormRoundTrips() throws {
        let key = PrivateKey.generate()
        let parsed = try #require(PrivateKey(base64: key.base64))
        #expect(parsed.publicKey == key.publicKey)
        #expect(!key.description.contains(key.base64))
    }

    @Test func sharedKeysAgreeAndSealOpens() throws {
        let alice = PrivateKey.generate()
        let bob = PrivateKey.generate()
        let ab = try #require(alice.sharedKey(with: bob.publicKey))
        let ba = try #require(bob.sharedKey(with: alice.publicKey))
        let sealed = ab.seal(Array("hello".utf8))
        #expect(sealed.count == 24 + 16 + 5)
        #expect(try ba.open(sealed) == Array("hello".utf8))
        #expect(try ba.open(ab.seal([])) == [])
        var tampered = sealed
        tampered[30] ^= 1
        #expect(throws: SealError.authenticationFailed) { try ba.open(tampered) }
        #expect(throws: SealError.tooShort(39)) { try ba.open([UInt8](repeating: 0, count: 39)) }
        let eve = PrivateKey.generate()
        let eb = try #require(eve.sharedKey(with: bob.publicKey))
        #expect(throws: SealError.authenticationFailed) { try eb.open(sealed) }
    }

    @Test func sharedKeyRefusesLowOrderPoint() throws {
        let zero = try PublicKey(bytes: [UInt8](repeating: 0, count: 32))
        #expect(PrivateKey.generate().sharedKey(with: zero) == nil)
    }

    @Test func caKeysSignVerifyAndKeyID() throws {
        let ca = CAPrivateKey.generate()
        let message = Array("certificate".utf8)
        let signature = ca.sign(message)
        #expect(signature.count == 64)
        #expect(ca.publicKey.isValidSignature(signature, for: message))
        #expect(!ca.publicKey.isValidSignature(signature, for: message + [0]))
        #expect(!CAPrivateKey.generate().publicKey.isValidSignature(signature, for: message))
        let parsed = try #require(CAPrivateKey(base64: ca.base64))
        #expect(parsed.publicKey == ca.publicKey)
        #expect(CAPublicKey(base64: ca.publicKey.base64) == ca.publicKey)
        #expect(ca.keyID.bytes.count == 8)
        #expect(ca.keyID != CAPrivateKey.generate().keyID)
    }
}
