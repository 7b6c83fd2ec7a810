/* Guest side of ManyConnectionsE2eTest: opens N TCP connections to ADDR:PORT, at most
 * IN_FLIGHT handshakes at a time (jslirp's --max-half-open), prints "established N",
 * holds them until the file RELEASE exists, closes them all and prints "closed N".
 * usage: many_connections ADDR PORT N IN_FLIGHT RELEASE TIMEOUT_S */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage\n"); return 2; }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) return 2;
    int n = atoi(argv[3]), inflight = atoi(argv[4]);
    const char *release = argv[5];
    double deadline = now() + atof(argv[6]);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    int *fds = calloc(n, sizeof(int));
    int ep = epoll_create1(0);
    int opened = 0, established = 0, pending = 0, failed = 0;
    struct epoll_event evs[256];
    while (established + failed < n) {
        if (now() > deadline) { fprintf(stderr, "timeout: %d established, %d failed\n", established, failed); return 1; }
        while (opened < n && pending < inflight) {
            int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (s < 0) { perror("socket"); return 1; }
            fds[opened] = s;
            int r = connect(s, (struct sockaddr *)&sa, sizeof sa);
            if (r == 0) { established++; opened++; continue; }
            if (errno != EINPROGRESS) { perror("connect"); failed++; opened++; continue; }
            struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = opened };
            epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
            pending++;
            opened++;
        }
        int k = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < k; i++) {
            int s = fds[evs[i].data.u32], err = 0;
            socklen_t len = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
            epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL);
            pending--;
            if (err) { if (failed < 5) fprintf(stderr, "connect: %s\n", strerror(err)); failed++; }
            else established++;
        }
    }
    printf("established %d failed %d\n", established, failed);
    fflush(stdout);
    while (access(release, F_OK) != 0) {
        if (now() > deadline) { fprintf(stderr, "timeout waiting for %s\n", release); return 1; }
        usleep(50000);
    }
    for (int i = 0; i < n; i++) close(fds[i]);
    printf("closed %d\n", n);
    return failed ? 1 : 0;
}
