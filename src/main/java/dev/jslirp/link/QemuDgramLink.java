package dev.jslirp.link;

import dev.jslirp.os.Errno;
import dev.jslirp.os.UnixDatagram;
import dev.jslirp.os.UnixSockAddr;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * QEMU's {@code -netdev dgram} over unix datagram sockets: each datagram is one Ethernet
 * frame, no framing. We bind {@code PATH}; QEMU binds its own path and sends to ours
 * ({@code remote.path=PATH}). The same shape is vfkit's and gvproxy's "unixgram" transport,
 * where the VM side first sends a 4-byte "VFKT" datagram: too short for a frame, it is
 * dropped, but, like any datagram, it tells us where the VM is.
 *
 * <p>Theory of operation: there is no connection, so the peer is learned from the sender
 * address of the datagrams ({@code recvfrom}) and every frame goes back to it with
 * {@code sendto}. A datagram from a different sender means a new VM replaced the old one
 * (the newest sender wins): {@link #receive} drops that datagram and returns
 * {@link Link#DISCONNECTED} so the stack forgets the old guest's flows; the VM's next
 * datagrams are served normally. Sending to a peer that has gone (ECONNREFUSED, ENOENT)
 * forgets it. Anyone who can write to PATH can be the VM: protect it with file permissions.
 */
public final class QemuDgramLink implements Link {
    private static final Logger LOG = System.getLogger("jslirp.link");
    public static final int MIN_FRAME_LENGTH = 14;

    private final UnixDatagram socket;
    private final String path;
    private final int maxFrameLength;
    private final UnixSockAddr from = new UnixSockAddr();
    private final UnixSockAddr peer = new UnixSockAddr();
    private boolean peerKnown;
    private boolean hadPeer;

    public long framesDroppedTooLong, framesDroppedTooShort, framesDroppedFull, framesDroppedNoPeer, framesDroppedUnnamed;
    public long peerChanges, readErrors;

    private QemuDgramLink(UnixDatagram socket, String path, int maxFrameLength) {
        this.socket = socket;
        this.path = path;
        this.maxFrameLength = maxFrameLength;
    }

    /** Binds {@code path} (a stale file there is removed first: we own this name). */
    public static QemuDgramLink bind(String path, int maxFrameLength) {
        if (!path.startsWith("@")) {
            try {
                java.nio.file.Path p = java.nio.file.Path.of(path);
                if (java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !java.nio.file.Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.file.Files.delete(p);
                }
            } catch (java.io.IOException e) {
                // bind() reports the real problem
            }
        }
        return new QemuDgramLink(UnixDatagram.bind(path), path, maxFrameLength);
    }

    public String path() { return path; }

    /** The learned peer's path ("" before the first datagram). Allocates. */
    public String peerPath() { return peerKnown ? peer.path() : ""; }

    @Override
    public int pollFd() { return socket.fd(); }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        while (true) {
            int n = socket.receiveFrom(buf, offset, capacity, from);
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return NOTHING;
            if (n < 0) {
                readErrors++;
                return NOTHING;
            }
            if (from.isUnnamed()) {
                // An unbound sender cannot be answered.
                framesDroppedUnnamed++;
                continue;
            }
            if (!peerKnown || !peer.sameAs(from)) {
                peer.copyFrom(from);
                peerKnown = true;
                if (hadPeer) {
                    peerChanges++;
                    LOG.log(Level.INFO, "a new VM sends to " + path + " (" + peer.path() + "): forgetting the previous guest");
                    return DISCONNECTED;
                }
                hadPeer = true;
                LOG.log(Level.INFO, "guest is " + peer.path() + " (datagrams on " + path + ")");
            }
            if (n > capacity || n > maxFrameLength) {
                framesDroppedTooLong++;
                continue;
            }
            if (n < MIN_FRAME_LENGTH) {
                framesDroppedTooShort++;
                continue;
            }
            return n;
        }
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (length > maxFrameLength) {
            framesDroppedTooLong++;
            return false;
        }
        if (!peerKnown) {
            framesDroppedNoPeer++;
            return false;
        }
        int n = socket.sendTo(buf, offset, length, peer);
        if (n == length) return true;
        if (n == -Errno.ECONNREFUSED || n == -Errno.ENOENT) {
            // The VM's socket is gone; whoever sends next is the guest.
            peerKnown = false;
            framesDroppedNoPeer++;
            return false;
        }
        framesDroppedFull++;
        return false;
    }

    @Override
    public void counters(java.util.Map<String, Long> out) {
        out.put("dgram_dropped_too_long", framesDroppedTooLong);
        out.put("dgram_dropped_too_short", framesDroppedTooShort);
        out.put("dgram_dropped_full", framesDroppedFull);
        out.put("dgram_dropped_no_peer", framesDroppedNoPeer);
        out.put("dgram_dropped_unnamed", framesDroppedUnnamed);
        out.put("dgram_peer_changes", peerChanges);
        out.put("dgram_read_errors", readErrors);
    }

    @Override
    public void close() {
        socket.close();
        if (!path.startsWith("@")) {
            try {
                java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(path));
            } catch (java.io.IOException e) {
                // best effort
            }
        }
    }
}
