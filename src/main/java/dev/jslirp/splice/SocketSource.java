package dev.jslirp.splice;

import dev.jslirp.os.Sockets;

/**
 * Where a spliced connection's second socket comes from: a fresh, non-blocking, unconnected
 * IPv4 TCP socket in the network namespace the connection is spliced into.
 */
public interface SocketSource extends AutoCloseable {
    /** @return a socket (the caller owns it), or -errno when none can be had */
    int take();

    @Override
    void close();

    /**
     * Sockets of the calling thread's own namespace (the loop's): for splicing between two
     * sockets of one namespace, as the relay's tests do.
     */
    SocketSource CURRENT_NAMESPACE = new SocketSource() {
        @Override
        public int take() {
            int s = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0);
            if (s >= 0) Sockets.setsockopt(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
            return s;
        }

        @Override
        public void close() { }
    };
}
