import Coordinator
import Testing

@Suite struct NetmapHubTests {
    @Test func waiterWakesOnNewerVersion() async {
        let hub = NetmapHub(version: 5)
        async let moved = hub.waitForVersion(after: 5, timeout: .seconds(10))
        for _ in 0..<200 where hub.waiterCount == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        #expect(hub.waiterCount == 1)
        hub.publish(6)
        #expect(await moved)
        #expect(hub.waiterCount == 0)
    }

    @Test func olderVersionsAndTimeoutsDoNotWake() async {
        let hub = NetmapHub(version: 5)
        hub.publish(4)
        #expect(hub.version == 5)
        #expect(await hub.waitForVersion(after: 5, timeout: .milliseconds(50)) == false)
        #expect(hub.waiterCount == 0)
    }

    @Test func alreadyNewerReturnsAtOnceAndCloseReleasesWaiters() async {
        let hub = NetmapHub(version: 9)
        #expect(await hub.waitForVersion(after: 3, timeout: .seconds(10)))
        async let moved = hub.waitForVersion(after: 9, timeout: .seconds(10))
        for _ in 0..<200 where hub.waiterCount == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        hub.close()
        #expect(await moved == false)
        #expect(hub.waiterCount == 0)
    }
}
