/*
 * netbench: the benchmark's small TCP tools (one binary, three modes).
 *
 *   netbench server ADDR PORT          echo server: every byte read is written back; a 'C'
 *                                      byte is echoed and then the server closes (so the
 *                                      TIME_WAIT lands on the server side, not on the client's
 *                                      ephemeral ports).
 *   netbench rr ADDR PORT SECONDS      one connection, TCP_NODELAY, 1-byte ping-pong; prints
 *                                      "rr count=N p50_us=X p99_us=Y".
 *   netbench crr ADDR PORT SECONDS N   N threads each loop connect/send 'C'/recv/await EOF/
 *                                      close; prints "crr conns=N errors=E per_s=R".
 *
 * Built by bench/run.sh with gcc -O2 -pthread; no dependencies beyond libc.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in target;
static double seconds;
static atomic_long total_conns, total_errors;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void parse_addr(const char *addr, const char *port) {
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((unsigned short) atoi(port));
    if (inet_pton(AF_INET, addr, &target.sin_addr) != 1) {
        fprintf(stderr, "netbench: bad IPv4 address %s\n", addr);
        exit(2);
    }
}

static int server(void) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *) &target, sizeof target) < 0 || listen(lfd, 4096) < 0) {
        perror("netbench server: bind/listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    struct epoll_event events[256];
    char buf[4096];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (r <= 0) { close(fd); continue; }
            /* Replies are tiny and the client waits for each: a short write cannot happen in practice. */
            if (write(fd, buf, (size_t) r) != r || buf[r - 1] == 'C') close(fd);
        }
    }
}

static int connect_target(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *) &target, sizeof target) < 0) { close(fd); return -1; }
    return fd;
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *) a, y = *(const long *) b;
    return (x > y) - (x < y);
}

static int rr(void) {
    int fd = connect_target();
    if (fd < 0) { perror("netbench rr: connect"); printf("rr count=0 p50_us=0 p99_us=0\n"); return 1; }
    size_t cap = 1 << 22, count = 0;
    long *rtt = malloc(cap * sizeof *rtt);
    long end = now_ns() + (long) (seconds * 1e9);
    char b = 'R';
    while (count < cap) {
        long t0 = now_ns();
        if (t0 >= end) break;
        if (write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1) { perror("netbench rr: ping-pong"); break; }
        rtt[count++] = now_ns() - t0;
    }
    close(fd);
    if (count == 0) { printf("rr count=0 p50_us=0 p99_us=0\n"); return 1; }
    qsort(rtt, count, sizeof *rtt, cmp_long);
    printf("rr count=%zu p50_us=%.1f p99_us=%.1f\n", count,
           rtt[count / 2] / 1e3, rtt[(size_t) (count * 0.99)] / 1e3);
    return 0;
}

static void *crr_thread(void *unused) {
    (void) unused;
    long end = now_ns() + (long) (seconds * 1e9);
    long conns = 0, errors = 0;
    char b;
    while (now_ns() < end) {
        int fd = connect_target();
        if (fd < 0) { errors++; usleep(1000); continue; }
        b = 'C';
        if (write(fd, &b, 1) == 1 && read(fd, &b, 1) == 1 && read(fd, &b, 1) == 0) conns++;
        else errors++;
        close(fd);
    }
    atomic_fetch_add(&total_conns, conns);
    atomic_fetch_add(&total_errors, errors);
    return NULL;
}

static int crr(int inflight) {
    pthread_t threads[256];
    if (inflight < 1 || inflight > 256) { fprintf(stderr, "netbench crr: 1..256 in flight\n"); return 2; }
    long t0 = now_ns();
    for (int i = 0; i < inflight; i++) pthread_create(&threads[i], NULL, crr_thread, NULL);
    for (int i = 0; i < inflight; i++) pthread_join(threads[i], NULL);
    double elapsed = (now_ns() - t0) / 1e9;
    long conns = atomic_load(&total_conns);
    printf("crr conns=%ld errors=%ld per_s=%.1f\n", conns, atomic_load(&total_errors), conns / elapsed);
    return conns > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "server") == 0) { parse_addr(argv[2], argv[3]); return server(); }
    if (argc >= 5 && strcmp(argv[1], "rr") == 0) {
        parse_addr(argv[2], argv[3]); seconds = atof(argv[4]); return rr();
    }
    if (argc >= 6 && strcmp(argv[1], "crr") == 0) {
        parse_addr(argv[2], argv[3]); seconds = atof(argv[4]); return crr(atoi(argv[5]));
    }
    fprintf(stderr, "usage: netbench server ADDR PORT | rr ADDR PORT SECONDS | crr ADDR PORT SECONDS INFLIGHT\n");
    return 2;
}
