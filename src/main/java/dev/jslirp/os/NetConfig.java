package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Interface configuration through the classic ioctls on an AF_INET datagram socket
 * (netdevice(7), route(4) style SIOCADDRT), enough for slirp4netns-style set-up of the tap in
 * the namespace: link up, MTU, MAC, one IPv4 address, a default route. Acts on the calling
 * thread's network namespace, so call it from {@link Namespaces#runInNetns}, and use an
 * instance on the thread that made it (its socket lives in that thread's namespace).
 * Start-up only: failures throw {@link NativeException}.
 */
public final class NetConfig implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ifr = arena.allocate(Abi.IFREQ_LENGTH, 8);

    public NetConfig() {
        fd = NativeException.check("socket for interface ioctls",
                Sockets.socket(Abi.AF_INET, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0));
    }

    private MemorySegment ifreq(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= Abi.IFNAMSIZ) throw new IllegalArgumentException("bad interface name: " + name);
        ifr.fill((byte) 0);
        MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return ifr;
    }

    private void ioctl(String what, long request, MemorySegment arg) {
        NativeException.check(what, Sys.ioctl(fd, request, arg.address()));
    }

    private static void putSockaddrIn(MemorySegment m, long offset, int addr) {
        m.set(Native.SHORT, offset + Abi.SIN_FAMILY_OFFSET, (short) Abi.AF_INET);
        m.set(Native.SHORT_BE, offset + Abi.SIN_PORT_OFFSET, (short) 0);
        m.set(Native.INT_BE, offset + Abi.SIN_ADDR_OFFSET, addr);
    }

    /** Sets IFF_UP (read-modify-write of the flags). */
    public void setUp(String name) {
        ioctl("SIOCGIFFLAGS " + name, Abi.SIOCGIFFLAGS, ifreq(name));
        short flags = ifr.get(Native.SHORT, Abi.IFR_UNION_OFFSET);
        ifr.set(Native.SHORT, Abi.IFR_UNION_OFFSET, (short) (flags | Abi.IFF_UP));
        ioctl("SIOCSIFFLAGS " + name, Abi.SIOCSIFFLAGS, ifr);
    }

    public void setMtu(String name, int mtu) {
        ifreq(name).set(Native.INT, Abi.IFR_UNION_OFFSET, mtu);
        ioctl("SIOCSIFMTU " + name, Abi.SIOCSIFMTU, ifr);
    }

    /** Sets the Ethernet address; {@code mac} holds the 48 bits in its low bytes. */
    public void setMac(String name, long mac) {
        ifreq(name).set(Native.SHORT, Abi.IFR_UNION_OFFSET, (short) Abi.ARPHRD_ETHER);
        for (int i = 0; i < 6; i++) {
            ifr.set(ValueLayout.JAVA_BYTE, Abi.IFR_UNION_OFFSET + 2 + i, (byte) (mac >>> (8 * (5 - i))));
        }
        ioctl("SIOCSIFHWADDR " + name, Abi.SIOCSIFHWADDR, ifr);
    }

    /** Sets the IPv4 address, then the netmask for {@code prefixLength} (the kernel adds the subnet route). */
    public void setAddress(String name, int addr, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix " + prefixLength);
        putSockaddrIn(ifreq(name), Abi.IFR_UNION_OFFSET, addr);
        ioctl("SIOCSIFADDR " + name, Abi.SIOCSIFADDR, ifr);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        putSockaddrIn(ifreq(name), Abi.IFR_UNION_OFFSET, mask);
        ioctl("SIOCSIFNETMASK " + name, Abi.SIOCSIFNETMASK, ifr);
    }

    /** Adds 0.0.0.0/0 via {@code gateway}, bound to {@code device} when it is not null. */
    public void addDefaultRoute(int gateway, String device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rt = a.allocate(Abi.RTENTRY_LENGTH, 8);
            putSockaddrIn(rt, Abi.RT_DST_OFFSET, 0);
            putSockaddrIn(rt, Abi.RT_GATEWAY_OFFSET, gateway);
            putSockaddrIn(rt, Abi.RT_GENMASK_OFFSET, 0);
            rt.set(Native.SHORT, Abi.RT_FLAGS_OFFSET, (short) (Abi.RTF_UP | Abi.RTF_GATEWAY));
            if (device != null) rt.set(Native.LONG, Abi.RT_DEV_OFFSET, a.allocateFrom(device).address());
            ioctl("SIOCADDRT default via gateway", Abi.SIOCADDRT, rt);
        }
    }

    /** Brings up {@code lo}, which a fresh namespace has down. */
    public void setLoopbackUp() {
        setUp("lo");
    }

    @Override
    public void close() {
        Sys.close(fd);
        arena.close();
    }
}
