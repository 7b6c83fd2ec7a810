package dev.jslirp.cli;

import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.link.Link;
import dev.jslirp.time.NanoClock;
import dev.jslirp.wire.Ipv4Address;

/** A real Stack (epoll loop, host sockets) over a test link, stepped one turn at a time. */
public final class StackForTests implements AutoCloseable {
    private final Stack stack;
    private final Link link;
    private final java.nio.ByteBuffer rx = java.nio.ByteBuffer.allocateDirect(65536);

    private StackForTests(Stack stack, Link link) {
        this.stack = stack;
        this.link = link;
    }

    /** Open mode, DNS upstream on a loopback port nobody uses, no forwards. */
    public static StackForTests open(Link link) {
        return open(link, dev.jslirp.config.Limits.DEFAULT);
    }

    /** As {@link #open(Link)}, with these limits. */
    public static StackForTests open(Link link, dev.jslirp.config.Limits limits) {
        Config.Builder b = Config.builder();
        b.limits = limits;
        b.open = true;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 9);
        Stack stack = new Stack(b.build(), link, NanoClock.SYSTEM);
        stack.bindForwards();
        return new StackForTests(stack, link);
    }

    public Stack stack() { return stack; }

    /**
     * Delivers what the link holds (a MemoryLink has no descriptor for the loop to wait on),
     * then serves ready sockets and due timers without waiting.
     */
    public void turn() {
        long nowNs = stack.loop().clock().nanoTime();
        for (int n; (n = link.receive(rx, 0, rx.capacity())) > 0; ) {
            stack.iface().receive(rx, 0, n, nowNs);
        }
        stack.loop().poll();
    }

    @Override
    public void close() { stack.close(); }
}
