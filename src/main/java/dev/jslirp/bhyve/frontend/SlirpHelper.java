package dev.jslirp.bhyve.frontend;

import dev.jslirp.bhyve.NvList;
import dev.jslirp.bhyve.NvListEncoder;
import dev.jslirp.os.Errno;
import dev.jslirp.os.MsgHdr;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Spawn;
import dev.jslirp.os.Sys;
import dev.jslirp.os.WaitStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VMM's side of bhyve's slirp backend (what {@code net_backend_slirp.c} does), for Java VMMs
 * and tests: starts a slirp helper ({@code bhyve-slirp-helper}, jslirp's or FreeBSD's) on one end
 * of a {@code socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)}, sends it the device
 * configuration as one nvlist record, then exchanges plain Ethernet frames (no virtio-net
 * header), one record each, at most {@link #MAX_FRAME_LENGTH} bytes.
 *
 * <pre>{@code
 * try (SlirpHelper net = SlirpHelper.builder()
 *         .helper(Path.of("/usr/libexec/bhyve-slirp-helper"))
 *         .vmName("testvm")
 *         .option("hostfwd", "tcp::2222-:22")
 *         .start()) {
 *     // register net.fd() for readability with your event loop, then:
 *     int n;
 *     while ((n = net.receive(rxBuf, 0, rxBuf.capacity())) > 0) guestNic.deliver(rxBuf, n);
 *     net.send(txBuf, 0, frameLength);            // guest → network, never blocks
 * }                                               // SIGKILL + waitpid, as bhyve does
 * }</pre>
 *
 * <p>Only the helper's end is inherited, as descriptor {@code 3} (bhyve passes whatever
 * number its end has; the helper accepts any). Not thread-safe: one thread (the VMM's NIC
 * thread) uses an instance. The frame methods do not allocate.
 */
public final class SlirpHelper implements AutoCloseable {
    /** bhyve's frame limit, both ways. */
    public static final int MAX_FRAME_LENGTH = 2048;
    /** The path bhyve spawns. */
    public static final Path DEFAULT_HELPER = Path.of("/usr/libexec/bhyve-slirp-helper");
    /** Result of {@link #receive}/{@link #peekLength} when no frame is waiting. */
    public static final int NOTHING = 0;
    /** Result of {@link #receive}/{@link #peekLength} when the helper has gone (end of file). */
    public static final int CLOSED = -1;

    private static final int CHILD_FD = 3;

    private final int fd;
    private final int pid;
    private final MsgHdr gather = new MsgHdr(16, 0);
    private boolean closed;
    private int exitStatus = -1;

    private SlirpHelper(int fd, int pid) {
        this.fd = fd;
        this.pid = pid;
    }

    public static Builder builder() { return new Builder(); }

    /** Configures and starts a helper. */
    public static final class Builder {
        private Path helper = DEFAULT_HELPER;
        private final Map<String, String> options = new LinkedHashMap<>();
        private String vmName;
        private List<String> environment;

        private Builder() {}

        /** The helper executable (default {@link #DEFAULT_HELPER}). */
        public Builder helper(Path path) {
            this.helper = path;
            return this;
        }

        /** The VM name, sent as {@code vmname} after the options (as bhyve appends it). */
        public Builder vmName(String name) {
            this.vmName = name;
            return this;
        }

        /**
         * A device option as bhyve's config node holds it: {@code open} ("true" for a bare
         * {@code open}), {@code hostfwd} (rules joined with ';'), jslirp's {@code mtu} and
         * {@code dns}, or anything else (the helper ignores unknown keys). Setting a key again
         * replaces its value.
         */
        public Builder option(String key, String value) {
            options.remove(key);
            options.put(key, value);
            return this;
        }

        /** Several options, in the map's iteration order. */
        public Builder options(Map<String, String> all) {
            all.forEach(this::option);
            return this;
        }

        /** The helper's environment ({@code NAME=value} strings); default: ours, as bhyve passes its own. */
        public Builder environment(List<String> env) {
            this.environment = List.copyOf(env);
            return this;
        }

        /** The nvlist that {@link #start} sends: the options, then {@code vmname}. */
        public NvList configuration() {
            NvList.Builder b = NvList.builder();
            options.forEach((k, v) -> {
                if (!k.equals("vmname")) b.addString(k, v);
            });
            if (vmName != null) b.addString("vmname", vmName);
            return b.build();
        }

        /**
         * socketpair, spawn {@code [helper, "-S", "3"]} with the helper's end as its descriptor 3,
         * send the configuration as one record, close the helper's end here.
         * @throws NativeException if the socketpair, spawn or send fails (a spawned helper is killed)
         */
        public SlirpHelper start() {
            byte[] packed = NvListEncoder.encode(configuration());
            int[] pair = new int[2];
            NativeException.check("socketpair", Sockets.socketpair(Sockets.AF_UNIX,
                    Sockets.SOCK_SEQPACKET | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, pair));
            int ours = pair[0], theirs = pair[1];
            int pid;
            try {
                List<String> argv = new java.util.ArrayList<>(List.of(helper.toString(), "-S", Integer.toString(CHILD_FD)));
                Spawn.Request request = Spawn.Request.of(helper.toString(), argv).withFd(CHILD_FD, theirs);
                if (environment != null) request = request.withEnv(environment);
                pid = Spawn.spawn(request);
            } catch (RuntimeException e) {
                Sys.close(ours);
                throw e;
            } finally {
                Sys.close(theirs);
            }
            SlirpHelper h = new SlirpHelper(ours, pid);
            ByteBuffer buf = ByteBuffer.allocateDirect(packed.length);
            buf.put(0, packed);
            int n = Sockets.send(ours, buf, 0, packed.length, Sockets.MSG_EOR | Sockets.MSG_NOSIGNAL);
            if (n != packed.length) {
                h.close();
                throw new NativeException("sending the configuration (" + packed.length + " bytes, sent " + n + ")",
                        n < 0 ? -n : Errno.EMSGSIZE);
            }
            return h;
        }
    }

    /** Our end of the socket, non-blocking: register it for readability (EPOLLIN | EPOLLRDHUP). */
    public int fd() { return fd; }

    /** The helper's process id. */
    public int pid() { return pid; }

    /**
     * Sends one frame (guest → network) as one record, MSG_EOR, never blocking.
     * @return the length sent, or -errno: -EAGAIN means the helper is not keeping up and the
     *     frame is lost (bhyve does the same), -EMSGSIZE for a frame over {@link #MAX_FRAME_LENGTH}
     */
    public int send(ByteBuffer buf, int offset, int length) {
        if (length > MAX_FRAME_LENGTH) return -Errno.EMSGSIZE;
        return Sockets.send(fd, buf, offset, length, Sockets.MSG_EOR | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL);
    }

    /**
     * Sends one frame scattered over {@code parts} (each from position to limit, like a gathering
     * channel; positions are not changed), with one sendmsg, as bhyve sends a frame that sits
     * in several guest buffers.
     * @return as {@link #send(ByteBuffer, int, int)}
     */
    public int send(ByteBuffer... parts) {
        gather.clear();
        long total = 0;
        for (ByteBuffer p : parts) {
            gather.iov(p, p.position(), p.remaining());
            total += p.remaining();
        }
        if (total > MAX_FRAME_LENGTH) return -Errno.EMSGSIZE;
        return Sockets.sendmsg(fd, gather, Sockets.MSG_EOR | Sockets.MSG_DONTWAIT | Sockets.MSG_NOSIGNAL);
    }

    /**
     * The length of the next frame without taking it (MSG_PEEK | MSG_TRUNC), so a VMM can find
     * guest buffers big enough first.
     * @return the length, {@link #NOTHING}, {@link #CLOSED}, or another -errno
     */
    public int peekLength() {
        int n = Sockets.recv(fd, 0L, 0, Sockets.MSG_PEEK | Sockets.MSG_TRUNC | Sockets.MSG_DONTWAIT);
        return result(n);
    }

    /**
     * Receives one frame (network → guest) into {@code buf[offset, offset + capacity)}.
     * @return the frame's length, {@link #NOTHING}, {@link #CLOSED}, or another -errno; a frame
     *     longer than {@code capacity} is returned with its real length (larger than capacity)
     *     and only its first {@code capacity} bytes stored
     */
    public int receive(ByteBuffer buf, int offset, int capacity) {
        return result(Sockets.recv(fd, buf, offset, capacity, Sockets.MSG_TRUNC | Sockets.MSG_DONTWAIT));
    }

    private static int result(int n) {
        if (n > 0) return n;
        if (n == 0) return CLOSED;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return NOTHING;
        return n;
    }

    /** True while the helper runs (not reaped). */
    public boolean isAlive() {
        if (exitStatus >= 0) return false;
        int s = Spawn.waitpid(pid, Spawn.WNOHANG);
        if (s == WaitStatus.NOT_YET) return true;
        exitStatus = s < 0 ? 0 : s;
        return false;
    }

    /** The raw wait status once reaped (decode with {@link WaitStatus}), or -1 while running. */
    public int waitStatus() { return exitStatus; }

    /** Waits for the helper to exit by itself; returns the raw wait status. */
    public int waitFor() {
        if (exitStatus < 0) {
            int s = Spawn.waitpid(pid, 0);
            exitStatus = s < 0 ? 0 : s;
        }
        return exitStatus;
    }

    /** bhyve's cleanup: SIGKILL, then waitpid; then our end is closed. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (exitStatus < 0 && Spawn.kill(pid, Spawn.SIGKILL) == 0) waitFor();
        else if (exitStatus < 0) isAlive();
        Sys.close(fd);
    }
}
