package dev.jslirp.link;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A link in memory, for tests and fuzzing: frames "from the guest" are queued with
 * {@link #injectFromGuest}, frames the stack sends are collected for {@link #takeToGuest}.
 * It allocates per frame; it is not for production paths.
 */
public final class MemoryLink implements Link {
    private final ArrayDeque<byte[]> fromGuest = new ArrayDeque<>();
    private final ArrayDeque<byte[]> toGuest = new ArrayDeque<>();
    private final int maxFrameLength;
    private int sendCapacity = Integer.MAX_VALUE;
    private boolean closed;

    public MemoryLink(int maxFrameLength) { this.maxFrameLength = maxFrameLength; }

    public void injectFromGuest(byte[] frame) { fromGuest.add(frame.clone()); }

    /** @return the oldest frame sent towards the guest, or null */
    public byte[] takeToGuest() { return toGuest.poll(); }

    public int pendingToGuest() { return toGuest.size(); }

    /** Simulates a full link: at most this many frames are queued towards the guest. */
    public void sendCapacity(int frames) { this.sendCapacity = frames; }

    @Override
    public int pollFd() { return -1; }

    @Override
    public int receive(ByteBuffer buf, int offset, int capacity) {
        if (closed) return CLOSED;
        byte[] frame = fromGuest.poll();
        if (frame == null) return NOTHING;
        int n = Math.min(frame.length, capacity);
        buf.put(offset, frame, 0, n);
        return n;
    }

    @Override
    public boolean send(ByteBuffer buf, int offset, int length) {
        if (closed || length > maxFrameLength || toGuest.size() >= sendCapacity) return false;
        byte[] frame = new byte[length];
        buf.get(offset, frame, 0, length);
        toGuest.add(frame);
        return true;
    }

    @Override
    public int maxFrameLength() { return maxFrameLength; }

    @Override
    public void close() { closed = true; }
}
