package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    final TcpOptions o = new TcpOptions();

    boolean parse(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return o.parse(ByteBuffer.wrap(b), 0, b.length);
    }

    @Test
    void emptyListMeansNoOptions() {
        assertTrue(parse());
        assertEquals(-1, o.mss);
        assertEquals(-1, o.windowScale);
        assertFalse(o.sackPermitted);
        assertFalse(o.hasTimestamps);
    }

    @Test
    void parseForgetsThePreviousSegment() {
        assertTrue(parse(2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2));
        assertEquals(1460, o.mss);
        assertTrue(parse(1, 1, 1, 1));
        assertEquals(-1, o.mss);
        assertEquals(-1, o.windowScale);
        assertFalse(o.sackPermitted);
        assertFalse(o.hasTimestamps);
        assertEquals(0, o.tsVal);
    }

    @Test
    void endOfListStopsParsing() {
        assertTrue(parse(0, 2, 4, 5, 0xb4)); // RFC 9293 §3.2: after End of Option List, padding
        assertEquals(-1, o.mss);
        assertTrue(parse(2, 4, 5, 0xb4, 0, 0xff)); // garbage after EOL is ignored
        assertEquals(1460, o.mss);
    }

    @Test
    void windowScaleAbove14IsTreatedAs14() {
        assertTrue(parse(1, 3, 3, 15)); // RFC 7323 §2.3
        assertEquals(14, o.windowScale);
        assertTrue(parse(1, 3, 3, 255));
        assertEquals(14, o.windowScale);
    }

    @Test
    void knownKindWithWrongLengthIsSkipped() {
        assertTrue(parse(2, 3, 5, 3, 3, 7)); // MSS of length 3, then window scale 7
        assertEquals(-1, o.mss);
        assertEquals(7, o.windowScale);
        assertTrue(parse(8, 6, 0, 0, 0, 1)); // timestamps of length 6
        assertFalse(o.hasTimestamps);
    }

    @Test
    void unknownOptionsAndSackBlocksAreSkippedByLength() {
        assertTrue(parse(5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 30, 4, 0xaa, 0xbb, 2, 4, 1, 0));
        assertEquals(256, o.mss);
    }

    @Test
    void malformedListsAreReported() {
        assertFalse(parse(2));                 // kind without a length byte
        assertFalse(parse(1, 1, 1, 2));
        assertFalse(parse(30, 0, 1, 1));       // length 0 would loop forever
        assertFalse(parse(30, 1, 1, 1));       // length 1 cannot cover kind and length
        assertFalse(parse(2, 4, 5));           // runs past the end
        assertFalse(parse(1, 8, 10, 0, 0, 0)); // timestamps cut short
    }

    @Test
    void emittersWriteWhatParseReads() {
        ByteBuffer b = HexFixtures.filledA5(24);
        int n = TcpOptions.emitMss(b, 0, 1400);
        n += TcpOptions.emitSackPermitted(b, n);
        n += TcpOptions.emitTimestamps(b, n, -1, 42);
        n += TcpOptions.emitWindowScale(b, n, 9);
        assertEquals(24, n);
        assertTrue(o.parse(b, 0, n));
        assertEquals(1400, o.mss);
        assertTrue(o.sackPermitted);
        assertTrue(o.hasTimestamps);
        assertEquals(-1, o.tsVal);
        assertEquals(42, o.tsEcr);
        assertEquals(9, o.windowScale);
        assertEquals("TcpOptions[mss=1400 wscale=9 sackOk=true ts=4294967295/42]", o.toString());
    }
}
