package dev.jslirp.link;

import dev.jslirp.os.Sys;
import java.nio.ByteBuffer;

/**
 * Native addresses of the few direct buffers a link is handed (the stack's receive buffer,
 * the frame writer's buffers), remembered by identity so the per-frame path computes none.
 */
final class BufferAddresses {
    private static final int SLOTS = 8;
    private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];
    private final long[] addresses = new long[SLOTS];
    private int next;

    long of(ByteBuffer buf) {
        for (int i = 0; i < SLOTS; i++) {
            if (buffers[i] == buf) return addresses[i];
        }
        if (!buf.isDirect()) throw new IllegalArgumentException("links need direct buffers");
        int slot = next;
        next = (next + 1) % SLOTS;
        buffers[slot] = buf;
        addresses[slot] = Sys.address(buf);
        return addresses[slot];
    }
}
