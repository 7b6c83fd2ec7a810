package dev.jslirp.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jslirp.cli.Stack;
import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.flow.EgressPolicy;
import dev.jslirp.flow.Forwarding;
import dev.jslirp.link.MemoryLink;
import dev.jslirp.time.NanoClock;
import dev.jslirp.wire.Ipv4Address;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * slirp4netns's API against a real stack (real host sockets on loopback, a memory link as the
 * guest): forwards bind and close at once, the replies have slirp4netns's shapes, and bad
 * requests get {"error":{"desc":...}} rather than an exception.
 */
class ApiHandlerTest {
    private final ObjectMapper json = new ObjectMapper();
    private Stack stack;
    private ApiHandler api;
    private EgressPolicy policy;

    @BeforeEach
    void setUp() {
        Config.Builder b = Config.builder();
        b.open = true;
        b.guestAddr = Ipv4Address.parse("10.0.2.100");
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, 53);
        Config config = b.build();
        policy = new EgressPolicy();
        stack = new Stack(config, new MemoryLink(1514), NanoClock.SYSTEM, new Forwarding(config, policy, true));
        stack.bindForwards();
        ForwardRegistry forwards = new ForwardRegistry(config, stack.tcp(), stack.udp());
        forwards.registerStartupForwards();
        api = new ApiHandler(config, forwards, new FlowTable(stack.tcp(), stack.udp(), stack.icmp(), stack.counters()), policy);
    }

    @AfterEach
    void tearDown() { stack.close(); }

    private JsonNode call(String request) throws Exception { return json.readTree(api.handle(request, 0)); }

    @Test
    void addListRemoveTakeEffectAtOnce() throws Exception {
        int port = freePort();
        JsonNode added = call("{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"tcp\", \"host_addr\": \"127.0.0.1\", "
                + "\"host_port\": " + port + ", \"guest_port\": 80}}");
        assertEquals(1, added.path("return").path("id").asInt(), added.toString());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertTrue(s.isConnected()); // the listener exists now: the loop has not even turned
        }
        JsonNode list = call("{\"execute\": \"list_hostfwd\"}");
        JsonNode e = list.path("return").path("entries").get(0);
        assertEquals("{\"id\":1,\"proto\":\"tcp\",\"host_addr\":\"127.0.0.1\",\"host_port\":" + port
                + ",\"guest_addr\":\"10.0.2.100\",\"guest_port\":80}", e.toString());

        assertEquals("{\"return\":{}}", call("{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":1}}").toString());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            throw new AssertionError("still listening on " + port);
        } catch (ConnectException expected) {
            // closed at once
        }
        assertEquals(0, call("{\"execute\": \"list_hostfwd\"}").path("return").path("entries").size());
    }

    @Test
    void udpForwardAndIdsKeepCounting() throws Exception {
        JsonNode a = call("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\",\"host_port\":0,\"guest_port\":53}}");
        JsonNode b = call("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\",\"host_port\":0,\"guest_port\":54}}");
        assertEquals(1, a.path("return").path("id").asInt());
        assertEquals(2, b.path("return").path("id").asInt());
        JsonNode entries = call("{\"execute\":\"list_hostfwd\"}").path("return").path("entries");
        assertTrue(entries.get(0).path("host_port").asInt() > 0, "bound port reported: " + entries);
    }

    @Test
    void errorsHaveSlirp4netnsShape() throws Exception {
        for (String bad : new String[] {"not json", "{}", "{\"execute\":\"frobnicate\"}",
                "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"sctp\",\"host_port\":1,\"guest_port\":1}}",
                "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_port\":70000,\"guest_port\":1}}",
                "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_addr\":\"x\",\"host_port\":1,\"guest_port\":1}}",
                "{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":99}}",
                "{\"execute\":\"set_policy\",\"arguments\":{\"allow\":[\"tcp:nope\"]}}",
                "{\"execute\":\"set_policy\",\"arguments\":{\"allow\":\"\"}}",
                "{\"execute\":\"set_policy\",\"arguments\":{\"allow\":[\"tcp:name=..\"]}}",
                "{\"execute\":\"set_policy\",\"arguments\":{\"open\":true,\"allow\":[\"tcp:198.51.100.1\"]}}",
                "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_port\":0,\"guest_port\":0}}"}) {
            JsonNode r = call(bad);
            assertTrue(r.path("error").path("desc").isTextual(), bad + " -> " + r);
        }
        int port = freePort();
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            JsonNode r = call("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_addr\":\"127.0.0.1\",\"host_port\":"
                    + port + ",\"guest_port\":1}}");
            assertTrue(r.path("error").path("desc").asText().contains("Address already in use"), r.toString());
        }
        // The guest end must be the guest, as on the command line: not outside the virtual
        // network, not jslirp's own gateway address.
        for (String guest : new String[] {"192.0.2.1", "10.0.2.2"}) {
            JsonNode r = call("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\",\"host_addr\":\"127.0.0.1\",\"host_port\":0,"
                    + "\"guest_addr\":\"" + guest + "\",\"guest_port\":80}}");
            assertTrue(r.path("error").path("desc").asText().contains("hostfwd rule"), guest + " -> " + r);
        }
    }

    @Test
    void policyGetAndSet() throws Exception {
        assertEquals("open", call("{\"execute\":\"get_policy\"}").path("return").path("mode").asText());
        JsonNode set = call("{\"execute\":\"set_policy\",\"arguments\":{\"allow\":[\"tcp:198.51.100.0/24:443\"]}}");
        assertEquals("allowlist", set.path("return").path("mode").asText(), set.toString());
        assertTrue(policy.enabled());
        assertEquals("tcp:198.51.100.0/24:443", set.path("return").path("allow").get(0).asText());
        call("{\"execute\":\"set_policy\",\"arguments\":{\"open\":true}}");
        assertTrue(!policy.enabled());
    }

    @Test
    void countersAndFlows() throws Exception {
        JsonNode c = call("{\"execute\":\"get_counters\"}").path("return");
        assertTrue(c.path("interface").has("framesFromGuest"), c.toString());
        assertTrue(c.path("flows").has("udp"), c.toString());
        assertEquals(0, call("{\"execute\":\"list_flows\"}").path("return").path("flows").size());
        String prom = Metrics.render(new FlowTable(stack.tcp(), stack.udp(), stack.icmp(), stack.counters()).counters());
        assertTrue(prom.contains("jslirp_frames_total{direction=\"from_guest\"} 0\n"), prom);
        assertTrue(prom.contains("jslirp_drops_total{reason=\"dropTcpDenied\"} 0\n"), prom);
        assertTrue(prom.contains("jslirp_flows{protocol=\"udp\",state=\"active\"} 0\n"), prom);
    }

    @Test
    void theLinksOwnCountersAreReported(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.jslirp.link.PcapLink capture = dev.jslirp.link.PcapLink.open(new MemoryLink(1514), dir.resolve("c.pcap").toString());
        try {
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocateDirect(60);
            capture.send(frame, 0, 60);
            FlowTable table = new FlowTable(stack.tcp(), stack.udp(), stack.icmp(), stack.counters(), null, capture);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Long> link = (java.util.Map<String, Long>) table.counters().get("link");
            assertEquals(1L, link.get("pcap_frames_written"), link.toString());
            assertTrue(Metrics.render(table.counters()).contains("jslirp_link_total{name=\"pcap_frames_written\"} 1\n"));
        } finally {
            capture.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
