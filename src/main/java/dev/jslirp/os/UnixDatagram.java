package dev.jslirp.os;

import java.nio.ByteBuffer;

/**
 * An AF_UNIX SOCK_DGRAM socket, as QEMU's {@code -netdev dgram} uses: one Ethernet frame per
 * datagram, no framing. Non-blocking and close-on-exec. Creating and binding throws
 * {@link NativeException}; sending and receiving return {@code -errno} and allocate nothing.
 */
public final class UnixDatagram implements AutoCloseable {
    private final int fd;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    /** An unbound socket. */
    public static UnixDatagram open() {
        return new UnixDatagram(NativeException.check("socket(AF_UNIX, SOCK_DGRAM)",
                Sockets.socket(Abi.AF_UNIX, Abi.SOCK_DGRAM | Sockets.NONBLOCK_CLOEXEC, 0)));
    }

    /** A socket bound to {@code path} ('@name' for an abstract name); the file must not exist. */
    public static UnixDatagram bind(String path) {
        UnixDatagram d = open();
        int r = Sockets.bind(d.fd, UnixSockAddr.of(path));
        if (r < 0) {
            d.close();
            throw new NativeException("bind " + path, -r);
        }
        return d;
    }

    /** Sets the default peer: afterwards {@link #send} goes there and only it is received from. */
    public UnixDatagram connect(String path) {
        NativeException.check("connect " + path, Sockets.connect(fd, UnixSockAddr.of(path)));
        return this;
    }

    public int send(ByteBuffer buf, int offset, int length) {
        return Sockets.send(fd, buf, offset, length, Abi.MSG_DONTWAIT | Abi.MSG_NOSIGNAL);
    }

    public int sendTo(ByteBuffer buf, int offset, int length, UnixSockAddr to) {
        return Sockets.sendto(fd, buf, offset, length, Abi.MSG_DONTWAIT | Abi.MSG_NOSIGNAL, to);
    }

    /** Receives one datagram; with a too-small buffer the rest is lost and the real length returned. */
    public int receive(ByteBuffer buf, int offset, int length) {
        return Sockets.recv(fd, buf, offset, length, Abi.MSG_DONTWAIT | Abi.MSG_TRUNC);
    }

    /** Receives one datagram and its sender's address. */
    public int receiveFrom(ByteBuffer buf, int offset, int length, UnixSockAddr from) {
        return Sockets.recvfrom(fd, buf, offset, length, Abi.MSG_DONTWAIT | Abi.MSG_TRUNC, from);
    }

    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        Sys.close(fd);
    }
}
