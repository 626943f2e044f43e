// Load generator and sink for Benchmarks/bench-relay.
//
//   udp-load gen SRC DST SIZE SECONDS VNI [BATCH [GSO]]
//     Binds SRC (the address a relay session side was bound from), sends SIZE-byte datagrams to DST as
//     fast as sendmmsg allows for SECONDS. Each datagram is a Geneve data frame (PROTOCOL.md §3:
//     O = 0, protocol 0x7A12 WireGuard, the given VNI) followed by filler. With GSO > 1 every message of
//     the sendmmsg batch is a train of GSO datagrams sent with UDP_SEGMENT = SIZE (one send, GSO datagrams on
//     the wire), as WireGuard implementations with UDP GSO send. Prints "sent=N" (datagrams) to stderr.
//
//   udp-load sink BIND WARMUP WINDOW PID [TIMEOUT]
//     Receives with recvmmsg. After the first datagram it waits WARMUP seconds, then counts datagrams
//     and bytes for WINDOW seconds and reads utime+stime of process PID (the relay under test) from
//     /proc/PID/stat at both ends of the window. Prints one JSON line on stdout:
//     {"packets":N,"bytes":N,"seconds":S,"cpu_seconds":S}. Exits 1 if nothing arrives within TIMEOUT
//     seconds (default 10). The sink enables UDP GRO and counts every datagram of a received train.
//
// IPv4 addresses as a.b.c.d:port.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"

#define MAX_BATCH 256
#define MAX_DATAGRAM 2048
#define MAX_GSO 64
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

static int udp_socket(const struct sockaddr_in *bind_to) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    int one = 1, bufsize = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
    if (bind(fd, (const struct sockaddr *)bind_to, sizeof *bind_to) < 0) { perror("bind"); exit(1); }
    return fd;
}

/// utime + stime of a process in seconds, or -1 when it cannot be read.
static double process_cpu_seconds(long pid) {
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    char *p = strrchr(line, ')');  // the command name may contain spaces; fields restart after ')'
    if (p == NULL) return -1;
    unsigned long long utime = 0, stime = 0;
    // after ')': state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static int run_gen(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: udp-load gen SRC DST SIZE SECONDS VNI [BATCH [GSO]]\n");
        return 2;
    }
    struct sockaddr_in src, dst;
    if (parse_endpoint(argv[2], &src) || parse_endpoint(argv[3], &dst)) {
        fprintf(stderr, "udp-load gen: addresses must look like 127.0.0.1:40000\n");
        return 2;
    }
    int size = atoi(argv[4]);
    double seconds = atof(argv[5]);
    long vni = atol(argv[6]);
    int batch = argc > 7 ? atoi(argv[7]) : 32;
    int gso = argc > 8 ? atoi(argv[8]) : 1;
    if (size < 8 || size > MAX_DATAGRAM || seconds <= 0 || vni < 1 || vni > 0xFFFFFF || batch < 1 ||
        batch > MAX_BATCH || gso < 1 || gso > MAX_GSO || (long)size * gso > 65000) {
        fprintf(stderr, "udp-load gen: SIZE 8...%d, SECONDS > 0, VNI 1...16777215, BATCH 1...%d, GSO 1...%d "
                "(SIZE x GSO <= 65000)\n", MAX_DATAGRAM, MAX_BATCH, MAX_GSO);
        return 2;
    }
    int fd = udp_socket(&src);
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) { perror("connect"); return 1; }

    static unsigned char train[MAX_DATAGRAM * MAX_GSO];
    for (int d = 0; d < gso; d++) {
        unsigned char *packet = train + (size_t)d * (size_t)size;
        for (int i = 8; i < size; i++) packet[i] = (unsigned char)(i * 7);
        packet[0] = 0; packet[1] = 0; packet[2] = 0x7A; packet[3] = 0x12;  // Geneve: data, protocol WireGuard
        packet[4] = (unsigned char)(vni >> 16); packet[5] = (unsigned char)(vni >> 8);
        packet[6] = (unsigned char)vni;
        packet[7] = 0;
        if (size > 8) packet[8] = 4;  // looks like a WireGuard transport-data message type to anyone who peeks
    }

    static struct iovec iov[MAX_BATCH];
    static struct mmsghdr msgs[MAX_BATCH];
    static char control[MAX_BATCH][CMSG_SPACE(sizeof(uint16_t))];
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = train;
        iov[i].iov_len = (size_t)size * (size_t)gso;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        if (gso > 1) {
            msgs[i].msg_hdr.msg_control = control[i];
            msgs[i].msg_hdr.msg_controllen = sizeof control[i];
            struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t segment = (uint16_t)size;
            memcpy(CMSG_DATA(c), &segment, sizeof segment);
        }
    }
    unsigned long long sent = 0;
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        int r = sendmmsg(fd, msgs, (unsigned)batch, 0);
        if (r > 0) sent += (unsigned long long)r * (unsigned long long)gso;
        else if (gso > 1 && (errno == EIO || errno == EINVAL || errno == EOPNOTSUPP)) {
            fprintf(stderr, "udp-load gen: the kernel refused UDP_SEGMENT (errno %d)\n", errno);
            return 1;
        }
        // ECONNREFUSED (ICMP from a closed port) and ENOBUFS are transient under overload: keep going.
    }
    fprintf(stderr, "sent=%llu\n", sent);
    close(fd);
    return 0;
}

static int run_sink(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: udp-load sink BIND WARMUP WINDOW PID [TIMEOUT [GRO]]\n");
        return 2;
    }
    struct sockaddr_in bind_to;
    if (parse_endpoint(argv[2], &bind_to)) {
        fprintf(stderr, "udp-load sink: address must look like 127.0.0.1:40000\n");
        return 2;
    }
    double warmup = atof(argv[3]), window = atof(argv[4]);
    long pid = atol(argv[5]);
    double timeout = argc > 6 ? atof(argv[6]) : 10.0;
    int gro = argc > 7 ? atoi(argv[7]) : 1;  // 0: a receiver without UDP GRO (old wireguard-go)
    if (warmup < 0 || window <= 0 || pid <= 0) {
        fprintf(stderr, "udp-load sink: WARMUP >= 0, WINDOW > 0, PID of the relay process\n");
        return 2;
    }
    int fd = udp_socket(&bind_to);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (gro) setsockopt(fd, SOL_UDP, UDP_GRO, &gro, sizeof gro);  // trains count per datagram below

    enum { SLOTS = 64, SLOT_BYTES = 65536 };
    static char buffers[SLOTS][SLOT_BYTES];
    static char control[SLOTS][CMSG_SPACE(sizeof(int))];
    static struct iovec iov[SLOTS];
    static struct mmsghdr msgs[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
        iov[i].iov_base = buffers[i];
        iov[i].iov_len = SLOT_BYTES;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    double started = now_seconds(), first = -1, window_start = -1, window_end = -1;
    double cpu_start = -1, cpu_end = -1;
    unsigned long long packets = 0, bytes = 0;
    for (;;) {
        double now = now_seconds();
        if (first < 0 && now - started > timeout) {
            fprintf(stderr, "udp-load sink: nothing arrived on %s within %.0f s\n", argv[2], timeout);
            return 1;
        }
        if (first >= 0 && window_start < 0 && now - first >= warmup) {
            window_start = now;
            cpu_start = process_cpu_seconds(pid);
            packets = bytes = 0;
        }
        if (window_start >= 0 && now - window_start >= window) {
            window_end = now;
            cpu_end = process_cpu_seconds(pid);
            break;
        }
        for (int i = 0; i < SLOTS; i++) {
            msgs[i].msg_hdr.msg_control = control[i];
            msgs[i].msg_hdr.msg_controllen = sizeof control[i];
        }
        int n = recvmmsg(fd, msgs, SLOTS, MSG_WAITFORONE, NULL);
        if (n <= 0) continue;
        if (first < 0) first = now_seconds();
        if (window_start >= 0) {
            for (int i = 0; i < n; i++) {
                int segment = 0;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
                if (c != NULL && c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO)
                    memcpy(&segment, CMSG_DATA(c), sizeof segment);
                unsigned len = msgs[i].msg_len;
                packets += segment > 0 ? (len + (unsigned)segment - 1) / (unsigned)segment : 1;
                bytes += len;
            }
        }
    }
    double cpu = (cpu_start >= 0 && cpu_end >= 0) ? cpu_end - cpu_start : -1;
    printf("{\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.4f,\"cpu_seconds\":%.4f}\n", packets, bytes,
           window_end - window_start, cpu);
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "gen") == 0) return run_gen(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "sink") == 0) return run_sink(argc, argv);
    fprintf(stderr, "usage: udp-load gen SRC DST SIZE SECONDS VNI [BATCH [GSO]]\n"
                    "       udp-load sink BIND WARMUP WINDOW PID [TIMEOUT]\n");
    return 2;
}
