package dev.jslirp.bench;

import dev.jslirp.link.Link;

import java.nio.ByteBuffer;

/** A link that takes every frame and keeps nothing: the guest side costs nothing in the figures. */
final class NullLink implements Link {
    long framesSent;
    long bytesSent;

    @Override public int pollFd() { return -1; }
    @Override public int receive(ByteBuffer buf, int offset, int capacity) { return NOTHING; }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        framesSent++;
        bytesSent += length;
        return true;
    }

    @Override public int maxFrameLength() { return 65535 + 14; }
    @Override public void close() { }
}
