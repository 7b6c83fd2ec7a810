package dev.jslirp.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lazy, budgeted growth of the per-flow TCP buffers: memory follows traffic, the budget caps it, data survives growth. */
class BufferGrowthTest {
    static final int CAP = 256 * 1024;

    @Test
    void idleBuffersHoldNoMemory() {
        BufferBudget budget = new BufferBudget(1 << 20);
        SendBuffer send = new SendBuffer(CAP, budget);
        ReceiveBuffer receive = new ReceiveBuffer(CAP, budget);
        assertEquals(0, send.allocated());
        assertEquals(0, receive.allocated());
        assertEquals(ReceiveBuffer.INITIAL_WINDOW, receive.window(), "an initial window is offered before any memory is taken");
        assertEquals(ReceiveBuffer.INITIAL_WINDOW, budget.used(), "reserved, not allocated");
        receive.release();
        assertEquals(0, budget.used());
    }

    @Test
    void sendBufferGrowsWhenFullAndKeepsItsBytesInOrder() {
        BufferBudget budget = new BufferBudget(1 << 20);
        SendBuffer b = new SendBuffer(CAP, budget);
        ByteBuffer src = pattern(CAP);
        int written = 0, consumed = 0;
        // Fill, consume a little (so the ring wraps), fill again: growth must linearise correctly.
        while (written < CAP) {
            int n = Math.min(b.free(), Math.min(5000, CAP - written));
            if (n == 0) break;
            b.append(src, written, n);
            written += n;
            if (written % 3 == 0 && b.length() > 100) {
                b.consume(100);
                consumed += 100;
            }
        }
        assertEquals(CAP, b.allocated(), "grew to the cap");
        ByteBuffer out = ByteBuffer.allocate(b.length());
        b.copyOut(0, out, 0, b.length());
        assertArrayEquals(slice(src, consumed, b.length()), out.array());
        assertEquals(CAP, budget.used());
        b.release();
        assertEquals(0, budget.used());
        assertEquals(0, b.free(), "a released buffer takes nothing more");
    }

    @Test
    void spentBudgetStopsGrowthButNotTheFlow() {
        BufferBudget budget = new BufferBudget(0);
        SendBuffer b = new SendBuffer(CAP, budget);
        ByteBuffer src = pattern(SendBuffer.INITIAL);
        assertEquals(SendBuffer.INITIAL, b.free(), "the first chunk is always granted");
        b.append(src, 0, SendBuffer.INITIAL);
        assertEquals(0, b.free(), "no growth beyond the budget");
        assertTrue(budget.refused > 0);
        b.consume(1000);
        assertEquals(1000, b.free(), "the flow still moves within its first chunk");
    }

    @Test
    void receiveBufferGrowsWhenTheGuestFillsTheWindowAndKeepsOutOfOrderData() {
        BufferBudget budget = new BufferBudget(1 << 20);
        ReceiveBuffer r = new ReceiveBuffer(CAP, budget);
        ByteBuffer src = pattern(CAP);
        SplittableRandom random = new SplittableRandom(7);
        long delivered = 0; // stream offset of the next in-order byte from the guest
        ByteBuffer host = ByteBuffer.allocate(CAP);
        int hostLength = 0;
        while (delivered < CAP) {
            int window = r.window();
            if (window == 0) {
                int n = r.copyOut(host, hostLength, 4096);
                r.consume(n);
                hostLength += n;
                continue;
            }
            // An out-of-order segment first (a hole at the front), then the hole's bytes.
            int seg = (int) Math.min(Math.min(1460, CAP - delivered), window);
            int ahead = seg;
            if (ahead + seg <= window && delivered + ahead + seg <= CAP && random.nextBoolean()) {
                assertEquals(0, r.insert(ahead, src, (int) delivered + ahead, seg));
                int advanced = r.insert(0, src, (int) delivered, seg);
                assertEquals(2 * seg, advanced);
                delivered += 2L * seg;
            } else {
                assertEquals(seg, r.insert(0, src, (int) delivered, seg));
                delivered += seg;
            }
            if (random.nextInt(4) == 0) {
                int n = r.copyOut(host, hostLength, random.nextInt(1, 8000));
                r.consume(n);
                hostLength += n;
            }
        }
        while (r.length() > 0) {
            int n = r.copyOut(host, hostLength, 65536);
            r.consume(n);
            hostLength += n;
        }
        assertEquals(CAP, hostLength);
        assertArrayEquals(slice(src, 0, CAP), host.array());
        assertTrue(r.allocated() > ReceiveBuffer.INITIAL_WINDOW, "grew: " + r.allocated());
        r.release();
        assertEquals(0, budget.used());
        assertEquals(0, r.window());
    }

    @Test
    void freedFirstChunksAreReusedByTheNextFlows() {
        BufferBudget budget = new BufferBudget(1 << 20);
        SendBuffer first = new SendBuffer(CAP, budget);
        first.append(pattern(100), 0, 100);
        Ring ring = first.ring();
        first.release();
        SendBuffer next = new SendBuffer(CAP, budget);
        next.free();
        assertTrue(next.ring() == ring, "the pooled ring is taken again");
        assertEquals(SendBuffer.INITIAL, budget.used(), "pooled memory is not counted as used");
        next.release();
        assertEquals(0, budget.used());
    }

    @Test
    void spentBudgetOffersTheSmallWindow() {
        BufferBudget budget = new BufferBudget(0);
        ReceiveBuffer r = new ReceiveBuffer(CAP, budget);
        assertEquals(SendBuffer.INITIAL, r.window());
        r.release();
        assertEquals(0, budget.used());
    }

    @Test
    void windowNeverShrinks() {
        ReceiveBuffer r = new ReceiveBuffer(CAP, new BufferBudget(128 * 1024));
        ByteBuffer src = pattern(CAP);
        long rightEdge = r.window();
        long pos = 0;
        for (int i = 0; i < 2000; i++) {
            int n = Math.min(1000, r.window());
            if (n > 0) {
                r.insert(0, src, (int) (pos % (CAP - 1000)), n);
                pos += n;
            }
            if (i % 5 == 0) r.consume(Math.min(r.length(), 3000));
            long edge = pos - r.length() + r.length() + r.window(); // RCV.NXT + RCV.WND in stream offsets
            assertTrue(edge >= rightEdge, "right edge moved back at step " + i);
            rightEdge = edge;
        }
        assertTrue(r.allocated() <= 128 * 1024, "budget respected: " + r.allocated());
    }

    static ByteBuffer pattern(int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) b.put(i, (byte) (i * 31 + (i >>> 8)));
        return b;
    }

    static byte[] slice(ByteBuffer b, int from, int n) {
        byte[] out = new byte[n];
        b.get(from, out);
        return out;
    }
}
