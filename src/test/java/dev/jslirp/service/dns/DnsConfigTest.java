package dev.jslirp.service.dns;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsConfigTest {
    @Test
    void defaultsMapOurNamesToTheGateway() {
        DnsConfig c = DnsConfig.defaults(0x0A00_0202);
        assertEquals(Map.of("host.jslirp.internal", 0x0A00_0202, "gateway.jslirp.internal", 0x0A00_0202), c.localNames());
        assertFalse(c.restricted());
        assertTrue(c.withRestricted(true).restricted());
    }

    @Test
    void namesAreNormalisedAndValidated() {
        DnsConfig c = new DnsConfig(Map.of("My.Host.", 1), false);
        assertEquals(Map.of("my.host", 1), c.localNames());
        assertThrows(IllegalArgumentException.class, () -> new DnsConfig(Map.of("", 1), false));
        assertThrows(IllegalArgumentException.class, () -> new DnsConfig(Map.of("a..b", 1), false));
        assertThrows(IllegalArgumentException.class, () -> new DnsConfig(Map.of("x".repeat(64) + ".test", 1), false));
        Map<String, Integer> twice = new LinkedHashMap<>();
        twice.put("a.test", 1);
        twice.put("A.TEST.", 2);
        assertThrows(IllegalArgumentException.class, () -> new DnsConfig(twice, false));
    }
}
