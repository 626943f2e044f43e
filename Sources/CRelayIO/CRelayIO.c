#ifdef __linux__
#define _GNU_SOURCE
#endif
#include "CRelayIO.h"

#ifdef __linux__
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define RELAY_IO_CONTROL_BYTES 64  // room for one UDP_GRO / UDP_SEGMENT cmsg (an int or a uint16_t)

union relay_io_address {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
};

// Coalesced runs stay within what every kernel with UDP_SEGMENT accepts: UDP_MAX_SEGMENTS is 64 (raised to 128 by
// newer kernels), and the payload of one IPv4 UDP datagram is at most 65507 bytes.
#define RELAY_IO_MAX_SEGMENTS 64
#define RELAY_IO_MAX_RUN_BYTES 65507

// The send queue: `queued` messages (tx, and per message its address, control room, segment size, datagram count
// and bytes) over `iovs` iovec slots. Each message owns consecutive slots: one for a single datagram or a GRO train,
// one per datagram for a coalesced run.
struct relay_io_batch {
    uint32_t count, slot_bytes, send_capacity, queued, iovs;
    int coalesce;
    uint8_t *buffers;
    struct mmsghdr *rx;
    struct iovec *rx_iov;
    union relay_io_address *rx_addresses;
    uint8_t *rx_control;
    struct mmsghdr *tx;
    struct iovec *tx_iov;
    union relay_io_address *tx_addresses;
    uint8_t *tx_control;
    uint16_t *tx_segment_size;
    uint32_t *tx_segments;
    uint32_t *tx_bytes;
};

relay_io_batch *relay_io_batch_create(uint32_t count, uint32_t slot_bytes, uint32_t send_capacity) {
    if (count == 0 || slot_bytes == 0 || send_capacity == 0) return NULL;
    relay_io_batch *b = calloc(1, sizeof *b);
    if (b == NULL) return NULL;
    b->count = count;
    b->slot_bytes = slot_bytes;
    b->send_capacity = send_capacity;
    b->buffers = malloc((size_t)count * slot_bytes);
    b->rx = calloc(count, sizeof *b->rx);
    b->rx_iov = calloc(count, sizeof *b->rx_iov);
    b->rx_addresses = calloc(count, sizeof *b->rx_addresses);
    b->rx_control = calloc(count, RELAY_IO_CONTROL_BYTES);
    b->tx = calloc(send_capacity, sizeof *b->tx);
    b->tx_iov = calloc(send_capacity, sizeof *b->tx_iov);
    b->tx_addresses = calloc(send_capacity, sizeof *b->tx_addresses);
    b->tx_control = calloc(send_capacity, RELAY_IO_CONTROL_BYTES);
    b->tx_segment_size = calloc(send_capacity, sizeof *b->tx_segment_size);
    b->tx_segments = calloc(send_capacity, sizeof *b->tx_segments);
    b->tx_bytes = calloc(send_capacity, sizeof *b->tx_bytes);
    if (!b->buffers || !b->rx || !b->rx_iov || !b->rx_addresses || !b->rx_control || !b->tx || !b->tx_iov ||
        !b->tx_addresses || !b->tx_control || !b->tx_segment_size || !b->tx_segments || !b->tx_bytes) {
        relay_io_batch_destroy(b);
        return NULL;
    }
    for (uint32_t i = 0; i < count; i++) {
        b->rx_iov[i].iov_base = b->buffers + (size_t)i * slot_bytes;
        b->rx_iov[i].iov_len = slot_bytes;
        b->rx[i].msg_hdr.msg_iov = &b->rx_iov[i];
        b->rx[i].msg_hdr.msg_iovlen = 1;
        b->rx[i].msg_hdr.msg_name = &b->rx_addresses[i];
    }
    return b;
}

void relay_io_batch_destroy(relay_io_batch *b) {
    if (b == NULL) return;
    free(b->buffers);
    free(b->rx);
    free(b->rx_iov);
    free(b->rx_addresses);
    free(b->rx_control);
    free(b->tx);
    free(b->tx_iov);
    free(b->tx_addresses);
    free(b->tx_control);
    free(b->tx_segment_size);
    free(b->tx_segments);
    free(b->tx_bytes);
    free(b);
}

int relay_io_receive(relay_io_batch *b, int fd) {
    for (uint32_t i = 0; i < b->count; i++) {
        b->rx[i].msg_hdr.msg_namelen = sizeof b->rx_addresses[i];
        b->rx[i].msg_hdr.msg_control = b->rx_control + (size_t)i * RELAY_IO_CONTROL_BYTES;
        b->rx[i].msg_hdr.msg_controllen = RELAY_IO_CONTROL_BYTES;
        b->rx[i].msg_hdr.msg_flags = 0;
    }
    int n = recvmmsg(fd, b->rx, b->count, MSG_WAITFORONE, NULL);
    if (n >= 0) return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    return -errno;
}

/// Writes an address in its 18-byte wire form (see relay_io_received.source); `out` must be zeroed.
static void wire_form(const union relay_io_address *a, uint8_t *out) {
    uint16_t port_be = 0;
    if (a->v4.sin_family == AF_INET) {
        out[10] = 0xFF;
        out[11] = 0xFF;
        memcpy(out + 12, &a->v4.sin_addr, 4);
        port_be = a->v4.sin_port;
    } else if (a->v6.sin6_family == AF_INET6) {
        memcpy(out, &a->v6.sin6_addr, 16);
        port_be = a->v6.sin6_port;
    }
    memcpy(out + 16, &port_be, 2);
}

relay_io_received relay_io_get(const relay_io_batch *b, uint32_t index) {
    relay_io_received r;
    memset(&r, 0, sizeof r);
    const struct msghdr *h = &b->rx[index].msg_hdr;
    r.data = (const uint8_t *)b->rx_iov[index].iov_base;
    r.length = b->rx[index].msg_len;
    r.truncated = (h->msg_flags & MSG_TRUNC) ? 1 : 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)h); c != NULL; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int size = 0;
            memcpy(&size, CMSG_DATA(c), sizeof size);
            r.segment_size = size > 0 && size <= 0xFFFF ? (uint16_t)size : 0;
        }
    }
    wire_form(&b->rx_addresses[index], r.source);
    return r;
}

static socklen_t fill_address(union relay_io_address *out, uint64_t high, uint64_t low, uint16_t port) {
    uint8_t bytes[16];
    memcpy(bytes, &high, 8);
    memcpy(bytes + 8, &low, 8);
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    memset(out, 0, sizeof *out);
    if (memcmp(bytes, mapped, 12) == 0) {
        out->v4.sin_family = AF_INET;
        out->v4.sin_port = htons(port);
        memcpy(&out->v4.sin_addr, bytes + 12, 4);
        return sizeof out->v4;
    }
    out->v6.sin6_family = AF_INET6;
    out->v6.sin6_port = htons(port);
    memcpy(&out->v6.sin6_addr, bytes, 16);
    return sizeof out->v6;
}

static void set_segment_size(relay_io_batch *b, uint32_t i, uint16_t segment_size) {
    struct msghdr *h = &b->tx[i].msg_hdr;
    b->tx_segment_size[i] = segment_size;
    if (segment_size == 0) {
        h->msg_control = NULL;
        h->msg_controllen = 0;
        return;
    }
    h->msg_control = b->tx_control + (size_t)i * RELAY_IO_CONTROL_BYTES;
    h->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
    struct cmsghdr *c = CMSG_FIRSTHDR(h);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(c), &segment_size, sizeof segment_size);
}

static uint32_t segments(uint32_t length, uint16_t segment_size) {
    return segment_size > 0 ? (length + segment_size - 1) / segment_size : 1;
}

/// A new message of one iovec: a datagram, or a GRO train when segment_size > 0.
static void queue_one(relay_io_batch *b, const void *data, uint32_t length, const union relay_io_address *address,
                      socklen_t address_length, uint16_t segment_size) {
    uint32_t i = b->queued++;
    struct msghdr *h = &b->tx[i].msg_hdr;
    struct iovec *v = &b->tx_iov[b->iovs++];
    v->iov_base = (void *)data;
    v->iov_len = length;
    h->msg_iov = v;
    h->msg_iovlen = 1;
    b->tx_addresses[i] = *address;
    h->msg_name = &b->tx_addresses[i];
    h->msg_namelen = address_length;
    h->msg_flags = 0;
    b->tx_segments[i] = segments(length, segment_size);
    b->tx_bytes[i] = length;
    set_segment_size(b, i, segment_size);
}

/// Appends a plain datagram to the last queued message when that message is a run of plain datagrams to the same
/// address that the datagram can extend: the run's segment size is its first datagram's length, every datagram but
/// the last has exactly that length, and the run stays within the kernel's limits. Returns 1 when appended.
static int append_to_run(relay_io_batch *b, const void *data, uint32_t length, const union relay_io_address *address,
                         socklen_t address_length) {
    if (b->queued == 0 || length == 0 || b->iovs >= b->send_capacity) return 0;
    uint32_t i = b->queued - 1;
    struct msghdr *h = &b->tx[i].msg_hdr;
    if (h->msg_iovlen == 1 && b->tx_segments[i] > 1) return 0;  // a GRO train
    uint32_t size = (uint32_t)h->msg_iov[0].iov_len;
    if (length > size || h->msg_iov[h->msg_iovlen - 1].iov_len != size) return 0;  // a shorter datagram ended it
    if (b->tx_segments[i] >= RELAY_IO_MAX_SEGMENTS || b->tx_bytes[i] + length > RELAY_IO_MAX_RUN_BYTES) return 0;
    if (h->msg_namelen != address_length || memcmp(&b->tx_addresses[i], address, address_length) != 0) return 0;
    // The message's iovecs are the last ones taken, so the next slot extends its array.
    struct iovec *v = &b->tx_iov[b->iovs++];
    v->iov_base = (void *)data;
    v->iov_len = length;
    h->msg_iovlen += 1;
    b->tx_segments[i] += 1;
    b->tx_bytes[i] += length;
    if (b->tx_segments[i] == 2) set_segment_size(b, i, (uint16_t)size);
    return 1;
}

int relay_io_queue(relay_io_batch *b, const void *data, uint32_t length, uint64_t address_high, uint64_t address_low,
                   uint16_t port, uint16_t segment_size) {
    union relay_io_address address;
    socklen_t address_length = fill_address(&address, address_high, address_low, port);
    int train = segment_size > 0 && length > segment_size;
    if (!train && b->coalesce && append_to_run(b, data, length, &address, address_length)) return 0;
    if (b->iovs >= b->send_capacity) return -1;
    queue_one(b, data, length, &address, address_length, train ? segment_size : 0);
    return 0;
}

int relay_io_queue_unsegmented(relay_io_batch *b, const void *data, uint32_t length, uint64_t address_high,
                               uint64_t address_low, uint16_t port, uint16_t segment_size) {
    union relay_io_address address;
    socklen_t address_length = fill_address(&address, address_high, address_low, port);
    uint16_t size = segment_size > 0 && length > segment_size ? segment_size : 0;
    if (b->iovs + segments(length, size) > b->send_capacity) return -1;
    if (size == 0) {
        queue_one(b, data, length, &address, address_length, 0);
        return 0;
    }
    for (uint32_t offset = 0; offset < length; offset += size) {
        uint32_t part = length - offset < size ? length - offset : size;
        queue_one(b, (const uint8_t *)data + offset, part, &address, address_length, 0);
    }
    return 0;
}

void relay_io_set_coalescing(relay_io_batch *b, int enabled) { b->coalesce = enabled != 0; }

uint32_t relay_io_queued(const relay_io_batch *b) { return b->queued; }

/// Sends message i of the queue datagram by datagram (a GRO train or coalesced run GSO could not send).
static void send_split(relay_io_batch *b, int fd, uint32_t i, relay_io_flush_report *report) {
    const struct msghdr *h = &b->tx[i].msg_hdr;
    uint16_t size = b->tx_segment_size[i];
    for (size_t v = 0; v < h->msg_iovlen; v++) {
        const uint8_t *data = h->msg_iov[v].iov_base;
        uint32_t length = (uint32_t)h->msg_iov[v].iov_len;
        for (uint32_t offset = 0; offset < length; offset += size) {
            uint32_t part = length - offset < size ? length - offset : size;
            if (sendto(fd, data + offset, part, MSG_DONTWAIT, h->msg_name, h->msg_namelen) >= 0) {
                report->sent += 1;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                report->queue_full_drops += 1;
            } else {
                report->errors += 1;
                report->last_errno = errno;
            }
        }
    }
}

void relay_io_flush(relay_io_batch *b, int fd, relay_io_flush_report *report) {
    uint32_t done = 0, total = b->queued;
    while (done < total) {
        int r = sendmmsg(fd, b->tx + done, total - done, MSG_DONTWAIT);
        if (r > 0) {
            for (uint32_t i = done; i < done + (uint32_t)r; i++) report->sent += b->tx_segments[i];
            done += (uint32_t)r;
            continue;
        }
        int error = errno;
        if (error == EINTR) continue;
        if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) {
            for (uint32_t i = done; i < total; i++) report->queue_full_drops += b->tx_segments[i];
            break;
        }
        // Message `done` was refused. A refused GSO write is sent datagram by datagram and reported with its
        // destination (the caller decides whether to avoid GSO there); anything else is counted and skipped.
        if (b->tx_segments[done] > 1 && (error == EIO || error == EINVAL || error == EOPNOTSUPP)) {
            report->segmentation_refused += 1;
            report->segmentation_errno = error;
            if (report->refused_destination_count < RELAY_IO_REPORTED_REFUSALS) {
                uint8_t *out = report->refused_destinations + (size_t)report->refused_destination_count++ * 18;
                memset(out, 0, 18);
                wire_form(&b->tx_addresses[done], out);
            }
            uint32_t before = report->sent + report->queue_full_drops + report->errors;
            send_split(b, fd, done, report);
            report->segmentation_fallback_datagrams +=
                report->sent + report->queue_full_drops + report->errors - before;
        } else {
            report->errors += b->tx_segments[done];
            report->last_errno = error;
        }
        done += 1;
    }
    b->queued = 0;
    b->iovs = 0;
}

int relay_io_send_one(int fd, const void *data, uint32_t length, uint64_t address_high, uint64_t address_low,
                      uint16_t port) {
    union relay_io_address address;
    socklen_t length_of_address = fill_address(&address, address_high, address_low, port);
    if (sendto(fd, data, length, MSG_DONTWAIT, (struct sockaddr *)&address, length_of_address) < 0) return -errno;
    return 0;
}

int relay_io_enable_gro(int fd) {
    int one = 1;
    return setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof one) == 0 ? 0 : -errno;
}

int relay_io_set_receive_timeout(int fd, uint32_t milliseconds) {
    struct timeval tv = {.tv_sec = milliseconds / 1000, .tv_usec = (milliseconds % 1000) * 1000};
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 ? 0 : -errno;
}

int relay_io_bind_udp(const char *address, uint16_t port, uint16_t *bound_port) {
    union relay_io_address sa;
    memset(&sa, 0, sizeof sa);
    socklen_t length;
    int family;
    if (inet_pton(AF_INET, address, &sa.v4.sin_addr) == 1) {
        family = AF_INET;
        sa.v4.sin_family = AF_INET;
        sa.v4.sin_port = htons(port);
        length = sizeof sa.v4;
    } else if (inet_pton(AF_INET6, address, &sa.v6.sin6_addr) == 1) {
        family = AF_INET6;
        sa.v6.sin6_family = AF_INET6;
        sa.v6.sin6_port = htons(port);
        length = sizeof sa.v6;
    } else {
        return -EINVAL;
    }
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (family == AF_INET6) {
        int one = 1;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (bind(fd, (struct sockaddr *)&sa, length) != 0 || getsockname(fd, (struct sockaddr *)&sa, &length) != 0) {
        int code = errno;
        close(fd);
        return -code;
    }
    if (bound_port) *bound_port = ntohs(family == AF_INET ? sa.v4.sin_port : sa.v6.sin6_port);
    return fd;
}

#else  // not Linux: the batched data plane is Linux-only; relay-server uses its NIO data plane there.
#include <errno.h>
#include <stdlib.h>
relay_io_batch *relay_io_batch_create(uint32_t count, uint32_t slot_bytes, uint32_t send_capacity) {
    (void)count; (void)slot_bytes; (void)send_capacity;
    return NULL;
}
void relay_io_batch_destroy(relay_io_batch *batch) { (void)batch; }
int relay_io_receive(relay_io_batch *batch, int fd) { (void)batch; (void)fd; return -ENOSYS; }
relay_io_received relay_io_get(const relay_io_batch *batch, uint32_t index) {
    (void)batch; (void)index;
    relay_io_received r = {0};
    return r;
}
int relay_io_queue(relay_io_batch *b, const void *d, uint32_t l, uint64_t h, uint64_t lo, uint16_t p, uint16_t s) {
    (void)b; (void)d; (void)l; (void)h; (void)lo; (void)p; (void)s;
    return -1;
}
uint32_t relay_io_queued(const relay_io_batch *batch) { (void)batch; return 0; }
void relay_io_set_coalescing(relay_io_batch *batch, int enabled) { (void)batch; (void)enabled; }
int relay_io_queue_unsegmented(relay_io_batch *b, const void *d, uint32_t l, uint64_t h, uint64_t lo, uint16_t p,
                               uint16_t s) {
    (void)b; (void)d; (void)l; (void)h; (void)lo; (void)p; (void)s;
    return -1;
}
void relay_io_flush(relay_io_batch *batch, int fd, relay_io_flush_report *report) { (void)batch; (void)fd; (void)report; }
int relay_io_send_one(int fd, const void *d, uint32_t l, uint64_t h, uint64_t lo, uint16_t p) {
    (void)fd; (void)d; (void)l; (void)h; (void)lo; (void)p;
    return -ENOSYS;
}
int relay_io_enable_gro(int fd) { (void)fd; return -ENOSYS; }
int relay_io_set_receive_timeout(int fd, uint32_t ms) { (void)fd; (void)ms; return -ENOSYS; }
int relay_io_bind_udp(const char *address, uint16_t port, uint16_t *bound_port) {
    (void)address; (void)port; (void)bound_port;
    return -ENOSYS;
}
#endif
