import Fallback
import RelayCore
import Testing

@Suite struct ClientRegistryTests {
    typealias V = FallbackVectors
    typealias Registry = ClientRegistry<String>

    func entry(_ id: UInt64, _ name: String, watches: Bool = false, serial: UInt64 = 1) -> Registry.Entry {
        let certificate = try! V.authority.issue(
            role: .node, subjectKey: V.clientA.publicKey, subjectID: "n\(serial)", subjectName: name,
            validFor: .seconds(86_400), now: V.now, serial: serial)
        return Registry.Entry(
            connectionID: id, handle: name, certificate: certificate, admittedAt: V.now, watches: watches)
    }

    @Test func aSecondConnectionOfOneKeyReplacesTheFirstAndItsLeavingChangesNothing() {
        var registry = Registry()
        let key = V.clientA.publicKey
        let first = registry.add(key: key, entry: entry(1, "old"))
        #expect(first.replaced == nil)
        let arrival = registry.add(key: key, entry: entry(2, "new"))
        #expect(arrival.replaced == "old")
        #expect(registry.count == 1)
        let staleRemoval = registry.remove(key: key, connectionID: 1)
        #expect(staleRemoval == nil)
        #expect(registry.handle(for: key) == "new")
        let removal = registry.remove(key: key, connectionID: 2)
        #expect(removal == [])
        #expect(registry.count == 0)
    }

    @Test func watchersHearArrivalsAndDeparturesAndSendersHearDepartures() {
        var registry = Registry()
        let a = V.clientA.publicKey
        let b = V.clientB.publicKey
        let w = V.server.publicKey
        _ = registry.add(key: a, entry: entry(1, "a"))
        let watcher = registry.add(key: w, entry: entry(2, "w", watches: true))
        #expect(watcher.present == [a])
        let arrival = registry.add(key: b, entry: entry(3, "b"))
        #expect(arrival.notify == ["w"])
        registry.noteSender(a, to: b)
        let notified = registry.remove(key: b, connectionID: 3) ?? []
        #expect(Set(notified) == ["w", "a"])
    }

    @Test func recheckListsRevokedConnections() {
        var registry = Registry()
        _ = registry.add(key: V.clientA.publicKey, entry: entry(1, "a", serial: 1))
        _ = registry.add(key: V.clientB.publicKey, entry: entry(2, "b", serial: 2))
        let verifier = CertificateVerifier(trustedCAs: [V.ca.publicKey], tailnetID: "example.ts", revokedSerials: [2])
        let failing = registry.failingRecheck(verifier: verifier, now: V.now + .seconds(5))
        #expect(failing.map(\.entry.handle) == ["b"])
        #expect(failing.first?.notice.reason == .revoked)
    }
}
