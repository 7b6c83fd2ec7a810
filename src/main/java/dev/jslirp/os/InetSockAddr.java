package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable native {@code struct sockaddr_in} (plus its {@code socklen_t}) for calls that
 * take or return an IPv4 address: accept4, getsockname, getpeername, recvfrom, sendto.
 * Addresses are ints whose value reads as the dotted quad (10.0.2.2 == 0x0A000202); the
 * holder converts to network byte order. One holder per thread; it allocates only when made.
 */
public final class InetSockAddr {
    static final int LEN_OFFSET = Abi.SOCKADDR_IN_LENGTH; // socklen_t after the sockaddr
    final MemorySegment segment;
    final long address;

    public InetSockAddr() {
        segment = Arena.ofAuto().allocate(Abi.SOCKADDR_IN_LENGTH + 8, 8);
        address = segment.address();
        set(0, 0);
    }

    public InetSockAddr set(int addr, int port) {
        segment.fill((byte) 0);
        segment.set(Native.SHORT, Abi.SIN_FAMILY_OFFSET, (short) Abi.AF_INET);
        segment.set(Native.SHORT_BE, Abi.SIN_PORT_OFFSET, (short) port);
        segment.set(Native.INT_BE, Abi.SIN_ADDR_OFFSET, addr);
        segment.set(Native.INT, LEN_OFFSET, Abi.SOCKADDR_IN_LENGTH);
        return this;
    }

    /** Prepares the length field before a call that fills the holder. */
    void prepareForResult() {
        segment.set(Native.INT, LEN_OFFSET, Abi.SOCKADDR_IN_LENGTH);
    }

    public int family() {
        return Short.toUnsignedInt(segment.get(Native.SHORT, Abi.SIN_FAMILY_OFFSET));
    }

    public int addr() {
        return segment.get(Native.INT_BE, Abi.SIN_ADDR_OFFSET);
    }

    public int port() {
        return Short.toUnsignedInt(segment.get(Native.SHORT_BE, Abi.SIN_PORT_OFFSET));
    }

    @Override
    public String toString() {
        int a = addr();
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff)
                + ":" + port();
    }
}
