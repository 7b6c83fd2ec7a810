package dev.jslirp.iface;

import static dev.jslirp.iface.Ipv4Reassembler.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.wire.HexFixtures;
import dev.jslirp.wire.Icmpv4Packet;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import dev.jslirp.wire.Ipv4Repr;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv4ReassemblerTest {
    static final int GUEST = Ipv4Address.parse("10.0.2.15");
    static final int HOST = Ipv4Address.parse("10.0.2.2");
    static final long T0 = 1_000_000_000L;

    final ByteBuffer out = ByteBuffer.allocateDirect(Ipv4Packet.MAX_LENGTH);

    /** The captured fragment at the IP layer (after the 14-byte Ethernet header). */
    static Ipv4Packet captured(int n) {
        ByteBuffer b = HexFixtures.direct("ipv4_fragment_" + n);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 14, b.capacity() - 14);
        assertTrue(ip.checkLength() && ip.verifyChecksum());
        return ip;
    }

    /** A datagram payload whose bytes say where they are, so misplaced copies show. */
    static byte[] payload(int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) p[i] = (byte) (i * 7 + (i >>> 8));
        return p;
    }

    /** Fragment carrying payload[start, start + length) of datagram {@code id}. */
    static Ipv4Packet fragment(int id, int protocol, byte[] payload, int start, int length, boolean more) {
        ByteBuffer b = ByteBuffer.allocateDirect(20 + length);
        new Ipv4Repr(GUEST, HOST, protocol, length, 0, id, false, more, start, 64).emit(b, 0);
        b.put(20, payload, start, length);
        return new Ipv4Packet().wrap(b, 0, 20 + length);
    }

    static Ipv4Packet fragment(int id, byte[] payload, int start, int length, boolean more) {
        return fragment(id, Ipv4Packet.PROTOCOL_UDP, payload, start, length, more);
    }

    void assertDatagram(int length, byte[] payload, int id) {
        assertEquals(20 + payload.length, length);
        Ipv4Packet ip = new Ipv4Packet().wrap(out, 0, length);
        assertTrue(ip.checkLength());
        assertTrue(ip.verifyChecksum());
        assertFalse(ip.isFragment());
        assertEquals(id, ip.ident());
        assertArrayEquals(payload, HexFixtures.toArray(out, 20, payload.length));
    }

    @Test
    void capturedFragmentsReassembleToAValidEchoRequest() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        assertEquals(0, r.offer(captured(1), T0, out, 0));
        assertEquals(0, r.offer(captured(2), T0, out, 0));
        int length = r.offer(captured(3), T0, out, 0);
        assertEquals(20 + 3008, length);
        Ipv4Packet ip = new Ipv4Packet().wrap(out, 0, length);
        assertTrue(ip.checkLength());
        assertTrue(ip.verifyChecksum());
        assertFalse(ip.isFragment());
        assertEquals(0xd9aa, ip.ident());
        assertEquals(Ipv4Packet.PROTOCOL_ICMP, ip.protocol());
        Icmpv4Packet icmp = new Icmpv4Packet().wrap(out, ip.payloadOffset(), ip.payloadLength());
        assertTrue(icmp.checkLength());
        assertTrue(icmp.verifyChecksum(), "ICMP checksum over the reassembled 3008 bytes");
        assertEquals(Icmpv4Packet.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(8965, icmp.ident());
        assertEquals(3000, icmp.dataLength());
        assertEquals(1, r.reassembled());
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.bufferedBytes());
        assertEquals(Long.MAX_VALUE, r.nextDeadlineNs());
    }

    @Test
    void anyArrivalOrderGivesTheSameDatagram() {
        int[][] orders = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] expected = null;
        for (int[] order : orders) {
            int length = 0;
            for (int i = 0; i < 3; i++) {
                length = r.offer(captured(order[i]), T0, out, 0);
                assertEquals(i < 2 ? 0 : 3028, length, java.util.Arrays.toString(order));
            }
            byte[] got = HexFixtures.toArray(out, 0, length);
            if (expected == null) expected = got;
            assertArrayEquals(expected, got);
        }
        assertEquals(6, r.reassembled());
    }

    @Test
    void lastFragmentFirstWaitsForTheRest() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(100);
        assertEquals(0, r.offer(fragment(7, p, 96, 4, false), T0, out, 0));
        assertEquals(0, r.offer(fragment(7, p, 48, 48, true), T0, out, 0));
        assertDatagram(r.offer(fragment(7, p, 0, 48, true), T0, out, 0), p, 7);
    }

    @Test
    void firstFragmentOptionsBecomeTheDatagramHeader() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(40);
        ByteBuffer b = ByteBuffer.allocateDirect(24 + 16);
        new Ipv4Repr(GUEST, HOST, 17, 16, 0, 9, false, true, 0, 64).emit(b, 0);
        b.put(0, (byte) 0x46).putShort(2, (short) 40).putInt(20, 0x01010100); // IHL 6: NOP NOP NOP EOL
        b.putShort(10, (short) 0).putShort(10, (short) dev.jslirp.wire.Checksum.compute(b, 0, 24));
        b.put(24, p, 0, 16);
        assertEquals(0, r.offer(fragment(9, p, 16, 24, false), T0, out, 0));
        Ipv4Packet first = new Ipv4Packet().wrap(b, 0, 40);
        assertTrue(first.checkLength() && first.verifyChecksum());
        int length = r.offer(first, T0, out, 0);
        assertEquals(64, length);
        Ipv4Packet ip = new Ipv4Packet().wrap(out, 0, length);
        assertTrue(ip.checkLength() && ip.verifyChecksum());
        assertEquals(24, ip.headerLength());
        assertEquals(0x01010100, out.getInt(20));
        assertArrayEquals(p, HexFixtures.toArray(out, 24, 40));
    }

    @Test
    void exactDuplicateIsIgnored() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(1, r.duplicates());
        assertDatagram(r.offer(fragment(1, p, 32, 32, false), T0, out, 0), p, 1);
        assertEquals(0, r.overlaps());
    }

    @Test
    void duplicateLastFragmentIsIgnored() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 32, 32, false), T0, out, 0));
        assertEquals(0, r.offer(fragment(1, p, 32, 32, false), T0, out, 0));
        assertDatagram(r.offer(fragment(1, p, 0, 32, true), T0, out, 0), p, 1);
        assertEquals(1, r.duplicates());
    }

    @Test
    void overlappingFragmentDropsTheWholeDatagram() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(DROP_OVERLAP, r.offer(fragment(1, p, 24, 40, false), T0, out, 0)); // teardrop
        assertEquals(1, r.overlaps());
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.bufferedBytes());
        // What comes after starts over and cannot complete from the remains.
        assertEquals(0, r.offer(fragment(1, p, 32, 32, false), T0, out, 0));
        assertEquals(1, r.datagramsInProgress());
    }

    @Test
    void sameRangeWithDifferentMoreFragmentsIsAnOverlap() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 32, 32, true), T0, out, 0));
        assertEquals(DROP_OVERLAP, r.offer(fragment(1, p, 32, 32, false), T0, out, 0));
    }

    @Test
    void contradictingEndDropsTheDatagram() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(128);
        assertEquals(0, r.offer(fragment(1, p, 64, 8, false), T0, out, 0));        // ends at 72
        assertEquals(DROP_MALFORMED, r.offer(fragment(1, p, 80, 8, true), T0, out, 0)); // beyond the end
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.offer(fragment(2, p, 80, 8, true), T0, out, 0));
        assertEquals(DROP_MALFORMED, r.offer(fragment(2, p, 0, 16, false), T0, out, 0)); // end before received data
        assertEquals(2, r.malformed());
    }

    @Test
    void nonLastFragmentNotAMultipleOfEightIsDroppedAlone() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(DROP_MALFORMED, r.offer(fragment(1, p, 32, 12, true), T0, out, 0));
        assertEquals(DROP_MALFORMED, r.offer(fragment(1, p, 32, 0, true), T0, out, 0));
        assertDatagram(r.offer(fragment(1, p, 32, 32, false), T0, out, 0), p, 1);
    }

    @Test
    void unfragmentedPacketIsNotTakenIn() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        assertEquals(DROP_MALFORMED, r.offer(fragment(1, payload(8), 0, 8, false), T0, out, 0));
        assertEquals(0, r.datagramsInProgress());
    }

    @Test
    void fragmentEndingPast65535IsDropped() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(65535 + 8);
        assertEquals(0, r.offer(fragment(1, p, 0, 1480, true), T0, out, 0));
        // 65512 + 8 + a 20-byte header = 65540 > 65535: the ping-of-death shape.
        assertEquals(DROP_TOO_BIG, r.offer(fragment(1, p, 65512, 8, false), T0, out, 0));
        assertEquals(1, r.tooBig());
        assertEquals(0, r.datagramsInProgress());
        assertEquals(DROP_TOO_BIG, r.offer(fragment(2, p, 8191 * 8, 8, true), T0, out, 0));
        assertEquals(0, r.datagramsInProgress());
        // Exactly 65535 is fine.
        byte[] max = payload(65515);
        int length = 0;
        for (int at = 0; at < 65515; at += 1480) {
            int n = Math.min(1480, 65515 - at);
            length = r.offer(fragment(3, max, at, n, at + n < 65515), T0, out, 0);
        }
        assertDatagram(length, max, 3);
    }

    @Test
    void smallerConfiguredMaximumIsEnforced() {
        Ipv4Reassembler r = new Ipv4Reassembler(new Limits(4, 1 << 16, 1500, DEFAULT_TIMEOUT_NS, 8));
        byte[] p = payload(1600);
        assertEquals(0, r.offer(fragment(1, p, 0, 1472, true), T0, out, 0));
        assertEquals(DROP_TOO_BIG, r.offer(fragment(1, p, 1472, 16, false), T0, out, 0));
    }

    @Test
    void datagramExpiresAtItsDeadline() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(T0 + DEFAULT_TIMEOUT_NS, r.nextDeadlineNs());
        // A later fragment does not push the deadline (RFC 791's timer starts with the first).
        assertEquals(0, r.offer(fragment(2, p, 0, 32, true), T0 + 5_000_000_000L, out, 0));
        assertEquals(T0 + DEFAULT_TIMEOUT_NS, r.nextDeadlineNs());
        r.expire(T0 + DEFAULT_TIMEOUT_NS - 1);
        assertEquals(2, r.datagramsInProgress());
        r.expire(T0 + DEFAULT_TIMEOUT_NS);
        assertEquals(1, r.datagramsInProgress());
        assertEquals(1, r.timeouts());
        assertEquals(T0 + 5_000_000_000L + DEFAULT_TIMEOUT_NS, r.nextDeadlineNs());
        // The rest of datagram 1 arrives too late: it starts a new reassembly that cannot finish.
        assertEquals(0, r.offer(fragment(1, p, 32, 32, false), T0 + DEFAULT_TIMEOUT_NS, out, 0));
        // Datagram 2 is still on time.
        assertDatagram(r.offer(fragment(2, p, 32, 32, false), T0 + DEFAULT_TIMEOUT_NS, out, 0), p, 2);
    }

    @Test
    void offerExpiresStaleDatagramsFirst() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(0, r.offer(fragment(1, p, 32, 32, false), T0 + DEFAULT_TIMEOUT_NS, out, 0));
        assertEquals(1, r.timeouts());
    }

    @Test
    void whenAllSlotsAreBusyTheNewDatagramIsDropped() {
        Ipv4Reassembler r = new Ipv4Reassembler(new Limits(2, 1 << 16, 65535, DEFAULT_TIMEOUT_NS, 8));
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, p, 0, 32, true), T0, out, 0));
        assertEquals(0, r.offer(fragment(2, p, 0, 32, true), T0, out, 0));
        assertEquals(DROP_TOO_MANY, r.offer(fragment(3, p, 0, 32, true), T0, out, 0));
        assertEquals(1, r.tooManyDatagrams());
        assertDatagram(r.offer(fragment(1, p, 32, 32, false), T0, out, 0), p, 1);
        assertEquals(0, r.offer(fragment(3, p, 0, 32, true), T0, out, 0)); // a slot is free again
    }

    @Test
    void keyIncludesProtocolAndAddresses() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] p = payload(64);
        assertEquals(0, r.offer(fragment(1, Ipv4Packet.PROTOCOL_UDP, p, 0, 32, true), T0, out, 0));
        assertEquals(0, r.offer(fragment(1, Ipv4Packet.PROTOCOL_TCP, p, 32, 32, false), T0, out, 0));
        assertEquals(2, r.datagramsInProgress());
    }

    @Test
    void tooManyFragmentsDropsTheDatagram() {
        Ipv4Reassembler r = new Ipv4Reassembler(new Limits(4, 1 << 16, 65535, DEFAULT_TIMEOUT_NS, 4));
        byte[] p = payload(80);
        for (int i = 0; i < 4; i++) assertEquals(0, r.offer(fragment(1, p, i * 8, 8, true), T0, out, 0));
        assertEquals(DROP_TOO_MANY, r.offer(fragment(1, p, 32, 48, false), T0, out, 0));
        assertEquals(1, r.tooManyFragments());
        assertEquals(0, r.datagramsInProgress());
        assertEquals(0, r.bufferedBytes());
    }

    @Test
    void exhaustedBufferDropsTheDatagramThatNeedsMore() {
        Ipv4Reassembler r = new Ipv4Reassembler(new Limits(4, 2 * CHUNK_LENGTH, 65535, DEFAULT_TIMEOUT_NS, 64));
        byte[] p = payload(3 * CHUNK_LENGTH);
        assertEquals(0, r.offer(fragment(1, p, 0, 1480, true), T0, out, 0));
        assertEquals(0, r.offer(fragment(2, p, 0, 1480, true), T0, out, 0));
        assertEquals(2 * CHUNK_LENGTH, r.bufferedBytes());
        assertEquals(DROP_NO_BUFFER, r.offer(fragment(2, p, 2960, 1480, true), T0, out, 0));
        assertEquals(1, r.noBuffer());
        assertEquals(CHUNK_LENGTH, r.bufferedBytes());
        assertDatagram(r.offer(fragment(1, p, 1480, 8, false), T0, out, 0), java.util.Arrays.copyOf(p, 1488), 1);
        assertEquals(0, r.bufferedBytes());
    }

    @Test
    void outputWrittenAtTheGivenOffset() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        ByteBuffer frame = HexFixtures.filledA5(14 + 3028 + 1);
        r.offer(captured(1), T0, frame, 14);
        r.offer(captured(2), T0, frame, 14);
        assertEquals(3028, r.offer(captured(3), T0, frame, 14));
        assertEquals((byte) 0xA5, frame.get(13));
        assertEquals((byte) 0xA5, frame.get(14 + 3028));
        assertTrue(new Ipv4Packet().wrap(frame, 14, 3028).verifyChecksum());
        Ipv4Reassembler tooLate = new Ipv4Reassembler();
        tooLate.offer(captured(1), T0, frame, 200);
        tooLate.offer(captured(2), T0, frame, 200);
        assertEquals(DROP_NO_BUFFER, tooLate.offer(captured(3), T0, frame, 200)); // 200 + 3028 > capacity
        assertEquals(0, tooLate.datagramsInProgress());
    }

    @Test
    void steadyStateAllocatesNothing() {
        Ipv4Reassembler r = new Ipv4Reassembler();
        List<Ipv4Packet> fragments = new ArrayList<>(List.of(captured(1), captured(2), captured(3)));
        for (int i = 0; i < 2_000; i++) for (Ipv4Packet f : fragments) r.offer(f, T0 + i, out, 0);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        int total = 0;
        for (int i = 0; i < 10_000; i++) {
            total += r.offer(fragments.get(0), T0 + i, out, 0);
            total += r.offer(fragments.get(2), T0 + i, out, 0);
            total += r.offer(fragments.get(1), T0 + i, out, 0);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(10_000 * 3028, total);
        assertEquals(0, allocated, "bytes allocated over 30,000 fragments");
    }
}
