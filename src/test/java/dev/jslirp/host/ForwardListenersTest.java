package dev.jslirp.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.config.HostForward;
import dev.jslirp.os.Sockets;
import dev.jslirp.time.ManualClock;
import dev.jslirp.wire.Ipv4Address;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A paused forward listener is not served while a connection waits on it (so a listener that
 * accept() cannot serve for want of descriptors does not spin the loop), and listens again
 * once its pause is over.
 */
class ForwardListenersTest {
    @Test
    void aPausedListenerIsNotServedUntilItsPauseIsOver() throws Exception {
        ManualClock clock = new ManualClock(1_000_000_000L);
        try (EventLoop loop = new EventLoop(clock)) {
            List<Integer> served = new ArrayList<>();
            int kind = Kinds.TCP_LISTENER;
            loop.handler(kind, (index, events, nowNs) -> served.add(index));
            ForwardListeners listeners = new ForwardListeners(loop, Sockets.SOCK_STREAM, kind);
            int index = listeners.add(new HostForward(HostForward.Protocol.TCP, Ipv4Address.LOOPBACK, 0, 0, 80));
            int port = listeners.boundPort(index);
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                loop.poll();
                assertEquals(List.of(index), served, "a waiting connection makes the listener ready");

                long until = clock.nanoTime() + 100_000_000L;
                listeners.pause(index, until);
                assertTrue(listeners.isPaused(index));
                assertEquals(until, listeners.nextResumeNs());
                served.clear();
                for (int i = 0; i < 3; i++) loop.poll();
                assertEquals(List.of(), served, "not served while paused, though still readable");

                listeners.resumeDue(until - 1);
                assertTrue(listeners.isPaused(index));
                listeners.resumeDue(until);
                assertFalse(listeners.isPaused(index));
                assertEquals(Long.MAX_VALUE, listeners.nextResumeNs());
                loop.poll();
                assertEquals(List.of(index), served, "served again once the pause is over");
            } finally {
                listeners.closeAll();
            }
        }
    }

    @Test
    void removingAPausedListenerClosesIt() {
        try (EventLoop loop = new EventLoop(new ManualClock(0))) {
            ForwardListeners listeners = new ForwardListeners(loop, Sockets.SOCK_STREAM, Kinds.TCP_LISTENER);
            int index = listeners.add(new HostForward(HostForward.Protocol.TCP, Ipv4Address.LOOPBACK, 0, 0, 80));
            listeners.pause(index, 5);
            assertTrue(listeners.remove(index));
            assertFalse(listeners.isOpen(index));
            assertFalse(listeners.isPaused(index));
            listeners.resumeDue(10); // nothing to resume, and no failure
        }
    }
}
