package dev.jslirp.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A tap device (linux/if_tun.h): a descriptor that reads and writes whole Ethernet frames,
 * one per read/write, without a packet-info header (IFF_NO_PI).
 *
 * <p>Opened in the current thread's network namespace (use {@link Namespaces#runInNetns} to
 * create it inside another one); the descriptor then works from any thread. Start-up only:
 * failures throw {@link NativeException}.
 */
public final class Tap implements AutoCloseable {
    public static final int IFF_TUN = Abi.IFF_TUN, IFF_TAP = Abi.IFF_TAP, IFF_NO_PI = Abi.IFF_NO_PI,
            IFF_VNET_HDR = Abi.IFF_VNET_HDR, IFF_MULTI_QUEUE = Abi.IFF_MULTI_QUEUE;
    public static final int TUN_F_CSUM = Abi.TUN_F_CSUM, TUN_F_TSO4 = Abi.TUN_F_TSO4,
            TUN_F_TSO6 = Abi.TUN_F_TSO6, TUN_F_TSO_ECN = Abi.TUN_F_TSO_ECN,
            TUN_F_UFO = Abi.TUN_F_UFO, TUN_F_USO4 = Abi.TUN_F_USO4, TUN_F_USO6 = Abi.TUN_F_USO6;

    private final int fd;
    private final String name;

    private Tap(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * The kernel's rule for an interface name (dev_valid_name): 1..15 bytes, not "." or "..",
     * no '/', ':' or white space. Checked before anything is set up, so a bad name is a usage
     * error naming the rule rather than TUNSETIFF's EINVAL.
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkName(String name) {
        if (name.isEmpty() || name.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must be 1.." + (Abi.IFNAMSIZ - 1) + " characters: '" + name + "'");
        }
        if (name.equals(".") || name.equals("..")) throw new IllegalArgumentException("interface name cannot be '" + name + "'");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name '" + name + "' has a character the kernel refuses ('/', ':', space or non-ASCII)");
            }
        }
    }

    /**
     * Opens /dev/net/tun and attaches to (or creates) the tap named {@code name}
     * ("" lets the kernel pick tapN). Non-blocking and close-on-exec.
     * @param vnetHeader adds IFF_VNET_HDR: every frame is preceded by a virtio_net_hdr.
     */
    public static Tap open(String name, boolean vnetHeader) {
        if (!name.isEmpty()) checkName(name);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        int fd = NativeException.check("open " + Abi.TUN_DEVICE,
                Sys.open(Abi.TUN_DEVICE, Abi.O_RDWR | Abi.O_NONBLOCK | Abi.O_CLOEXEC));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = arena.allocate(Abi.IFREQ_LENGTH, 8);
            MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, bytes.length);
            int flags = Abi.IFF_TAP | Abi.IFF_NO_PI | (vnetHeader ? Abi.IFF_VNET_HDR : 0);
            ifr.set(Native.SHORT, Abi.IFR_UNION_OFFSET, (short) flags);
            int r = Sys.ioctl(fd, Abi.TUNSETIFF, ifr.address());
            if (r < 0) {
                Sys.close(fd);
                throw new NativeException("TUNSETIFF " + (name.isEmpty() ? "(any)" : name), -r);
            }
            return new Tap(fd, ifr.getString(0));
        }
    }

    /** TUNSETVNETHDRSZ: 10 (legacy), 12 (mergeable buffers / virtio 1.0) bytes. */
    public void setVnetHeaderSize(int size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Native.INT);
            v.set(Native.INT, 0, size);
            NativeException.check("TUNSETVNETHDRSZ " + name, Sys.ioctl(fd, Abi.TUNSETVNETHDRSZ, v.address()));
        }
    }

    /** TUNSETOFFLOAD: which offloads we accept from the kernel (TUN_F_*); needs a vnet header. */
    public void setOffload(int tunFlags) {
        NativeException.check("TUNSETOFFLOAD " + name, Sys.ioctl(fd, Abi.TUNSETOFFLOAD, tunFlags & 0xffffffffL));
    }

    public int fd() {
        return fd;
    }

    /** The interface name the kernel gave us. */
    public String name() {
        return name;
    }

    /** Closes the descriptor; a non-persistent tap disappears with it. */
    @Override
    public void close() {
        Sys.close(fd);
    }

    @Override
    public String toString() {
        return "tap " + name + " fd " + fd;
    }
}
