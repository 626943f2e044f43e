// Batched UDP I/O for relay-server's data plane (Linux): recvmmsg/sendmmsg over fixed, reused buffers, with UDP GRO
// on receive and UDP GSO (UDP_SEGMENT) on send. Swift's Glibc module has no recvmmsg/sendmmsg/cmsg macros, so
// this small layer does the kernel-facing part; the relay's decisions stay in Swift.
//
// Small socket helpers sit beside it (a plain UDP bind): written in Swift they need
// NIO's C module, which owns the sockaddr declarations once MemberImportVisibility is on.
//
// One `relay_io_batch` belongs to one thread. Received datagrams stay valid until the next relay_io_receive;
// queued sends point into them (no copy) and must be flushed before the next receive.
#ifndef CRELAYIO_H
#define CRELAYIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One received datagram (or GRO train).
typedef struct relay_io_received {
    const uint8_t *data;
    uint32_t length;
    /// UDP GRO segment size when the kernel delivered a coalesced train, else 0.
    uint16_t segment_size;
    /// 1 when the datagram did not fit its slot (MSG_TRUNC).
    uint8_t truncated;
    /// Source endpoint in its 18-byte wire form: 16 address bytes (IPv4 v4-mapped), then the port, big-endian.
    uint8_t source[18];
} relay_io_received;

/// How many refused destinations one flush report names.
#define RELAY_IO_REPORTED_REFUSALS 4

/// What a flush did besides sending.
typedef struct relay_io_flush_report {
    /// Datagrams that left (a GSO train counts its segments).
    uint32_t sent;
    /// Datagrams dropped because the socket's send buffer was full (EAGAIN/ENOBUFS).
    uint32_t queue_full_drops;
    /// Datagrams refused by the kernel for another reason (e.g. EPERM from a firewall); the last errno below.
    uint32_t errors;
    int32_t last_errno;
    /// GSO writes (a train or a coalesced run) the kernel refused (EIO/EINVAL/EOPNOTSUPP). Each was sent datagram
    /// by datagram instead; the batch keeps using GSO (the caller decides whom to avoid, see
    /// relay_io_queue_unsegmented).
    uint32_t segmentation_refused;
    /// Datagrams of those writes sent (or tried) one by one.
    uint32_t segmentation_fallback_datagrams;
    /// The errno of the last refused GSO write.
    int32_t segmentation_errno;
    /// Destinations of the first (at most RELAY_IO_REPORTED_REFUSALS) refused writes, 18-byte wire form each (16
    /// address bytes, IPv4 v4-mapped, then the port big-endian); refused_destination_count of them are set.
    uint32_t refused_destination_count;
    uint8_t refused_destinations[RELAY_IO_REPORTED_REFUSALS * 18];
} relay_io_flush_report;

typedef struct relay_io_batch relay_io_batch;

/// A batch of `count` receive slots of `slot_bytes` each and room for `send_capacity` queued sends.
/// NULL when out of memory.
relay_io_batch *relay_io_batch_create(uint32_t count, uint32_t slot_bytes, uint32_t send_capacity);
void relay_io_batch_destroy(relay_io_batch *batch);

/// Receives up to `count` datagrams with one recvmmsg (blocks for the first, takes what is queued after it).
/// Returns the number received, 0 on timeout or interruption, -errno on another error.
int relay_io_receive(relay_io_batch *batch, int fd);
/// Datagram `index` of the last receive.
relay_io_received relay_io_get(const relay_io_batch *batch, uint32_t index);

/// Queues `length` bytes at `data` (not copied) for the destination: its 16 address bytes (IPv4 v4-mapped) as
/// two 8-byte words in memory order, and the port in host order. `segment_size` > 0 sends them as one GSO train.
/// With coalescing on, a plain datagram may join the previous queued one (see relay_io_set_coalescing).
/// Returns 0, or -1 when the queue is full (flush and queue again).
int relay_io_queue(relay_io_batch *batch, const void *data, uint32_t length, uint64_t address_high,
                   uint64_t address_low, uint16_t port, uint16_t segment_size);
/// Coalescing (off when created): consecutive plain datagrams queued for the same destination, of one length
/// (the last may be shorter), leave as one GSO write whose iovecs point at each datagram (no copy), at most 64
/// datagrams and 65507 bytes. The kernel or the receiver splits it back into the same datagrams, in order.
void relay_io_set_coalescing(relay_io_batch *batch, int enabled);
/// Like relay_io_queue, without GSO: a train (`segment_size` > 0) is queued as one message per segment, and no
/// datagram joins or starts a coalesced run. For destinations that recently refused a GSO write.
/// Returns 0, or -1 when the queue has no room for all of them (flush and queue again).
int relay_io_queue_unsegmented(relay_io_batch *batch, const void *data, uint32_t length, uint64_t address_high,
                               uint64_t address_low, uint16_t port, uint16_t segment_size);
/// Queued send messages (a train or a coalesced run is one).
uint32_t relay_io_queued(const relay_io_batch *batch);
/// Sends everything queued on `fd` (an AF_INET socket takes IPv4 destinations only) with sendmmsg, never
/// blocking, and empties the queue.
void relay_io_flush(relay_io_batch *batch, int fd, relay_io_flush_report *report);

/// Sends one datagram right away (control replies). Returns 0 or -errno.
int relay_io_send_one(int fd, const void *data, uint32_t length, uint64_t address_high, uint64_t address_low,
                      uint16_t port);

/// Enables UDP GRO on a socket (setsockopt UDP_GRO). Returns 0 or -errno.
int relay_io_enable_gro(int fd);
/// Sets SO_RCVTIMEO so that a blocked receive returns after `milliseconds`. Returns 0 or -errno.
int relay_io_set_receive_timeout(int fd, uint32_t milliseconds);

/// Opens a UDP socket (close-on-exec; IPv6 sockets V6ONLY) bound to the numeric address `address` and `port`
/// (0: any free port) without SO_REUSEPORT, so the bind fails on any socket already there. Returns the socket and
/// stores the bound port in `bound_port`, or returns -errno (-EINVAL for an address that is not numeric).
int relay_io_bind_udp(const char *address, uint16_t port, uint16_t *bound_port);

#ifdef __cplusplus
}
#endif
#endif
