package dev.jslirp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whole Ethernet frames (ARP, IPv4 with options and fragments, ICMP, UDP incl. DHCP and DNS,
 * TCP handshakes and data) into the whole stack. See {@link FuzzStack} for the input format and
 * why nothing can reach beyond loopback. The property: no exception escapes the interface, and
 * no event-loop handler or timer fails.
 */
class FrameFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void frames(byte[] input) {
        try (FuzzStack s = new FuzzStack()) {
            s.feed(input);
            assertEquals(0, s.stack.loop().handlerFailures, "an event-loop handler or timer threw");
        }
    }
}
