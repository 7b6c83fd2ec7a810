package dev.jslirp.bench;

import dev.jslirp.tcp.HostStream;

import java.nio.ByteBuffer;

/**
 * The host socket as a sink that takes everything and a source that has {@link #readable}
 * bytes (contents irrelevant). Allocates nothing.
 */
final class NullHost implements HostStream {
    long written;
    int readable;

    @Override
    public int read(ByteBuffer buf, int offset, int length) {
        int n = Math.min(length, readable);
        readable -= n;
        return n;
    }

    @Override
    public int write(ByteBuffer buf, int offset, int length) {
        written += length;
        return length;
    }

    @Override
    public int read(long address, int length) {
        int n = Math.min(length, readable);
        readable -= n;
        return n;
    }

    @Override
    public int write(long address, int length) {
        written += length;
        return length;
    }

    @Override public void shutdownOutput() { }
    @Override public void close(boolean abort) { }
    @Override public void wantRead(boolean on) { }
    @Override public void wantWrite(boolean on) { }
}
