// Reference UDP forwarder for Benchmarks/bench-relay: the "best C can do on one core" baseline.
//
// One UDP socket. Datagrams from PEER1 go to PEER2 and the other way round, verbatim, chosen by
// source address (no session lookup, no parsing). Reads with recvmmsg(MSG_WAITFORONE) and writes with
// sendmmsg in batches. Datagrams from anyone else are dropped and counted.
//
// usage: c-forwarder LISTEN PEER1 PEER2 [SECONDS [BATCH]]
//   addresses are IPv4 a.b.c.d:port; SECONDS bounds the run (default 600); BATCH defaults to 32.
// Stops on SIGINT/SIGTERM or after SECONDS and prints "forwarded=N dropped=M" to stderr.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"

#define MAX_BATCH 256
#define MAX_DATAGRAM 2048

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static int same_endpoint(const struct sockaddr_in *a, const struct sockaddr_in *b) {
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s LISTEN PEER1 PEER2 [SECONDS [BATCH]]  (IPv4 a.b.c.d:port)\n", argv[0]);
        return 2;
    }
    struct sockaddr_in listen_addr, peer1, peer2;
    if (parse_endpoint(argv[1], &listen_addr) || parse_endpoint(argv[2], &peer1) || parse_endpoint(argv[3], &peer2)) {
        fprintf(stderr, "c-forwarder: addresses must look like 127.0.0.1:40000\n");
        return 2;
    }
    double seconds = argc > 4 ? atof(argv[4]) : 600.0;
    int batch = argc > 5 ? atoi(argv[5]) : 32;
    if (seconds <= 0 || batch < 1 || batch > MAX_BATCH) {
        fprintf(stderr, "c-forwarder: SECONDS must be > 0 and BATCH in 1...%d\n", MAX_BATCH);
        return 2;
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int bufsize = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(fd, (struct sockaddr *)&listen_addr, sizeof listen_addr) < 0) { perror("bind"); return 1; }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    static char buffers[MAX_BATCH][MAX_DATAGRAM];
    static struct iovec rx_iov[MAX_BATCH], tx_iov[MAX_BATCH];
    static struct mmsghdr rx[MAX_BATCH], tx[MAX_BATCH];
    static struct sockaddr_in sources[MAX_BATCH];
    for (int i = 0; i < batch; i++) {
        rx_iov[i].iov_base = buffers[i];
        rx_iov[i].iov_len = MAX_DATAGRAM;
        rx[i].msg_hdr.msg_iov = &rx_iov[i];
        rx[i].msg_hdr.msg_iovlen = 1;
        rx[i].msg_hdr.msg_name = &sources[i];
    }

    unsigned long long forwarded = 0, dropped = 0;
    double deadline = now_seconds() + seconds;
    while (!stop_requested && now_seconds() < deadline) {
        for (int i = 0; i < batch; i++) rx[i].msg_hdr.msg_namelen = sizeof sources[i];
        int n = recvmmsg(fd, rx, (unsigned)batch, MSG_WAITFORONE, NULL);
        if (n <= 0) continue;  // timeout (EAGAIN) or EINTR: re-check stop and deadline
        int out = 0;
        for (int i = 0; i < n; i++) {
            const struct sockaddr_in *dst;
            if (same_endpoint(&sources[i], &peer1)) dst = &peer2;
            else if (same_endpoint(&sources[i], &peer2)) dst = &peer1;
            else { dropped++; continue; }
            tx_iov[out].iov_base = buffers[i];
            tx_iov[out].iov_len = rx[i].msg_len;
            tx[out].msg_hdr = (struct msghdr){0};
            tx[out].msg_hdr.msg_iov = &tx_iov[out];
            tx[out].msg_hdr.msg_iovlen = 1;
            tx[out].msg_hdr.msg_name = (void *)dst;
            tx[out].msg_hdr.msg_namelen = sizeof *dst;
            out++;
        }
        int sent = 0;
        for (int attempt = 0; sent < out && attempt < 4; attempt++) {
            int r = sendmmsg(fd, tx + sent, (unsigned)(out - sent), 0);
            if (r > 0) sent += r;
            else if (errno != EINTR && errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) break;
        }
        forwarded += (unsigned long long)sent;
        dropped += (unsigned long long)(out - sent);
    }
    fprintf(stderr, "forwarded=%llu dropped=%llu\n", forwarded, dropped);
    close(fd);
    return 0;
}
