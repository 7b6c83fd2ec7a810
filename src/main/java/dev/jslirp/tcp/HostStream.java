package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * The host end of a TCP flow: a connected, non-blocking stream socket on the host.
 * Implemented over a real socket by the host layer; the TCP engine only sees this.
 * Buffers are the caller's; nothing is kept after a call returns.
 */
public interface HostStream {
    /** {@link #read} result: end of stream (the host peer shut its write side). */
    int EOF = -1;

    /**
     * Reads up to {@code length} bytes.
     * @return bytes read (&gt; 0), 0 if nothing is available now, {@link #EOF}, or
     *     {@code -errno} (&lt; -1, e.g. -104 ECONNRESET) on error.
     */
    int read(ByteBuffer buf, int offset, int length);

    /**
     * Writes up to {@code length} bytes.
     * @return bytes taken (0 if the socket's send buffer is full), or {@code -errno} on error.
     */
    int write(ByteBuffer buf, int offset, int length);

    /** As {@link #read(ByteBuffer, int, int)}, into native memory (a {@link Ring}) at {@code address}. */
    int read(long address, int length);

    /** As {@link #write(ByteBuffer, int, int)}, from native memory (a {@link Ring}) at {@code address}. */
    int write(long address, int length);

    /** Half-close: no more data from us (the guest sent FIN). */
    void shutdownOutput();

    /** Closes the socket; {@code abort} makes the kernel send RST (SO_LINGER 0). Idempotent. */
    void close(boolean abort);

    /** Ask (or stop asking) to be told when {@link #read} would return something. */
    void wantRead(boolean on);

    /** Ask (or stop asking) to be told when {@link #write} can take more. */
    void wantWrite(boolean on);
}
