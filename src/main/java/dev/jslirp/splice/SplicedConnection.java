package dev.jslirp.splice;

import dev.jslirp.host.EventLoop;
import dev.jslirp.host.Kinds;
import dev.jslirp.os.Epoll;
import dev.jslirp.os.Errno;
import dev.jslirp.os.InetSockAddr;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;

/**
 * One spliced connection: the socket a forward accepted from the host (side {@link #HOST})
 * and a socket in the guest's namespace connected to the forward's guest address and port
 * (side {@link #NAMESPACE}), with a {@link SpliceDirection} each way. One object per slot,
 * reused by the slot's next connection.
 *
 * <p>Lifecycle ({@link State}): {@code CONNECTING} while the namespace socket's non-blocking
 * connect is in progress (the host socket is watched only for its hang-up); {@code SPLICING}
 * once it connected; back to {@code FREE} when the connection ended:
 * <ul>
 *   <li>both directions finished (EOF read each way, everything delivered, each sending side
 *       shut down): both sockets closed normally ({@link #ENDED});</li>
 *   <li>an error on either socket (the peer reset, a splice or shutdown failed): both reset,
 *       SO_LINGER 0 then close, so each peer sees what a direct connection would have shown
 *       it ({@link #RESET});</li>
 *   <li>the connect failed (refused, unreachable, timed out): the host socket reset, as the
 *       tap path resets it when the guest refuses ({@link #CONNECT_FAILED}).</li>
 * </ul>
 *
 * <p>epoll interest follows the directions: a socket is watched for EPOLLIN while the
 * direction it feeds wants its source readable, for EPOLLOUT while the direction into it
 * has bytes waiting, and for nothing otherwise, but stays registered, so that a reset
 * (EPOLLERR, reported whatever the interest) is seen even on an idle connection. Two cases
 * leave the epoll set, because EPOLLHUP is also reported whatever the interest and stays
 * reported: a socket both of whose roles are over (its input read to EOF, its output shut),
 * and a hung-up socket while nothing is wanted of it.
 *
 * <p>Each registration's epoll index carries the slot, the side and a generation, so an
 * event the kernel queued for the slot's previous connection, in the same batch as that
 * connection's end and this one's start, is recognised and ignored ({@link #isCurrent}).
 */
final class SplicedConnection {
    static final int HOST = 0, NAMESPACE = 1;
    /** Results of {@link #start}, {@link #onReady} and {@link #onConnectTimeout}. */
    static final int OPEN = 0, ENDED = 1, RESET = 2, CONNECT_FAILED = 3, NO_RESOURCES = 4;
    /** Pipes' worth moved per direction per readiness event before the loop serves others. */
    static final int MAX_ROUNDS = 8;
    static final int SLOT_BITS = 20, MAX_SLOTS = 1 << SLOT_BITS;
    private static final int SLOT_MASK = MAX_SLOTS - 1, GENERATION_SHIFT = SLOT_BITS + 1, GENERATION_MASK = 0x7FF;

    enum State { FREE, CONNECTING, SPLICING }

    private final EventLoop loop;
    private final int slot;
    /** Host socket → namespace socket, namespace socket → host socket. */
    private final SpliceDirection toGuest = new SpliceDirection(), fromGuest = new SpliceDirection();
    private final int[] fd = {-1, -1};
    private final int[] interest = new int[2];
    private final boolean[] registered = new boolean[2], hungUp = new boolean[2];
    private final InetSockAddr name = new InetSockAddr();
    private int generation;
    private State state = State.FREE;
    private int guestAddr, guestPort, hostPeerAddr, hostPeerPort, namespaceAddr, namespacePort;
    private long openedNs;
    private int lastErrno;

    SplicedConnection(EventLoop loop, int slot) {
        if (slot < 0 || slot >= MAX_SLOTS) throw new IllegalArgumentException("slot " + slot);
        this.loop = loop;
        this.slot = slot;
    }

    /**
     * Takes both sockets, makes the pipes and starts connecting the namespace socket to
     * {@code guestAddr:guestPort}.
     * @return {@link #OPEN} (connecting or already splicing), or how it failed at once:
     *     {@link #NO_RESOURCES} (no pipe) or {@link #CONNECT_FAILED}; then both sockets are
     *     closed, the host's with a reset, and the object is free again
     */
    int start(int hostFd, int namespaceFd, int hostPeerAddr, int hostPeerPort, int guestAddr, int guestPort,
              int pipeBytes, long nowNs) {
        if (state != State.FREE) throw new IllegalStateException("slot " + slot + " is in use");
        generation = (generation + 1) & GENERATION_MASK;
        fd[HOST] = hostFd;
        fd[NAMESPACE] = namespaceFd;
        for (int side = HOST; side <= NAMESPACE; side++) {
            interest[side] = 0;
            registered[side] = hungUp[side] = false;
        }
        this.hostPeerAddr = hostPeerAddr;
        this.hostPeerPort = hostPeerPort;
        this.guestAddr = guestAddr;
        this.guestPort = guestPort;
        namespaceAddr = namespacePort = 0;
        openedNs = nowNs;
        lastErrno = 0;
        state = State.CONNECTING;
        // Small writes of a request/response protocol go out at once, as they would have
        // from the client itself (the tap path sets the same on its host sockets).
        Sockets.setsockopt(hostFd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        int r = toGuest.open(hostFd, namespaceFd, pipeBytes);
        if (r == 0) {
            r = fromGuest.open(namespaceFd, hostFd, pipeBytes);
            if (r < 0) toGuest.close();
        }
        if (r < 0) {
            lastErrno = -r;
            release(true);
            return NO_RESOURCES;
        }
        r = Sockets.connectInet(namespaceFd, guestAddr, guestPort);
        if (r == 0 || r == -Errno.EINPROGRESS) {
            // connect() bound the socket: its address is the peer the guest's server sees.
            if (Sockets.getsockname(namespaceFd, name) == 0) {
                namespaceAddr = name.addr();
                namespacePort = name.port();
            }
        }
        if (r == 0) return established();
        if (r == -Errno.EINPROGRESS) {
            r = watch(NAMESPACE, Epoll.EPOLLOUT);
            if (r == 0) r = watch(HOST, 0);
            if (r == 0) return OPEN;
        }
        lastErrno = -r;
        release(true);
        return CONNECT_FAILED;
    }

    /** Readiness of side {@code side}'s socket. @return {@link #OPEN}, or how it ended (the object is free again) */
    int onReady(int side, int events) {
        if (state == State.CONNECTING) return onReadyConnecting(side);
        if ((events & Epoll.EPOLLERR) != 0) {
            int error = Sockets.soError(fd[side]);
            lastErrno = error > 0 ? error : Errno.ECONNRESET;
            release(true);
            return RESET;
        }
        if ((events & Epoll.EPOLLHUP) != 0) hungUp[side] = true;
        // This socket is the source of one direction and the destination of the other.
        SpliceDirection fed = side == HOST ? toGuest : fromGuest;
        SpliceDirection feeding = side == HOST ? fromGuest : toGuest;
        int r = SpliceDirection.OK;
        if ((events & (Epoll.EPOLLIN | Epoll.EPOLLHUP)) != 0) r = fed.pump(MAX_ROUNDS);
        if (r == SpliceDirection.OK && (events & (Epoll.EPOLLOUT | Epoll.EPOLLHUP)) != 0) r = feeding.pump(MAX_ROUNDS);
        return afterPump(r);
    }

    private int onReadyConnecting(int side) {
        if (side == HOST) {
            // Watched for nothing, so this is a hang-up or an error: the client went away
            // before the guest answered.
            int error = Sockets.soError(fd[HOST]);
            lastErrno = error > 0 ? error : Errno.ECONNRESET;
            release(true);
            return RESET;
        }
        int error = Sockets.soError(fd[NAMESPACE]);
        if (error != 0) {
            lastErrno = error > 0 ? error : -error;
            release(true);
            return CONNECT_FAILED;
        }
        // SO_ERROR is 0 while the connect is still in progress too; connected means a peer.
        if (Sockets.getpeername(fd[NAMESPACE], name) < 0) return OPEN;
        return established();
    }

    /** The connect took longer than allowed: given up, the host reset. @return {@link #CONNECT_FAILED} */
    int onConnectTimeout() {
        lastErrno = Errno.ETIMEDOUT;
        release(true);
        return CONNECT_FAILED;
    }

    /** Resets both sides (shutdown of jslirp, or the guest's stack going away). */
    void abort() {
        if (state != State.FREE) release(true);
    }

    private int established() {
        state = State.SPLICING;
        // Nothing is pumped here: whatever either side sent meanwhile shows as readiness on
        // the next turn (epoll is level-triggered).
        return afterPump(SpliceDirection.OK);
    }

    private int afterPump(int result) {
        if (result < 0) {
            lastErrno = -result;
            release(true);
            return RESET;
        }
        if (toGuest.finished() && fromGuest.finished()) {
            release(false);
            return ENDED;
        }
        int r = updateInterest(HOST, toGuest, fromGuest);
        if (r == 0) r = updateInterest(NAMESPACE, fromGuest, toGuest);
        if (r < 0) {
            lastErrno = -r;
            release(true);
            return RESET;
        }
        return OPEN;
    }

    /** @param fed the direction whose source this socket is; {@code feeding}: whose destination it is */
    private int updateInterest(int side, SpliceDirection fed, SpliceDirection feeding) {
        int want = (fed.wantsSourceReadable() ? Epoll.EPOLLIN : 0) | (feeding.wantsDestinationWritable() ? Epoll.EPOLLOUT : 0);
        boolean rolesOver = fed.sourceEnded() && feeding.finished();
        if (rolesOver || (want == 0 && hungUp[side])) {
            if (registered[side]) {
                loop.unregister(fd[side]);
                registered[side] = false;
            }
            return 0;
        }
        return watch(side, want);
    }

    private int watch(int side, int want) {
        if (registered[side] && interest[side] == want) return 0;
        int r = registered[side]
                ? loop.modify(fd[side], want, Kinds.SPLICE, token(side))
                : loop.register(fd[side], want, Kinds.SPLICE, token(side));
        if (r == 0) {
            registered[side] = true;
            interest[side] = want;
        }
        return r;
    }

    /**
     * Closes both sockets, resetting them ({@code reset}: SO_LINGER 0, so close() sends RST)
     * or not, and both pipes. Closing a descriptor takes it out of the epoll set (none is
     * duplicated), so no separate unregister is needed.
     */
    private void release(boolean reset) {
        for (int side = HOST; side <= NAMESPACE; side++) {
            if (fd[side] < 0) continue;
            if (reset) Sockets.setLinger(fd[side], true, 0);
            Sys.close(fd[side]);
            fd[side] = -1;
            registered[side] = false;
        }
        toGuest.close();
        fromGuest.close();
        state = State.FREE;
    }

    // ------------------------------------------------------------------ epoll index

    private int token(int side) { return generation << GENERATION_SHIFT | slot << 1 | side; }

    static int slotOf(int token) { return (token >>> 1) & SLOT_MASK; }

    static int sideOf(int token) { return token & 1; }

    /** Whether an event's index belongs to this connection, not to an earlier one of the slot. */
    boolean isCurrent(int token) {
        return state != State.FREE && (token >>> GENERATION_SHIFT) == generation;
    }

    // ------------------------------------------------------------------ for the flow table and audit log

    State state() { return state; }

    int guestAddr() { return guestAddr; }

    int guestPort() { return guestPort; }

    /** The namespace socket's own address: the peer the guest's server sees. */
    int namespaceAddr() { return namespaceAddr; }

    int namespacePort() { return namespacePort; }

    int hostPeerAddr() { return hostPeerAddr; }

    int hostPeerPort() { return hostPeerPort; }

    long openedNs() { return openedNs; }

    /** Bytes delivered from the guest's side to the host client. */
    long bytesFromGuest() { return fromGuest.bytesMoved(); }

    /** Bytes delivered from the host client to the guest's side. */
    long bytesToGuest() { return toGuest.bytesMoved(); }

    /** The errno of the last failure (for the log), 0 if none. */
    int lastErrno() { return lastErrno; }

    /** Whether side {@code side}'s socket is in the epoll set now (tests). */
    boolean watched(int side) { return registered[side]; }

    /** Side {@code side}'s epoll interest now (tests). */
    int interest(int side) { return registered[side] ? interest[side] : -1; }

    /** Bytes read from the host and not yet delivered into the namespace (tests). */
    int bytesInPipeToGuest() { return toGuest.bytesInPipe(); }
}
