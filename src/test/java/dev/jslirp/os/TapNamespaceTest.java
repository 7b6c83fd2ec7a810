package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jslirp.wire.ArpPacket;
import dev.jslirp.wire.EthernetFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tap device in a namespace made for the test ({@code ip netns add}), configured through
 * {@link NetConfig}, then driven from the namespace's side with busybox ping: we answer its
 * ARP request and its echo request by writing frames to the tap. Needs root and
 * /dev/net/tun; skipped otherwise.
 */
class TapNamespaceTest {
    private static final int GUEST = 0x0A00020F;   // 10.0.2.15, the namespace's address
    private static final int GATEWAY = 0x0A000202; // 10.0.2.2, "us" on the other side of the tap
    private static final long GUEST_MAC = 0x02_50_00_00_00_0FL;
    private static final long GATEWAY_MAC = 0x02_50_00_00_00_02L;

    private final String netns = "jslirp-os-" + ProcessHandle.current().pid();
    private int nsFd = -1;
    private Tap tap;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(Privileges.geteuid() == 0, "needs root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "needs iproute2");
        run("ip", "netns", "del", netns); // left over from a killed run, if any
        assertEquals("", run("ip", "netns", "add", netns));
        nsFd = Namespaces.open("/run/netns/" + netns);
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (tap != null) tap.close();
        if (nsFd >= 0) Sys.close(nsFd);
        if (Privileges.geteuid() == 0) run("ip", "netns", "del", netns);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private Tap openConfiguredTap() {
        return Namespaces.runInNetns(nsFd, () -> {
            Tap t = Tap.open("tap0", false);
            try (NetConfig config = new NetConfig()) {
                config.setMac(t.name(), GUEST_MAC);
                config.setMtu(t.name(), 1400);
                config.setAddress(t.name(), GUEST, 24);
                config.setUp(t.name());
                config.setLoopbackUp();
                config.addDefaultRoute(GATEWAY, t.name());
            }
            return t;
        });
    }

    @Test
    void tapIsCreatedAndConfiguredInsideTheNamespaceOnly() throws Exception {
        Path self = Path.of("/proc/thread-self/ns/net");
        String before = Files.readSymbolicLink(self).toString();
        tap = openConfiguredTap();
        assertEquals(before, Files.readSymbolicLink(self).toString(), "caller's thread switched namespace");
        assertEquals("tap0", tap.name());
        assertEquals(1, Sys.isNonBlocking(tap.fd()));

        String addr = run("ip", "-n", netns, "addr", "show", "dev", "tap0");
        assertTrue(addr.contains("inet 10.0.2.15/24"), addr);
        assertTrue(addr.contains("link/ether 02:50:00:00:00:0f"), addr);
        assertTrue(addr.contains("mtu 1400"), addr);
        assertTrue(addr.contains("UP"), addr);
        String route = run("ip", "-n", netns, "route");
        assertTrue(route.contains("default via 10.0.2.2 dev tap0"), route);
        assertTrue(route.contains("10.0.2.0/24 dev tap0"), route);
        assertTrue(run("ip", "-n", netns, "link", "show", "lo").contains("UP"));
        assertFalse(run("ip", "link", "show").contains("tap0:"), "tap0 leaked into our namespace");
    }

    @Test
    void pingFromTheNamespaceIsAnsweredThroughTheTap() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs busybox for ping");
        tap = openConfiguredTap();
        Process ping = new ProcessBuilder("ip", "netns", "exec", netns, "/bin/busybox", "ping", "-c1", "-W5", "10.0.2.2")
                .redirectErrorStream(true).start();
        try {
            ByteBuffer frame = ByteBuffer.allocateDirect(2048);
            EthernetFrame eth = new EthernetFrame();
            ArpPacket arp = new ArpPacket();

            // 1. The namespace resolves its gateway: an ARP request for 10.0.2.2.
            int n = readFrame(frame, f -> eth.wrap(f, 0, f.limit()).checkLength()
                    && eth.etherType() == EthernetFrame.ETHERTYPE_ARP);
            arp.wrap(frame, EthernetFrame.HEADER_LENGTH, n - EthernetFrame.HEADER_LENGTH);
            assertTrue(arp.checkLength());
            assertEquals(ArpPacket.OPER_REQUEST, arp.oper());
            assertEquals(GATEWAY, arp.targetIp());
            assertEquals(GUEST, arp.senderIp());
            assertEquals(GUEST_MAC, arp.senderMac());

            // 2. We answer it with a frame written to the tap.
            ByteBuffer reply = ByteBuffer.allocateDirect(64);
            EthernetFrame.emit(reply, 0, GUEST_MAC, GATEWAY_MAC, EthernetFrame.ETHERTYPE_ARP);
            ArpPacket.emit(reply, EthernetFrame.HEADER_LENGTH, ArpPacket.OPER_REPLY, GATEWAY_MAC, GATEWAY, GUEST_MAC, GUEST);
            assertEquals(42, Sys.write(tap.fd(), reply, 0, 42));

            // 3. Now the echo request comes to our MAC; turn it around into an echo reply.
            n = readFrame(frame, f -> eth.wrap(f, 0, f.limit()).checkLength()
                    && eth.etherType() == EthernetFrame.ETHERTYPE_IPV4 && f.get(14 + 9) == 1 && f.get(34) == 8);
            assertEquals(GATEWAY_MAC, eth.dst());
            echoReplyInPlace(frame);
            assertEquals(n, Sys.write(tap.fd(), frame, 0, n));

            assertTrue(ping.waitFor(20, TimeUnit.SECONDS));
            String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, ping.exitValue(), out);
            assertTrue(out.contains("1 packets received"), out);
        } finally {
            ping.destroyForcibly();
        }
    }

    /** Swaps MACs and IPs and makes type 8 a type 0, fixing the ICMP checksum (RFC 1624). */
    private static void echoReplyInPlace(ByteBuffer f) {
        long dst = dev.jslirp.wire.MacAddress.read(f, 0), src = dev.jslirp.wire.MacAddress.read(f, 6);
        dev.jslirp.wire.MacAddress.write(f, 0, src);
        dev.jslirp.wire.MacAddress.write(f, 6, dst);
        int ipSrc = f.getInt(14 + 12), ipDst = f.getInt(14 + 16);
        f.putInt(14 + 12, ipDst);
        f.putInt(14 + 16, ipSrc); // same sum: the IP checksum stays valid
        int ihl = (f.get(14) & 0x0f) * 4;
        int icmp = 14 + ihl;
        f.put(icmp, (byte) 0);
        int sum = (~f.getShort(icmp + 2) & 0xffff) + (~0x0800 & 0xffff); // HC' = ~(~HC + ~m + m'), m' = 0
        sum = (sum & 0xffff) + (sum >>> 16);
        f.putShort(icmp + 2, (short) ~sum);
    }

    /** Reads frames from the tap until one matches (5 s deadline); returns its length. */
    private int readFrame(ByteBuffer frame, java.util.function.Predicate<ByteBuffer> wanted) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            int r = Sys.read(tap.fd(), frame, 0, frame.capacity());
            if (r == -Errno.EAGAIN) {
                Sys.poll(tap.fd(), Sys.POLLIN, 500);
                continue;
            }
            assertTrue(r > 0, () -> "tap read: " + Errno.name(r));
            frame.limit(r);
            boolean match = wanted.test(frame);
            frame.clear();
            if (match) return r;
        }
        return fail("no matching frame on the tap within 5 s");
    }

    @Test
    void vnetHeaderAndOffloadIoctlsAreAccepted() {
        tap = Namespaces.runInNetns(nsFd, () -> {
            Tap t = Tap.open("", true);
            t.setVnetHeaderSize(12);
            t.setOffload(Tap.TUN_F_CSUM | Tap.TUN_F_TSO4 | Tap.TUN_F_TSO6);
            return t;
        });
        assertTrue(tap.name().startsWith("tap"), tap.name());
    }

    @Test
    void enteringANamespaceThatIsNotOneFails() {
        int notNs = Sys.open("/etc/hostname", Sys.O_RDONLY | Sys.O_CLOEXEC);
        try {
            NativeException e = assertThrows(NativeException.class, () -> Namespaces.runInNetns(notNs, () -> 1));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals(List.of(42), Namespaces.runInNetns(nsFd, () -> List.of(42)));
        } finally {
            Sys.close(notNs);
        }
    }
}
