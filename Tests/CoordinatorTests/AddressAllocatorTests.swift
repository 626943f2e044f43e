import Testing

@testable import Coordinator

@Suite struct AddressAllocatorTests {
    @Test func firstAddressIsOneAfterTheNetwork() {
        let picked = AddressAllocator.next(cursor: 0) { _ in false }
        #expect(picked?.address == "100.64.0.1")
        #expect(picked?.nextCursor == 2)
    }

    @Test func skipsTakenAddresses() {
        let taken: Set = ["100.64.0.1", "100.64.0.2"]
        let picked = AddressAllocator.next(cursor: 1) { taken.contains($0) }
        #expect(picked?.address == "100.64.0.3")
    }

    @Test func wrapsBeforeTheBroadcastAddress() {
        let last = AddressAllocator.next(cursor: AddressAllocator.lastOffset) { _ in false }
        #expect(last?.address == "100.127.255.254")
        #expect(last?.nextCursor == AddressAllocator.firstOffset)
    }

    @Test func givesUpAfterTheProbeBound() {
        #expect(AddressAllocator.next(cursor: 1, maxProbes: 10) { _ in true } == nil)
    }

    @Test(arguments: [
        ("100.64.0.1", true), ("100.127.255.254", true), ("100.64.0.0", false), ("100.127.255.255", false),
        ("100.128.0.1", false), ("10.0.0.1", false), ("100.64.0", false), ("100.64.0.256", false),
    ])
    func rangeMembership(address: String, expected: Bool) {
        #expect(AddressAllocator.contains(address) == expected)
    }
}
