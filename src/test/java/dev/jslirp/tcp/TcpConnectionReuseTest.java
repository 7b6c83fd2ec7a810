package dev.jslirp.tcp;

import static dev.jslirp.tcp.TcpHarness.GUEST_ADDR;
import static dev.jslirp.tcp.TcpHarness.GUEST_PORT;
import static dev.jslirp.tcp.TcpHarness.IRS;
import static dev.jslirp.tcp.TcpHarness.ISS;
import static dev.jslirp.tcp.TcpHarness.PEER_ADDR;
import static dev.jslirp.tcp.TcpHarness.PEER_PORT;
import static dev.jslirp.tcp.TcpHarness.bytes;
import static dev.jslirp.wire.TcpSegment.ACK;
import static dev.jslirp.wire.TcpSegment.FIN;
import static dev.jslirp.wire.TcpSegment.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A connection object reused for a new flow ({@link TcpConnection#reopen}) is, field by
 * field, a newly constructed one: nothing of the old flow survives, whatever state it had.
 */
class TcpConnectionReuseTest {
    /** Our own parts, compared field by field; every other reference must be the very same object. */
    private static final java.util.Set<Class<?>> PARTS = java.util.Set.of(SendBuffer.class, ReceiveBuffer.class, RetransmitTimer.class);

    /** A full life: handshake, data both ways, the host closes first, TIME-WAIT. */
    private static TcpHarness livedAndClosed() {
        TcpHarness h = new TcpHarness().established();
        h.send(GuestSeg.ack(IRS + 1, ISS + 1).plus(PSH).withData(bytes(3000, 1)));
        h.expectAck(ISS + 1, IRS + 3001);
        h.hostSends(bytes(5000, 2));
        while (h.sink.segments.poll() != null) { }
        h.send(GuestSeg.ack(IRS + 3001, ISS + 5001));
        h.hostEof();
        h.expect(FIN | ACK, ISS + 5001, IRS + 3001);
        h.send(GuestSeg.ack(IRS + 3001, ISS + 5002).plus(FIN));
        h.expectAck(ISS + 5002, IRS + 3002);
        assertEquals(TcpState.TIME_WAIT, h.conn.state());
        return h;
    }

    @Test
    void aReopenedConnectionIsFieldForFieldANewOne() throws Exception {
        TcpHarness h = livedAndClosed();
        // Whatever a state machine left behind, including states this life did not reach.
        scramble(h.conn, new SplittableRandom(7));
        h.conn.releaseBuffers();
        h.conn.reopen(GUEST_ADDR + 1, GUEST_PORT + 1, PEER_ADDR + 1, PEER_PORT + 1);
        TcpConnection fresh = new TcpConnection(h.config, h.sink, h.host, h.scratch,
                GUEST_ADDR + 1, GUEST_PORT + 1, PEER_ADDR + 1, PEER_PORT + 1);
        assertSameState(fresh, h.conn, "TcpConnection");
    }

    @Test
    void aReopenedConnectionCarriesANewFlowByteExact() {
        TcpHarness h = livedAndClosed();
        h.conn.releaseBuffers();
        h.host.reopen();
        h.conn.reopen(GUEST_ADDR, GUEST_PORT, PEER_ADDR, PEER_PORT);
        h.iss = ISS + 1_000_000;
        h.irs = IRS + 2_000_000;
        h.established();
        int irs = h.irs, iss = h.iss;
        h.send(GuestSeg.ack(irs + 1, iss + 1).plus(PSH).withData(bytes(2000, 5)));
        h.expectAck(iss + 1, irs + 2001);
        assertArrayEquals(bytes(2000, 5), h.host.toHost.takeAll());
        assertEquals(2000, h.conn.bytesFromGuest(), "counters start again from zero");
        h.hostSends(bytes(1000, 6));
        Seg s = h.expect(ACK | PSH, iss + 1, irs + 2001);
        assertArrayEquals(bytes(1000, 6), s.data());
    }

    /** Every non-final primitive or enum field of the connection gets a random value. */
    private static void scramble(Object o, SplittableRandom random) throws IllegalAccessException {
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) continue;
            f.setAccessible(true);
            Class<?> t = f.getType();
            if (t == int.class) f.setInt(o, random.nextInt());
            else if (t == long.class) f.setLong(o, random.nextLong());
            else if (t == boolean.class) f.setBoolean(o, !f.getBoolean(o));
            else if (t.isEnum()) f.set(o, t.getEnumConstants()[random.nextInt(t.getEnumConstants().length)]);
        }
    }

    private static void assertSameState(Object expected, Object actual, String path) throws IllegalAccessException {
        int compared = 0;
        for (Field f : expected.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            f.setAccessible(true);
            Object e = f.get(expected), a = f.get(actual);
            String where = path + "." + f.getName();
            compared++;
            if (f.getType().isPrimitive() || f.getType().isEnum()) {
                assertEquals(e, a, where);
            } else if (f.getType() == long[].class) {
                assertArrayEquals((long[]) e, (long[]) a, where);
            } else if (f.getType() == Ring.class) {
                assertEquals(((Ring) e).size, ((Ring) a).size, where + " (size)");
            } else if (PARTS.contains(f.getType())) {
                assertSameState(e, a, where);
            } else {
                assertSame(e, a, where + ": shared parts are the same objects");
            }
        }
        assertTrue(compared > 0, path);
    }
}
