package dev.jslirp.service.dns;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A real dig, on loopback, accepts what {@link DnsLocalResponder} answers. Needs dnsutils; tagged e2e. */
@Tag("e2e")
class DnsLocalResponderDigE2eTest {
    static final int GATEWAY = 0x0A00_0202;

    @Test
    void digGetsTheGatewayForHostJslirpInternal() throws Exception {
        String out = dig(new DnsLocalResponder(DnsConfig.defaults(GATEWAY)), "+noedns", "host.jslirp.internal", "A");
        assertTrue(out.contains("status: NOERROR"), out);
        assertTrue(out.contains("flags: qr aa rd ra;"), out);
        assertTrue(out.matches("(?s).*host\\.jslirp\\.internal\\.\\s+60\\s+IN\\s+A\\s+10\\.0\\.2\\.2.*"), out);
    }

    @Test
    void digGetsNodataForAaaaWithEdns() throws Exception {
        String out = dig(new DnsLocalResponder(DnsConfig.defaults(GATEWAY)), "gateway.jslirp.internal", "AAAA");
        assertTrue(out.contains("status: NOERROR"), out);
        assertTrue(out.contains("ANSWER: 0"), out);
        assertTrue(out.contains("EDNS: version: 0"), out);
    }

    @Test
    void digGetsRefusedInRestrictedMode() throws Exception {
        String out = dig(new DnsLocalResponder(DnsConfig.defaults(GATEWAY).withRestricted(true)), "+noedns", "example.com", "A");
        assertTrue(out.contains("status: REFUSED"), out);
    }

    /** Serves one dig run on 127.0.0.1 (port 0) and returns dig's output. */
    private static String dig(DnsLocalResponder responder, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")), "needs dig (dnsutils)");
        try (DatagramChannel channel = DatagramChannel.open(); Selector selector = Selector.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            List<String> command = new ArrayList<>(List.of("dig", "+tries=1", "+timeout=5", "@127.0.0.1", "-p", Integer.toString(port)));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteBuffer query = ByteBuffer.allocate(1500);
            ByteBuffer reply = ByteBuffer.allocate(1500);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.isAlive() && System.nanoTime() < deadline) {
                selector.select(100);
                selector.selectedKeys().clear();
                query.clear();
                SocketAddress from;
                while ((from = channel.receive(query)) != null) {
                    int n = responder.answer(query, 0, query.position(), reply, 0);
                    if (n > 0) channel.send(reply.duplicate().position(0).limit(n), from);
                    query.clear();
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.SECONDS));
            return out;
        }
    }
}
