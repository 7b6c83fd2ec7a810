package dev.jslirp.service.dhcp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jslirp.wire.DhcpMessage;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.MacAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real DHCP clients (busybox udhcpc, ISC dhclient) get their address from {@link DhcpServer}.
 *
 * <p>Two network namespaces joined by a veth pair: the client runs in one; in the other, a UDP
 * socket on port 67 stands in for jslirp's interface layer. The socket is created by a thread
 * that first joins that namespace with setns(2) (a socket stays in the namespace it was made in).
 * Like the interface layer, the relay sends a unicast reply to yiaddr at chaddr without ARP: here
 * by installing a neighbour entry first, since a kernel socket cannot address a frame itself.
 * Needs root, iproute2, udhcpc and dhclient; tagged e2e.
 */
@Tag("e2e")
class DhcpRealClientsE2eTest {
    static final String SERVER_NS = "jsl-dhcp-e2e-srv", CLIENT_NS = "jsl-dhcp-e2e-cli";
    static final String SERVER_IF = "jsldsrv0", CLIENT_IF = "jsldcli0";
    static final long CLIENT_MAC = 0x5254_0012_3456L;
    static Path tmp;

    @BeforeAll
    static void createNamespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/udhcpc")) || Files.isExecutable(Path.of("/sbin/udhcpc")), "needs udhcpc");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dhclient")) || Files.isExecutable(Path.of("/sbin/dhclient")), "needs dhclient");
        deleteNamespaces();
        run("ip", "netns", "add", SERVER_NS);
        run("ip", "netns", "add", CLIENT_NS);
        run("ip", "link", "add", SERVER_IF, "type", "veth", "peer", "name", CLIENT_IF);
        run("ip", "link", "set", SERVER_IF, "netns", SERVER_NS);
        run("ip", "link", "set", CLIENT_IF, "netns", CLIENT_NS);
        run("ip", "-n", SERVER_NS, "addr", "add", "10.0.2.2/24", "dev", SERVER_IF);
        run("ip", "-n", SERVER_NS, "link", "set", SERVER_IF, "up");
        // limited broadcast needs a route out of the veth
        run("ip", "-n", SERVER_NS, "route", "add", "255.255.255.255/32", "dev", SERVER_IF);
        run("ip", "-n", CLIENT_NS, "link", "set", CLIENT_IF, "address", MacAddress.toString(CLIENT_MAC));
        run("ip", "-n", CLIENT_NS, "link", "set", CLIENT_IF, "up");
        tmp = Files.createTempDirectory("jslirp-dhcp-e2e");
    }

    @AfterAll
    static void deleteNamespaces() throws Exception {
        runQuietly("ip", "netns", "del", SERVER_NS);
        runQuietly("ip", "netns", "del", CLIENT_NS);
        if (tmp != null) runQuietly("rm", "-rf", tmp.toString());
    }

    @Test
    void udhcpcGetsALease() throws Exception {
        Path script = script("udhcpc.sh", "#!/bin/sh\n[ \"$1\" = bound ] && echo \"BOUND $ip $mask $router $dns $lease\" >> " + tmp.resolve("udhcpc.out") + "\nexit 0\n");
        String out = exchange(List.of("ip", "netns", "exec", CLIENT_NS, "udhcpc", "-f", "-q", "-n", "-t", "3", "-T", "2",
                "-i", CLIENT_IF, "-s", script.toString()), "obtained");
        assertTrue(out.contains("lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400"), out);
        String bound = Files.readString(tmp.resolve("udhcpc.out"));
        assertEquals("BOUND 10.0.2.15 24 10.0.2.2 10.0.2.3 86400", bound.strip());
    }

    @Test
    void dhclientGetsALease() throws Exception {
        Path script = script("dhclient.sh", "#!/bin/sh\necho \"$reason $new_ip_address $new_subnet_mask $new_routers $new_domain_name_servers $new_dhcp_lease_time\" >> "
                + tmp.resolve("dhclient.out") + "\nexit 0\n");
        List<String> dhclient = List.of("ip", "netns", "exec", CLIENT_NS, "dhclient", "-d", "-v", "-1",
                "-lf", tmp.resolve("dhclient.leases").toString(), "-pf", tmp.resolve("dhclient.pid").toString(),
                "-sf", script.toString(), CLIENT_IF);
        String out = exchange(dhclient, "bound to");
        assertTrue(out.contains("DHCPOFFER of 10.0.2.15 from 10.0.2.2"), out);
        assertTrue(out.contains("DHCPACK of 10.0.2.15 from 10.0.2.2"), out);
        assertTrue(Files.readString(tmp.resolve("dhclient.out")).contains("BOUND 10.0.2.15 255.255.255.0 10.0.2.2 10.0.2.3 86400"));
        // Restarted with its lease file against a fresh server (jslirp restarted): INIT-REBOOT, no DISCOVER
        String again = exchange(dhclient, "bound to");
        assertFalse(again.contains("DHCPDISCOVER"), again);
        assertTrue(again.contains("DHCPACK of 10.0.2.15 from 10.0.2.2"), again);
        assertTrue(Files.readString(tmp.resolve("dhclient.out")).contains("REBOOT 10.0.2.15"));
    }

    /** Runs the client, serving its messages until its output contains {@code done} or 20 s pass; returns the output. */
    private String exchange(List<String> client, String done) throws Exception {
        DhcpServer server = new DhcpServer(DhcpConfig.defaults());
        Path log = tmp.resolve("client-" + System.nanoTime() + ".log");
        try (DatagramChannel channel = channelInNamespace(SERVER_NS); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            Process p = new ProcessBuilder(client).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ByteBuffer request = ByteBuffer.allocate(1500);
                ByteBuffer reply = ByteBuffer.allocate(DhcpServer.MAX_REPLY_LENGTH);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && !Files.readString(log).contains(done)) {
                    selector.select(100);
                    selector.selectedKeys().clear();
                    request.clear();
                    while (channel.receive(request) != null) {
                        DhcpMessage m = new DhcpMessage().wrap(request, 0, request.position());
                        long srcMac = m.checkLength() ? m.chaddrMac() : 0; // a socket can't see the frame's source
                        int n = server.handle(request, 0, request.position(), srcMac, reply, 0, System.nanoTime());
                        if (n > 0) send(channel, server, reply, n);
                        request.clear();
                    }
                }
                return Files.readString(log);
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }
    }

    private static void send(DatagramChannel channel, DhcpServer server, ByteBuffer reply, int n) throws Exception {
        int dst = server.replyDestination(reply, 0, n);
        if (dst != Ipv4Address.BROADCAST) {
            // what the interface layer does by building the frame itself: deliver to chaddr, no ARP
            run("ip", "-n", SERVER_NS, "neigh", "replace", Ipv4Address.toString(dst), "lladdr",
                    MacAddress.toString(server.replyDestinationMac(reply, 0, n)), "dev", SERVER_IF);
        }
        channel.send(reply.duplicate().position(0).limit(n), new InetSocketAddress(Ipv4Address.toInetAddress(dst), 68));
    }

    /** A UDP socket on 0.0.0.0:67 inside {@code namespace}, made by a thread that joined it with setns(2). */
    @SuppressWarnings("restricted") // FFM downcalls; surefire runs with --enable-native-access
    private static DatagramChannel channelInNamespace(String namespace) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Linker linker = Linker.nativeLinker();
                MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                MethodHandle setns = linker.downcallHandle(linker.defaultLookup().find("setns").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                int fd;
                try (Arena arena = Arena.ofConfined()) {
                    fd = (int) open.invokeExact(arena.allocateFrom("/var/run/netns/" + namespace), 0 /* O_RDONLY */);
                }
                if (fd < 0) throw new IOException("open netns failed");
                if ((int) setns.invokeExact(fd, 0x4000_0000 /* CLONE_NEWNET */) != 0) throw new IOException("setns failed");
                DatagramChannel ch = DatagramChannel.open();
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
                ch.bind(new InetSocketAddress(67));
                result.set(ch);
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError("cannot open a socket in " + namespace, e);
        return (DatagramChannel) result.get();
    }

    private static Path script(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.US_ASCII);
        p.toFile().setExecutable(true);
        return p;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static void runQuietly(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }
}
