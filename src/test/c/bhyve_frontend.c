/*
 * A bhyve-like parent for the slirp helper, written from the contract
 * (shared/spec/bhyve-slirp-helper-contract.md section 1) and sharing no code with jslirp:
 *
 *   bhyve_frontend HELPER NETNS_PATH CONFIG_FILE [TAPNAME]
 *
 * 1. socketpair(PF_LOCAL, SOCK_SEQPACKET | SOCK_NONBLOCK) without close-on-exec;
 * 2. posix_spawn(HELPER, ["HELPER", "-S", "<n>"], environ) with a file action closing our
 *    end in the child and no attributes (as net_backend_slirp.c does);
 * 3. send(config bytes, flags 0) at once, as nvlist_send() does: one record on Linux;
 * 4. enter NETNS_PATH and create TAPNAME (default tap0), then relay: tap -> helper with
 *    sendmsg(iov..., MSG_EOR) (the frame split over two iovecs, as guest buffers may be),
 *    helper -> tap by peeking the length (recv MSG_PEEK into a 2048-byte buffer, asserted
 *    <= 2048) then recvmsg, as bhyve does.
 * SIGTERM/SIGINT: bhyve's cleanup (SIGKILL the helper, waitpid), exit 0. The helper going
 * away first: exit 3. Prints "ready pid=P fd=N" on stdout once the tap exists.
 * An inherited, non-close-on-exec /dev/null descriptor (like bhyve's disk images) is kept
 * open on purpose: the helper must close it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_FRAME 2048

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void die(const char *what) { perror(what); exit(2); }

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s HELPER NETNS_PATH CONFIG_FILE [TAPNAME]\n", argv[0]);
        return 2;
    }
    const char *helper = argv[1], *netns = argv[2], *config_path = argv[3];
    const char *tapname = argc > 4 ? argv[4] : "tap0";

    /* An inherited descriptor the helper must close, and a few more so the socket number is not 3. */
    int leak = open("/dev/null", O_RDONLY);
    int filler = open("/dev/null", O_RDONLY);
    if (leak < 0 || filler < 0) die("open /dev/null");

    static unsigned char config[1 << 16];
    int cfd = open(config_path, O_RDONLY | O_CLOEXEC);
    if (cfd < 0) die("open config");
    ssize_t config_len = read(cfd, config, sizeof config);
    if (config_len <= 0) die("read config");
    close(cfd);

    int sv[2];
    if (socketpair(PF_LOCAL, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) != 0) die("socketpair");
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", sv[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, sv[0]);
    char *child_argv[] = {(char *)helper, "-S", fdarg, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, helper, &fa, NULL, child_argv, environ);
    if (e != 0) { errno = e; die("posix_spawn"); }
    posix_spawn_file_actions_destroy(&fa);

    /* nvlist_send(): the packed bytes in one send() with flags 0 (no MSG_EOR). */
    if (send(sv[0], config, (size_t)config_len, 0) != config_len) die("nvlist_send");
    close(sv[1]);
    int sock = sv[0];

    int nsfd = open(netns, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) die("open netns");
    if (setns(nsfd, CLONE_NEWNET) != 0) die("setns");
    close(nsfd);
    int tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tap < 0) die("open /dev/net/tun");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, tapname, IFNAMSIZ - 1);
    if (ioctl(tap, TUNSETIFF, &ifr) != 0) die("TUNSETIFF");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    printf("ready pid=%d fd=%d\n", (int)pid, sv[1]);
    fflush(stdout);

    static unsigned char buf[65536];
    unsigned long to_helper = 0, from_helper = 0, dropped = 0;
    int status = 0;
    while (!stop) {
        struct pollfd p[2] = {{sock, POLLIN | POLLRDHUP, 0}, {tap, POLLIN, 0}};
        int r = poll(p, 2, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (p[0].revents & POLLIN) {
            for (;;) {
                ssize_t n = recv(sock, buf, MAX_FRAME, MSG_PEEK | MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (n <= 0) goto helper_gone;
                if (n > MAX_FRAME) { fprintf(stderr, "frame over %d bytes\n", MAX_FRAME); abort(); }
                struct iovec iov = {buf, MAX_FRAME};
                struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
                n = recvmsg(sock, &msg, MSG_DONTWAIT);
                if (n <= 0) goto helper_gone;
                if (n > MAX_FRAME || (msg.msg_flags & MSG_TRUNC)) { fprintf(stderr, "truncated frame\n"); abort(); }
                if (write(tap, buf, (size_t)n) != n) dropped++;
                from_helper++;
            }
        } else if (p[0].revents & (POLLHUP | POLLRDHUP | POLLERR)) {
            goto helper_gone;
        }
        if (p[1].revents & POLLIN) {
            for (;;) {
                ssize_t n = read(tap, buf, sizeof buf);
                if (n <= 0) break;
                size_t half = (size_t)n / 2;
                struct iovec iov[2] = {{buf, half}, {buf + half, (size_t)n - half}};
                struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
                if (sendmsg(sock, &msg, MSG_EOR) != n) dropped++;
                to_helper++;
            }
        }
    }
    /* bhyve's cleanup: SIGKILL, then waitpid. */
    if (kill(pid, SIGKILL) == 0) waitpid(pid, &status, 0);
    fprintf(stderr, "stopped: %lu frames to helper, %lu from helper, %lu dropped\n", to_helper, from_helper, dropped);
    return 0;

helper_gone:
    waitpid(pid, &status, 0);
    fprintf(stderr, "helper gone: %s %d; %lu frames to helper, %lu from helper\n",
            WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
            to_helper, from_helper);
    (void)leak; (void)filler;
    return 3;
}
