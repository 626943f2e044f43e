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

        /// The plain bind relay-server probes its port with (no SO_REUSEPORT) refuses a port that is taken.
        @Test func plainBindRefusesATakenPort() throws {
            let taken = try Self.socket()
            defer { close(taken.fd) }
            #expect(taken.port != 0)
            var port: UInt16 = 0
            #expect(relay_io_bind_udp("127.0.0.1", taken.port, &port) == -EADDRINUSE)
            #expect(relay_io_bind_udp("localhost", 0, &port) == -EINVAL)
        }

        @Test func aTrainTheKernelRefusesAsGSOIsSentDatagramByDatagramAndOthersKeepGSO() throws {
            // 200 segments exceed the kernel's per-send GSO segment limit (64 or 128), so the GSO write fails with
            // EINVAL: the train must still arrive, one datagram per segment, and the report names its destination.
            // A coalesced run to another destination in the same flush still leaves as one GSO write.
            let sender = try Self.socket()
            let receiver = try Self.socket()
            let other = try Self.socket()
            defer {
                close(sender.fd)
                close(receiver.fd)
                close(other.fd)
            }
            var buffer = [UInt8](repeating: 0, count: 200 * 8)
            for index in 0..<200 { buffer[index * 8] = UInt8(index) }
            let batch = try #require(relay_io_batch_create(4, 2048, 64))
            defer { relay_io_batch_destroy(batch) }
            relay_io_set_coalescing(batch, 1)
            let runSizes = [300, 300, 300, 300, 50]
            let run = UnsafeMutableRawBufferPointer.allocate(byteCount: runSizes.reduce(0, +), alignment: 8)
            defer { run.deallocate() }
            var report = relay_io_flush_report()
            let (high, low) = Self.loopbackWords
            buffer.withUnsafeBytes { bytes in
                #expect(relay_io_queue(batch, bytes.baseAddress, UInt32(bytes.count), high, low, receiver.port, 8) == 0)
                Self.queue(batch, sizes: runSizes, ports: [UInt16](repeating: other.port, count: 5), in: run)
                #expect(relay_io_queued(batch) == 2, "the train, then one coalesced run to the other destination")
                relay_io_flush(batch, sender.fd, &report)
            }
            #expect(report.segmentation_refused == 1, "only the train was refused")
            #expect(report.segmentation_errno == EINVAL)
            #expect(report.sent == 200 + UInt32(runSizes.count))
            #expect(report.segmentation_fallback_datagrams == 200)
            #expect(report.refused_destination_count == 1)
            #expect(Self.refusedDestination(report, 0) == Self.loopbackWire(port: receiver.port))
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
            let got = try Self.receive(runSizes.count, on: other.fd)
            #expect(got.map(\.index) == Array(runSizes.indices))
            #expect(got.map(\.length) == runSizes)
        }

        /// Refused destination `index` of a flush report, in its 18-byte wire form.
        static func refusedDestination(_ report: relay_io_flush_report, _ index: Int) -> [UInt8] {
            withUnsafeBytes(of: report.refused_destinations) { Array($0[index * 18..<index * 18 + 18]) }
        }

        /// 127.0.0.1:`port` in its 18-byte wire form.
        static func loopbackWire(port: UInt16) -> [UInt8] {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1, UInt8(port >> 8), UInt8(port & 0xFF)]
        }

        /// Queues `sizes[i]`-byte datagrams whose first two bytes are i, for the receiver of `ports[i]`. The
        /// buffer must stay alive until the flush.
        static func queue(
            _ batch: OpaquePointer, sizes: [Int], ports: [UInt16], in buffer: UnsafeMutableRawBufferPointer,
            unsegmented: Bool = false
        ) {
            let (high, low) = loopbackWords
            var offset = 0
            for (index, size) in sizes.enumerated() {
                let datagram = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + size])
                datagram.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: index))
                datagram[0] = UInt8(index >> 8)
                datagram[1] = UInt8(index & 0xFF)
                let queue = unsegmented ? relay_io_queue_unsegmented : relay_io_queue
                #expect(queue(batch, datagram.baseAddress, UInt32(size), high, low, ports[index], 0) == 0)
                offset += size
            }
        }

        /// Receives up to `count` datagrams on `fd`: (index, length) of each, in arrival order.
        static func receive(_ count: Int, on fd: Int32) throws -> [(index: Int, length: Int)] {
            let batch = try #require(relay_io_batch_create(64, 2048, 1))
            defer { relay_io_batch_destroy(batch) }
            var arrived: [(index: Int, length: Int)] = []
            while arrived.count < count {
                let received = relay_io_receive(batch, fd)
                guard received > 0 else { break }
                for slot in 0..<UInt32(received) {
                    let datagram = relay_io_get(batch, slot)
                    arrived.append((Int(datagram.data[0]) << 8 | Int(datagram.data[1]), Int(datagram.length)))
                }
            }
            return arrived
        }

        @Test func runsForOneDestinationLeaveAsOneWriteEachAndArriveIntact() throws {
            let sender = try Self.socket()
            let atA = try Self.socket()
            let atB = try Self.socket()
            defer {
                close(sender.fd)
                close(atA.fd)
                close(atB.fd)
            }
            // To A: 70 of 300 B (64 fill a write, the limit), then 120 B ending the second run, 120 B again (a new
            // run); 3 to B; 2 more to A ended by a shorter one, and one more shorter one.
            var sizes = [Int](repeating: 300, count: 70) + [120, 120]
            var ports = [UInt16](repeating: atA.port, count: 72)
            sizes += [300, 300, 300]
            ports += [UInt16](repeating: atB.port, count: 3)
            sizes += [300, 300, 250, 250]
            ports += [UInt16](repeating: atA.port, count: 4)
            let batch = try #require(relay_io_batch_create(4, 2048, 128))
            defer { relay_io_batch_destroy(batch) }
            relay_io_set_coalescing(batch, 1)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sizes.reduce(0, +), alignment: 8)
            defer { buffer.deallocate() }
            Self.queue(batch, sizes: sizes, ports: ports, in: buffer)
            #expect(relay_io_queued(batch) == 6, "64 | 6 + 1 | 1 to A, 3 to B, 3 | 1 to A")
            var report = relay_io_flush_report()
            relay_io_flush(batch, sender.fd, &report)
            #expect(report.sent == UInt32(sizes.count), "a coalesced write counts its datagrams")
            #expect(report.segmentation_refused == 0 && report.errors == 0 && report.queue_full_drops == 0)
            let expected = sizes.indices.map { (index: $0, length: sizes[$0]) }
            let gotA = try Self.receive(76, on: atA.fd)
            let gotB = try Self.receive(3, on: atB.fd)
            #expect(gotA.map(\.index) == expected.filter { ports[$0.index] == atA.port }.map(\.index))
            #expect(gotA.map(\.length) == expected.filter { ports[$0.index] == atA.port }.map(\.length))
            #expect(gotB.map(\.index) == [72, 73, 74])
            #expect(gotB.map(\.length) == [300, 300, 300])

            relay_io_set_coalescing(batch, 0)
            Self.queue(batch, sizes: [300, 300, 300], ports: [atB.port, atB.port, atB.port], in: buffer)
            #expect(relay_io_queued(batch) == 3, "coalescing off: one message per datagram")
            relay_io_flush(batch, sender.fd, &report)
            #expect(try Self.receive(3, on: atB.fd).count == 3)
        }

        @Test func coalescedRunsTheKernelRefusesAreSentDatagramByDatagramAndGSOIsUsedAgainAfterwards() throws {
            // SO_NO_CHECK (no UDP checksum on send) makes the kernel refuse every GSO write with EINVAL, while plain
            // datagrams still leave: both queued runs must arrive datagram by datagram, in order.
            let sender = try Self.socket()
            let receiver = try Self.socket()
            defer {
                close(sender.fd)
                close(receiver.fd)
            }
            var one: Int32 = 1
            try #require(setsockopt(sender.fd, SOL_SOCKET, SO_NO_CHECK, &one, socklen_t(MemoryLayout<Int32>.size)) == 0)
            let sizes = [Int](repeating: 300, count: 10) + [Int](repeating: 200, count: 10) + [100]
            let ports = [UInt16](repeating: receiver.port, count: sizes.count)
            let batch = try #require(relay_io_batch_create(4, 2048, 64))
            defer { relay_io_batch_destroy(batch) }
            relay_io_set_coalescing(batch, 1)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sizes.reduce(0, +), alignment: 8)
            defer { buffer.deallocate() }
            Self.queue(batch, sizes: sizes, ports: ports, in: buffer)
            #expect(relay_io_queued(batch) == 2, "two coalesced runs: 10 x 300 + 200, 9 x 200 + 100")
            var report = relay_io_flush_report()
            relay_io_flush(batch, sender.fd, &report)
            #expect(report.segmentation_refused == 2, "the batch keeps trying GSO: both runs were refused")
            #expect(report.segmentation_errno == EINVAL)
            #expect(report.sent == UInt32(sizes.count))
            #expect(report.segmentation_fallback_datagrams == UInt32(sizes.count))
            #expect(report.refused_destination_count == 2)
            #expect(Self.refusedDestination(report, 0) == Self.loopbackWire(port: receiver.port))
            var got = try Self.receive(sizes.count, on: receiver.fd)
            #expect(got.map(\.index) == Array(sizes.indices), "every datagram arrives once, in order")
            #expect(got.map(\.length) == sizes)

            // What the forwarder does for a destination it remembers as refusing: one message per datagram, no
            // GSO write.
            Self.queue(
                batch, sizes: [300, 300, 300], ports: [UInt16](repeating: receiver.port, count: 3), in: buffer,
                unsegmented: true)
            #expect(relay_io_queued(batch) == 3, "a remembered destination gets no coalesced run")
            report = relay_io_flush_report()
            relay_io_flush(batch, sender.fd, &report)
            #expect(report.segmentation_refused == 0 && report.sent == 3)
            #expect(try Self.receive(3, on: receiver.fd).map(\.index) == [0, 1, 2])

            // Once the refusal is over (here: checksums back on; in the relay: the hold period expired), the same
            // batch coalesces again and the kernel takes the run as one GSO write.
            var zero: Int32 = 0
            try #require(
                setsockopt(sender.fd, SOL_SOCKET, SO_NO_CHECK, &zero, socklen_t(MemoryLayout<Int32>.size)) == 0)
            let again = [300, 300, 300, 300, 120]
            Self.queue(batch, sizes: again, ports: [UInt16](repeating: receiver.port, count: again.count), in: buffer)
            #expect(relay_io_queued(batch) == 1, "GSO and coalescing are used again after a refusal")
            report = relay_io_flush_report()
            relay_io_flush(batch, sender.fd, &report)
            #expect(report.segmentation_refused == 0 && report.errors == 0 && report.sent == UInt32(again.count))
            got = try Self.receive(again.count, on: receiver.fd)
            #expect(got.map(\.index) == Array(again.indices), "every datagram arrives once, in order")
            #expect(got.map(\.length) == again)
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
