package dev.jslirp.link;

import dev.jslirp.os.Errno;
import dev.jslirp.os.NativeException;
import dev.jslirp.os.Sockets;
import dev.jslirp.os.Sys;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a QEMU stream netdev meets us: a unix socket path ({@code addr.type=unix}) or a
 * loopback TCP address ({@code addr.type=inet}). Spelled {@code PATH} or {@code unix:PATH},
 * and {@code tcp:127.0.0.1:PORT}.
 */
public sealed interface StreamEndpoint {
    record Unix(String path) implements StreamEndpoint {
        @Override public String toString() { return path; }
    }

    /** @param port 0 when listening lets the kernel choose */
    record Inet(int addr, int port) implements StreamEndpoint {
        @Override public String toString() { return Ipv4Address.toString(addr) + ":" + port; }
    }

    /** @throws IllegalArgumentException with a one-line reason */
    static StreamEndpoint parse(String spec) {
        if (spec.startsWith("tcp:") || spec.startsWith("inet:")) {
            String rest = spec.substring(spec.indexOf(':') + 1);
            int colon = rest.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException("expected tcp:ADDR:PORT, got '" + spec + "'");
            int addr = Ipv4Address.parse(rest.substring(0, colon));
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in '" + spec + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port in '" + spec + "'");
            // The guest link carries raw frames without authentication: it stays on this host.
            if ((addr >>> 24) != 127) throw new IllegalArgumentException("only loopback addresses (127.0.0.0/8) are allowed: '" + spec + "'");
            return new Inet(addr, port);
        }
        String path = spec.startsWith("unix:") ? spec.substring(5) : spec;
        if (path.isEmpty()) throw new IllegalArgumentException("empty socket path");
        return new Unix(path);
    }

    /** A listening, non-blocking socket; a stale unix socket file left by a previous run is replaced. */
    default int listen() {
        int fd;
        if (this instanceof Inet inet) {
            fd = NativeException.check("socket", Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0));
            Sockets.setsockopt(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            check(fd, "bind " + this, Sockets.bindInet(fd, inet.addr(), inet.port()));
        } else {
            Unix unix = (Unix) this;
            fd = NativeException.check("socket", Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.NONBLOCK_CLOEXEC, 0));
            removeStaleSocket(unix.path());
            check(fd, "bind " + this, Sockets.bindUnix(fd, unix.path()));
        }
        check(fd, "listen " + this, Sockets.listen(fd, 4));
        return fd;
    }

    /** A connected, non-blocking socket (the connect itself blocks: it is start-up). */
    default int connect() {
        if (this instanceof Inet inet) {
            int fd = NativeException.check("socket", Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
            check(fd, "connect " + this, Sockets.connectInet(fd, inet.addr(), inet.port()));
            Sockets.setsockopt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
            Sys.setNonBlocking(fd, true);
            return fd;
        }
        int fd = NativeException.check("socket", Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        check(fd, "connect " + this, Sockets.connectUnix(fd, ((Unix) this).path()));
        Sys.setNonBlocking(fd, true);
        return fd;
    }

    /** The port actually bound (for port 0), or the configured one. */
    default StreamEndpoint bound(int listenFd) {
        if (this instanceof Inet inet && inet.port() == 0) return new Inet(inet.addr(), Sockets.localPort(listenFd));
        return this;
    }

    /** QEMU's {@code -netdev stream} address options for this endpoint. */
    default String qemuAddress() {
        if (this instanceof Inet inet) {
            return "addr.type=inet,addr.host=" + Ipv4Address.toString(inet.addr()) + ",addr.port=" + inet.port();
        }
        return "addr.type=unix,addr.path=" + ((Unix) this).path();
    }

    private static void check(int fd, String what, int result) {
        if (result < 0) {
            Sys.close(fd);
            throw new NativeException(what, -result);
        }
    }

    /** Deletes {@code path} if it is a socket nobody listens on any more; anything else is left alone. */
    private static void removeStaleSocket(String path) {
        if (path.startsWith("@")) return;
        Path p = Path.of(path);
        try {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
            int mode = (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0xF000) != 0xC000) return; // S_IFSOCK
            int probe = Sockets.socket(Sockets.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            int r = Sockets.connectUnix(probe, path);
            Sys.close(probe);
            if (r == -Errno.ECONNREFUSED) Files.delete(p);
        } catch (IOException | UnsupportedOperationException e) {
            // bind() will report the real problem
        }
    }
}
