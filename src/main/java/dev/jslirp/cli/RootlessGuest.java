package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.link.TapLink;
import dev.jslirp.os.MsgHdr;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Spawn;
import dev.jslirp.os.Sys;
import dev.jslirp.os.WaitStatus;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rootless set-up of {@link NamespaceGuest}: the command starts in new user (root mapped to
 * us), network and mount namespaces made by {@code unshare}, and waits on a pipe. Linux
 * refuses a multithreaded process (the JVM) entry into a user namespace, so a one-shot
 * {@link TapOpener} JVM, started through single-threaded {@code nsenter}, creates the tap
 * in there and hands its descriptor back; then the pipe releases the command.
 */
final class RootlessGuest {
    private static final long OPENER_TIMEOUT_MS = 30_000;

    private RootlessGuest() {}

    /** The started command: its pid and the pipe end that releases it. */
    record Started(int pid, int goFd) {}

    /** Starts the command, held until {@link #release}. Called on the thread that will wait for it. */
    static Started start(Path resolv, List<String> command) {
        int[] pipe = new int[2];
        check("pipe2", Sys.pipe2(pipe, Sys.O_CLOEXEC));
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--user", "--map-root-user", "--net", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", "read _ <&3; exec 3<&-; mount --bind \"$1\" /etc/resolv.conf && shift && exec \"$@\"",
                "jslirp", resolv.toString()));
        argv.addAll(command);
        int pid = Spawn.spawn(Spawn.Request.of("setpriv", argv).withFd(3, pipe[0]));
        Sys.close(pipe[0]);
        return new Started(pid, pipe[1]);
    }

    /** Creates the tap inside the command's namespaces and returns it. */
    static TapLink openTap(int pid, String tapName, Config config, int guestAddr, boolean offloads) {
        awaitNamespaces(pid);
        int[] pair = new int[2];
        check("socketpair", Sockets.socketpair(Sockets.AF_UNIX, Sockets.SOCK_SEQPACKET | Sockets.SOCK_CLOEXEC, 0, pair));
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> argv = List.of("nsenter", "--preserve-credentials", "--user", "--net", "--target", Integer.toString(pid), "--",
                    java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), TapOpener.class.getName(),
                    tapName, Integer.toString(config.mtu()), Long.toString(guestAddr & 0xFFFF_FFFFL), Boolean.toString(offloads));
            int opener = Spawn.spawn(Spawn.Request.of("nsenter", argv).withFd(TapOpener.SOCKET_FD, pair[1]));
            Sys.close(pair[1]);
            pair[1] = -1;
            int ready = Sys.poll(pair[0], Sys.POLLIN, (int) OPENER_TIMEOUT_MS);
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            MsgHdr msg = new MsgHdr(1, 1).iov(one, 0, 1);
            int r = ready > 0 ? Sockets.recvmsg(pair[0], msg, 0) : -1;
            int status = Spawn.waitpid(opener, 0);
            if (r != 1 || msg.receivedFdCount() != 1) {
                throw new StartupException("could not create the tap in the guest's namespaces (tap opener "
                        + WaitStatus.describe(status) + "); does this kernel allow unprivileged user namespaces?",
                        Main.EXIT_FAILURE);
            }
            int fd = msg.receivedFd(0);
            Sys.setNonBlocking(fd, true);
            return new TapLink(fd, GuestTap.maxFrameLength(config), offloads);
        } finally {
            Sys.close(pair[0]);
            if (pair[1] >= 0) Sys.close(pair[1]);
        }
    }

    /** Lets the held command run. */
    static void release(Started started) {
        ByteBuffer go = ByteBuffer.allocateDirect(1);
        go.put(0, (byte) '\n');
        Sys.write(started.goFd(), go, 0, 1);
        Sys.close(started.goFd());
    }

    /** unshare has run once the command's network namespace differs from ours (bounded wait). */
    private static void awaitNamespaces(int pid) {
        Path ours = Path.of("/proc/self/ns/net"), theirs = Path.of("/proc/" + pid + "/ns/net");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (!Files.readSymbolicLink(ours).equals(Files.readSymbolicLink(theirs))) return;
            } catch (java.io.IOException e) {
                break; // the command is gone
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2); // a child process we cannot be notified about: poll it, bounded
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int status = Spawn.waitpid(pid, Spawn.WNOHANG);
        throw new StartupException("the guest command did not enter new namespaces (unshare: "
                + (status == WaitStatus.NOT_YET ? "still running" : WaitStatus.describe(status)) + ")", Main.EXIT_FAILURE);
    }

    private static void check(String what, int r) {
        if (r < 0) throw new StartupException(what + " failed: " + dev.jslirp.os.Errno.strerror(-r), Main.EXIT_FAILURE);
    }
}
