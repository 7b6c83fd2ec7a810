package dev.jslirp.splice;

import dev.jslirp.os.Errno;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;

/**
 * One direction of a spliced connection: bytes from a source socket into a pipe and from the
 * pipe into a destination socket, each step a splice(2), so they never enter our memory.
 *
 * <p>At most one pipe's worth is in flight. The source is read only when the pipe is empty,
 * which keeps -EAGAIN unambiguous (an empty pipe has room, so the source had nothing) and is
 * all the back-pressure there is: while the destination cannot take what the pipe holds,
 * nothing more is read, the source socket's receive buffer fills and its peer's TCP window
 * closes. So a direction waits for one thing at a time: its source to be readable
 * ({@link #wantsSourceReadable}) or its destination to be writable
 * ({@link #wantsDestinationWritable}).
 *
 * <p>End of input: once the source has reached EOF and the pipe is empty, the destination's
 * sending side is shut down, so its peer reads EOF too, and the direction has
 * {@link #finished}. Bytes leave the pipe in the order they entered it, and the pipe is never
 * given up while it holds any, so nothing is lost or reordered while the connection lives.
 *
 * <p>The sockets belong to the connection; the pipe is this direction's own.
 */
final class SpliceDirection {
    /** {@link #pump} result when nothing failed. */
    static final int OK = 0;
    private static final int FLAGS = Sys.SPLICE_F_MOVE | Sys.SPLICE_F_NONBLOCK;

    private final int[] pipeFds = new int[2];
    private int source = -1, destination = -1, pipeRead = -1, pipeWrite = -1;
    private int capacity;
    private int inPipe;
    private boolean sourceEnded, destinationShut;
    private long bytesMoved;

    /**
     * Makes the pipe, asking for {@code pipeBytes} of capacity (the kernel's default stays if
     * that is refused), for bytes from {@code source} to {@code destination}.
     * @return 0, or -errno when no pipe can be made (descriptor limit)
     */
    int open(int source, int destination, int pipeBytes) {
        int r = Sys.pipe2(pipeFds, Sys.O_NONBLOCK | Sys.O_CLOEXEC);
        if (r < 0) return r;
        this.source = source;
        this.destination = destination;
        pipeRead = pipeFds[0];
        pipeWrite = pipeFds[1];
        int size = Sys.setPipeSize(pipeWrite, pipeBytes);
        capacity = size > 0 ? size : Math.max(Sys.pipeSize(pipeWrite), 4096);
        inPipe = 0;
        sourceEnded = destinationShut = false;
        bytesMoved = 0;
        return 0;
    }

    /**
     * Moves what can move now: source into the pipe, pipe into the destination, at most
     * {@code maxRounds} pipes' worth (so one busy connection cannot hold the loop), then shuts
     * the destination's sending side if the source has ended and everything is delivered.
     * @return {@link #OK}, or -errno of the call that failed (ECONNRESET, EPIPE...): the
     *     connection is broken
     */
    int pump(int maxRounds) {
        for (int round = 0; round < maxRounds; round++) {
            if (inPipe == 0) {
                if (sourceEnded) break;
                int n = Sys.splice(source, pipeWrite, capacity, FLAGS);
                if (n == -Errno.EINTR) continue;
                if (n == -Errno.EAGAIN) break; // the pipe is empty, so the source has nothing now
                if (n < 0) return n;
                if (n == 0) {
                    sourceEnded = true;
                    break;
                }
                inPipe = n;
            }
            int m = Sys.splice(pipeRead, destination, inPipe, FLAGS);
            if (m == -Errno.EINTR) continue;
            if (m == -Errno.EAGAIN || m == 0) break; // the destination is full: wait until it is writable
            if (m < 0) return m;
            inPipe -= m;
            bytesMoved += m;
        }
        if (sourceEnded && inPipe == 0 && !destinationShut) {
            int r = Sockets.shutdown(destination, Sockets.SHUT_WR);
            if (r < 0) return r;
            destinationShut = true;
        }
        return OK;
    }

    /** Nothing in the pipe and more may come: wait for the source to be readable. */
    boolean wantsSourceReadable() { return inPipe == 0 && !sourceEnded; }

    /** The pipe holds bytes the destination did not take: wait for it to be writable. */
    boolean wantsDestinationWritable() { return inPipe > 0; }

    /** The source reached its end (EOF was read). */
    boolean sourceEnded() { return sourceEnded; }

    /** Every byte delivered and the destination's sending side shut down. */
    boolean finished() { return destinationShut; }

    /** Bytes delivered to the destination so far. */
    long bytesMoved() { return bytesMoved; }

    /** Bytes read from the source and not yet delivered. */
    int bytesInPipe() { return inPipe; }

    /** The pipe's capacity in bytes. */
    int capacity() { return capacity; }

    /** Closes the pipe (whatever it holds is dropped: the connection is ending). Idempotent. */
    void close() {
        if (pipeRead >= 0) Sys.close(pipeRead);
        if (pipeWrite >= 0) Sys.close(pipeWrite);
        pipeRead = pipeWrite = source = destination = -1;
        inPipe = 0;
    }
}
