#if os(Linux)
    import CRelayIO
    import Glibc
    import Testing

    /// The batched socket layer on real loopback sockets.
    @Suite struct BatchedIOTests {
        /// A bound IPv4 UDP socket on 127.0.0.1 and its port.
        static func socket() throws -> (fd: Int32, port: UInt16) {
            var port: UInt16 = 0
            let fd = relay_io_bind_udp("127.0.0.1", 0, &port)
            try #require(fd >= 0, "binding 127.0.0.1:0 failed with errno \(-fd)")
            _ = relay_io_set_receive_timeout(fd, 1000)
            return (fd, port)
        }

        /// 127.0.0.1 as CRelayIO's two address words (v4-mapped, memory order).
        static let loopbackWords: (UInt64, UInt64) = {
            let bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1]
            return bytes.withUnsafeBytes {
                (
                    $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                )
            }
        }()

        /// The plain bind relay-server probes its port with (no SO_REUSEPORT) refuses a port that is taken, and the
        /// interface list the agent publishes endpoints from holds no loopback address.
        @Test func plainBindRefusesATakenPortAndInterfaceListSkipsLoopback() throws {
            let taken = try Self.socket()
            defer { close(taken.fd) }
            #expect(taken.port != 0)
            var port: UInt16 = 0
            #expect(relay_io_bind_udp("127.0.0.1", taken.port, &port) == -EADDRINUSE)
            #expect(relay_io_bind_udp("localhost", 0, &port) == -EINVAL)
            var addresses = [UInt32](repeating: 0, count: 64)
            let count = relay_io_interface_ipv4(&addresses, UInt32(addresses.count))
            #expect(count >= 0)
            #expect(relay_io_interface_ipv4(nil, 0) == count)
            for address in addresses.prefix(Int(max(0, count))) { #expect(address >> 24 != 127) }
        }

        @Test func aTrainTheKernelRefusesAsGSOIsSentDatagramByDatagram() throws {
            // 200 segments exceed the kernel's per-send GSO segment limit (64 or 128), so the GSO write fails with
            // EINVAL: the train must still arrive, one datagram per segment, and GSO stays off for the batch.
            let sender = try Self.socket()
            let receiver = try Self.socket()
            defer {
                close(sender.fd)
                close(receiver.fd)
            }
            var buffer = [UInt8](repeating: 0, count: 200 * 8)
            for index in 0..<200 { buffer[index * 8] = UInt8(index) }
            let batch = try #require(relay_io_batch_create(4, 2048, 64))
            defer { relay_io_batch_destroy(batch) }
            var report = relay_io_flush_report()
            let (high, low) = Self.loopbackWords
            buffer.withUnsafeBytes { bytes in
                #expect(relay_io_queue(batch, bytes.baseAddress, UInt32(bytes.count), high, low, receiver.port, 8) == 0)
                relay_io_flush(batch, sender.fd, &report)
            }
            #expect(report.segmentation_refused == 1)
            #expect(report.sent == 200)
            #expect(relay_io_segmentation_disabled(batch) == 1)
            var firstBytes: [UInt8] = []
            while firstBytes.count < 200 {
                let count = relay_io_receive(batch, receiver.fd)
                guard count > 0 else { break }
                for index in 0..<UInt32(count) {
                    let received = relay_io_get(batch, index)
                    #expect(received.length == 8)
                    firstBytes.append(received.data[0])
                }
            }
            #expect(firstBytes == (0..<200).map { UInt8($0) }, "every datagram arrives once, in order")
        }

        @Test func receivedDatagramsCarryTheirSourceAndLength() throws {
            let sender = try Self.socket()
            let receiver = try Self.socket()
            defer {
                close(sender.fd)
                close(receiver.fd)
            }
            let batch = try #require(relay_io_batch_create(8, 64, 8))
            defer { relay_io_batch_destroy(batch) }
            let (high, low) = Self.loopbackWords
            let payloads: [[UInt8]] = [[1, 2, 3], [UInt8](repeating: 9, count: 65)]
            for payload in payloads {
                payload.withUnsafeBytes {
                    #expect(
                        relay_io_send_one(sender.fd, $0.baseAddress, UInt32($0.count), high, low, receiver.port) == 0)
                }
            }
            var received: [relay_io_received] = []
            while received.count < 2 {
                let count = relay_io_receive(batch, receiver.fd)
                guard count > 0 else { break }
                for index in 0..<UInt32(count) { received.append(relay_io_get(batch, index)) }
            }
            try #require(received.count == 2)
            #expect(received[0].length == 3 && received[0].truncated == 0)
            #expect(received[1].truncated == 1, "a datagram larger than its slot is reported truncated")
            let source = withUnsafeBytes(of: received[0].source) { Array($0) }
            #expect(
                source == [
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1, UInt8(sender.port >> 8),
                    UInt8(sender.port & 0xFF),
                ])
        }
    }
#endif
