package dev.jslirp.service.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import dev.jslirp.wire.Ipv4Address;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DhcpConfigTest {
    static DhcpConfig config(String network, int prefix, String gateway, String dns, String start, int size) {
        return new DhcpConfig(Ipv4Address.parse(network), prefix, Ipv4Address.parse(gateway), Ipv4Address.parse(dns),
                Ipv4Address.parse(start), size, 86400, OptionalInt.empty(), Optional.empty(), List.of());
    }

    @Test
    void defaultsAreLibslirpsNetwork() {
        DhcpConfig c = DhcpConfig.defaults();
        assertEquals("10.0.2.0", Ipv4Address.toString(c.network()));
        assertEquals("255.255.255.0", Ipv4Address.toString(c.netmask()));
        assertEquals("10.0.2.255", Ipv4Address.toString(c.broadcast()));
        assertEquals("10.0.2.15", Ipv4Address.toString(c.dhcpStart()));
        assertEquals(16, c.poolSize());
        assertEquals(86400, c.leaseSeconds());
    }

    @Test
    void rejectsAddressesOutsideTheNetwork() {
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.1", 24, "10.0.2.2", "10.0.2.3", "10.0.2.15", 16));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.3.2", "10.0.2.3", "10.0.2.15", 16));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.255", "10.0.2.15", 16));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.3", "10.0.2.250", 16));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.3", "10.0.2.0", 1));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 31, "10.0.2.0", "10.0.2.1", "10.0.2.1", 1));
    }

    @Test
    void rejectsPoolsOverlappingOurAddresses() {
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.3", "10.0.2.1", 4));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.20", "10.0.2.3", "10.0.2.15", 16));
        assertThrows(IllegalArgumentException.class, () -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.3", "10.0.2.15", 0));
        assertDoesNotThrow(() -> config("10.0.2.0", 24, "10.0.2.2", "10.0.2.3", "10.0.2.4", 251));
    }

    @Test
    void rejectsBadLeaseMtuAndNames() {
        DhcpConfig d = DhcpConfig.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withLeaseSeconds(10));
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.of(67), Optional.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.empty(), Optional.of("bad name"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.empty(), Optional.empty(), List.of("a..b")));
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.empty(), Optional.empty(), List.of("x".repeat(64) + ".org")));
        String label = "a".repeat(60);
        List<String> longList = List.of(label + ".one", label + ".two", label + ".three", label + ".four");
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.empty(), Optional.empty(), longList));
        // a long domain name plus a long search list would push replies past 576 bytes
        String longName = String.join(".", label, label, label);
        List<String> list = List.of(String.join(".", label, label));
        assertThrows(IllegalArgumentException.class, () -> d.withNames(OptionalInt.empty(), Optional.of(longName), list));
    }

    @Test
    void largestAcceptedConfigFitsIn548Bytes() {
        String label = "a".repeat(60);
        DhcpConfig c = DhcpConfig.defaults().withNames(OptionalInt.of(9000), Optional.of(label + "." + label),
                List.of(label + "." + label + ".x"));
        DhcpServer s = new DhcpServer(c);
        var reply = java.nio.ByteBuffer.allocate(DhcpServer.MAX_REPLY_LENGTH);
        byte[] discover = DhcpServerTest.fixture("dhcp-udhcpc-discover.hex");
        int n = s.handle(java.nio.ByteBuffer.wrap(discover), 0, discover.length, DhcpServerTest.MAC, reply, 0, 0);
        assertTrue(n > 300 && n <= 548, "reply length " + n);
    }

    @Test
    void searchListEncodingFollowsRfc3397() {
        // RFC 3397 §3 example, without the optional compression: eng.apple.com., marketing.apple.com.
        byte[] b = DomainSearchOption.encode(List.of("eng.apple.com.", "marketing.apple.com"));
        assertEquals("03656e67056170706c6503636f6d00" + "096d61726b6574696e67056170706c6503636f6d00", HexFormat.of().formatHex(b));
    }

    @Test
    void searchListIsCopied() {
        var list = new java.util.ArrayList<>(List.of("a.test"));
        DhcpConfig c = DhcpConfig.defaults().withNames(OptionalInt.empty(), Optional.empty(), list);
        list.add("b.test");
        assertEquals(List.of("a.test"), c.searchDomains());
    }
}
