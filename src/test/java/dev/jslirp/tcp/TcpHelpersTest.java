package dev.jslirp.tcp;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static dev.jslirp.tcp.TcpHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpHelpersTest {
    static byte[] read(ReceiveBuffer rb) {
        ByteBuffer dst = ByteBuffer.allocate(rb.length());
        int n = rb.copyOut(dst, 0, rb.length());
        rb.consume(n);
        byte[] b = new byte[n];
        dst.get(0, b);
        return b;
    }

    @Nested
    class ReceiveBufferTest {
        final ReceiveBuffer rb = new ReceiveBuffer(100);
        final ByteBuffer src = ByteBuffer.wrap(bytes(300, 1));

        @Test
        void inOrderBytesAdvanceAndWrapTheRing() {
            assertEquals(60, rb.insert(0, src, 0, 60));
            assertArrayEquals(bytes(60, 1), read(rb));
            assertEquals(100, rb.window());
            assertEquals(80, rb.insert(0, src, 60, 80)); // crosses the end of the ring
            assertEquals(20, rb.window());
            byte[] got = read(rb);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes(300, 1), 60, 140), got);
        }

        @Test
        void outOfOrderRangesMergeWhenTheHoleFills() {
            assertEquals(0, rb.insert(30, src, 30, 10));
            assertEquals(0, rb.insert(10, src, 10, 10));
            assertEquals(0, rb.insert(15, src, 15, 20)); // bridges both ranges
            assertEquals(1, rb.outOfOrderRanges());
            assertEquals(100, rb.window(), "held bytes do not shrink the window");
            assertEquals(40, rb.insert(0, src, 0, 10));
            assertEquals(0, rb.outOfOrderRanges());
            assertArrayEquals(java.util.Arrays.copyOf(bytes(300, 1), 40), read(rb));
        }

        @Test
        void tooManyHolesRejectsTheSegment() {
            for (int i = 0; i < ReceiveBuffer.MAX_RANGES; i++) {
                assertEquals(0, rb.insert(2 + 3 * i, src, 0, 1));
            }
            assertEquals(-1, rb.insert(2 + 3 * ReceiveBuffer.MAX_RANGES, src, 0, 1));
            assertEquals(0, rb.insert(3, src, 0, 1), "touching an existing range still fits");
        }
    }

    @Nested
    class SendBufferTest {
        @Test
        void wrapsAndCopiesOutAcrossTheEnd() {
            SendBuffer sb = new SendBuffer(10);
            ByteBuffer src = ByteBuffer.wrap(bytes(30, 2));
            sb.append(src, 0, 8);
            sb.consume(6);
            sb.append(src, 8, 7);
            assertEquals(9, sb.length());
            assertEquals(1, sb.free());
            assertEquals(-1, sb.contiguousIndex(0, 9));
            ByteBuffer dst = ByteBuffer.allocate(9);
            sb.copyOut(0, dst, 0, 9);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes(30, 2), 6, 15), dst.array());
            assertTrue(sb.contiguousIndex(4, 5) >= 0);
        }
    }

    @Nested
    class RetransmitTimerTest {
        static final long MS = 1_000_000L;
        final RetransmitTimer t = new RetransmitTimer(1000 * MS, 200 * MS, 60_000 * MS);

        @Test
        void firstSampleSetsSrttAndRttvar() {
            t.onRttSample(400 * MS);
            assertEquals(400 * MS, t.srttNs());
            assertEquals(1200 * MS, t.rtoNs(), "SRTT + 4 * RTTVAR = 400 + 4 * 200 (RFC 6298 2.2)");
        }

        @Test
        void laterSamplesSmooth() {
            t.onRttSample(400 * MS);
            t.onRttSample(200 * MS);
            assertEquals(375 * MS, t.srttNs(), "7/8 * 400 + 1/8 * 200");
            assertEquals(375 * MS + 4 * 200 * MS, t.rtoNs(), "RTTVAR = 3/4 * 200 + 1/4 * 200");
        }

        @Test
        void rtoIsClampedToTheMinimum() {
            t.onRttSample(1);
            assertEquals(200 * MS, t.rtoNs());
        }

        @Test
        void backoffDoublesUpToTheCapAndResetsOnNewAck() {
            t.start(0);
            assertEquals(1000 * MS, t.deadlineNs());
            t.onTimeout();
            t.start(0);
            assertEquals(2000 * MS, t.deadlineNs());
            for (int i = 0; i < 30; i++) t.onTimeout();
            assertEquals(60_000 * MS, t.timeoutNs());
            t.onNewAck();
            assertEquals(1000 * MS, t.timeoutNs());
            assertEquals(0, t.retries());
            t.stop();
            assertFalse(t.isRunning());
        }
    }

    @Test
    void configRejectsAWindowThatDoesNotFit() {
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.DEFAULT.withWindowScale(0));
        assertEquals(1460, TcpConfig.DEFAULT.mss());
        assertEquals(8960, TcpConfig.DEFAULT.withLinkMtu(9000).mss());
    }
}
