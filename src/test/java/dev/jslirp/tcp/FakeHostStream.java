package dev.jslirp.tcp;

import java.nio.ByteBuffer;

/**
 * The host socket as two in-memory byte queues. {@code fromHost} holds what the host peer
 * sent (the engine reads it), {@code toHost} what the engine wrote (its capacity is the
 * socket's send buffer; tests drain it). Does not allocate per call.
 */
final class FakeHostStream implements HostStream {
    final ByteQueue fromHost;
    final ByteQueue toHost;
    /** Largest read/write per call: a small value makes a slow socket. */
    int readChunk = Integer.MAX_VALUE;
    int writeChunk = Integer.MAX_VALUE;
    /** The host peer shut its write side once {@code fromHost} is empty. */
    boolean eof;
    /** Negative errno for the next read/write, 0 for none. */
    int readError;
    int writeError;

    boolean wantRead;
    boolean wantWrite;
    boolean outputShut;
    boolean closed;
    boolean aborted;
    int closeCalls;
    int reads;

    FakeHostStream(int fromHostCapacity, int toHostCapacity) {
        fromHost = new ByteQueue(fromHostCapacity);
        toHost = new ByteQueue(toHostCapacity);
    }

    /** A new host socket in the same place, as TcpNat attaches a new descriptor to a flow slot's socket. */
    void reopen() {
        fromHost.takeAll();
        toHost.takeAll();
        eof = outputShut = closed = aborted = wantRead = wantWrite = false;
        readError = writeError = closeCalls = reads = 0;
    }

    @Override
    public int read(ByteBuffer buf, int offset, int length) {
        if (closed) throw new IllegalStateException("read after close");
        reads++;
        if (readError != 0) return readError;
        if (fromHost.size() == 0) return eof ? EOF : 0;
        return fromHost.take(buf, offset, Math.min(length, readChunk));
    }

    @Override
    public int write(ByteBuffer buf, int offset, int length) {
        if (closed || outputShut) throw new IllegalStateException("write after close/shutdown");
        if (writeError != 0) return writeError;
        return toHost.put(buf, offset, Math.min(length, writeChunk));
    }

    @Override
    public int read(long address, int length) {
        if (closed) throw new IllegalStateException("read after close");
        reads++;
        if (readError != 0) return readError;
        if (fromHost.size() == 0) return eof ? EOF : 0;
        return fromHost.take(address, Math.min(length, readChunk));
    }

    @Override
    public int write(long address, int length) {
        if (closed || outputShut) throw new IllegalStateException("write after close/shutdown");
        if (writeError != 0) return writeError;
        return toHost.put(address, Math.min(length, writeChunk));
    }

    @Override
    public void shutdownOutput() {
        if (outputShut) throw new IllegalStateException("shutdownOutput twice");
        outputShut = true;
    }

    @Override
    public void close(boolean abort) {
        if (!closed) closeCalls++;
        closed = true;
        aborted = abort;
    }

    @Override
    public void wantRead(boolean on) { wantRead = on; }

    @Override
    public void wantWrite(boolean on) { wantWrite = on; }

    void hostSends(byte[] data) {
        if (fromHost.put(data, 0, data.length) != data.length) throw new IllegalStateException("fromHost full");
    }
}
