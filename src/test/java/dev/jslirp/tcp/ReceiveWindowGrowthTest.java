package dev.jslirp.tcp;

import static dev.jslirp.tcp.TcpHarness.IRS;
import static dev.jslirp.tcp.TcpHarness.ISS;
import static dev.jslirp.tcp.TcpHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The receive window follows a bulk guest sender even when the host socket takes every byte
 * at once (so the buffer never fills), and text the host can take goes to it without being
 * stored. Found at MTU 65520: the window stayed at 64 KiB and Linux guests cut their
 * segments to half of it (32 KiB), which halved throughput.
 */
class ReceiveWindowGrowthTest {
    static final int CAP = 256 * 1024;
    static final int SEGMENT = 16_000;
    static final TcpConfig CONFIG = TcpHarness.CONFIG.withBuffers(64 * 1024, CAP);

    @Test
    void bulkSenderWithAFastHostGetsTheWholeWindowAndNoMemoryIsHeld() {
        TcpHarness h = new TcpHarness(CONFIG).established();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int seq = IRS + 1;
        int window = 0;
        for (int i = 0; i < 40; i++) {
            byte[] data = bytes(SEGMENT, i);
            sent.writeBytes(data);
            h.send(GuestSeg.ack(seq, ISS + 1).withData(data));
            seq += SEGMENT;
            Seg ack = h.expectAck(ISS + 1, seq);
            assertTrue(ack.window() >= window, "the window never shrinks");
            window = ack.window();
            assertEquals(0, h.conn.bufferBytesAllocated(), "the host took every byte: nothing stored");
        }
        assertEquals(CAP >> 7, window, "grew to the cap (field scaled by 7)");
        assertArrayEquals(sent.toByteArray(), h.host.toHost.takeAll());
        assertEquals(40L * SEGMENT, h.conn.bytesFromGuest());
    }

    @Test
    void whatASlowHostDoesNotTakeIsStoredAndFollowsInOrder() {
        // The host socket's send buffer takes 5,000 bytes, then is full until the test drains it.
        TcpHarness h = new TcpHarness(CONFIG, 1 << 20, 5_000).established();
        byte[] first = bytes(SEGMENT, 1);
        byte[] second = bytes(SEGMENT, 2);
        h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(first));
        Seg ack = h.expectAck(ISS + 1, IRS + 1 + SEGMENT);
        // 5,000 went to the host (the socket took no more), 11,000 are stored and shrink the window.
        assertEquals((64 * 1024 - (SEGMENT - 5_000)) >> 7, ack.window());
        assertTrue(h.host.wantWrite, "waits for the host socket to take the rest");
        // Stored bytes are ahead of new text: the next segment must not overtake them.
        h.send(GuestSeg.ack(IRS + 1 + SEGMENT, ISS + 1).withData(second));
        h.expectAck(ISS + 1, IRS + 1 + 2 * SEGMENT);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(first);
        expected.writeBytes(second);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < expected.size()) { // the host reads 5,000 at a time
            got.writeBytes(h.host.toHost.takeAll());
            h.conn.onHostWritable(h.now);
        }
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
        assertTrue(!h.host.wantWrite, "drained");
    }
}
