package dev.jslirp.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jslirp.config.Config;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.wire.Ipv4Address;
import dev.jslirp.wire.Ipv4Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NAT as a table: mode, loopback switch, protocol, destination → target or DENIED. */
class ForwardingTest {
    private static final int TCP = Ipv4Packet.PROTOCOL_TCP, UDP = Ipv4Packet.PROTOCOL_UDP, ICMP = Ipv4Packet.PROTOCOL_ICMP;

    @ParameterizedTest(name = "{0} loopback={1} proto={2} {3}:{4} -> {5}")
    @CsvSource({
            // open, host loopback on
            "open,       true,  6,  10.0.2.2,     8080, 127.0.0.1:8080",
            "open,       true,  17, 10.0.2.2,     5353, 127.0.0.1:5353",
            "open,       true,  6,  10.0.2.3,     53,   127.0.0.53:5300",
            "open,       true,  17, 10.0.2.3,     53,   127.0.0.53:5300",
            "open,       true,  17, 10.0.2.3,     54,   DENIED",
            "open,       true,  1,  10.0.2.3,     0,    DENIED",
            "open,       true,  6,  10.0.2.77,    80,   DENIED",
            "open,       true,  6,  198.51.100.2, 80,   198.51.100.2:80",
            "open,       true,  1,  198.51.100.2, 0,    198.51.100.2:0",
            "open,       true,  6,  127.0.0.1,    22,   DENIED",
            "open,       true,  17, 224.0.0.251,  5353, DENIED",
            "open,       true,  17, 255.255.255.255, 67, DENIED",
            "open,       true,  6,  0.1.2.3,      80,   DENIED",
            // open, host loopback off
            "open,       false, 6,  10.0.2.2,     8080, DENIED",
            "open,       false, 17, 10.0.2.3,     53,   127.0.0.53:5300",
            "open,       false, 6,  198.51.100.2, 80,   198.51.100.2:80",
            // restricted: nothing leaves, whatever the address
            "restricted, true,  6,  10.0.2.2,     8080, DENIED",
            "restricted, true,  17, 10.0.2.3,     53,   DENIED",
            "restricted, true,  6,  198.51.100.2, 80,   DENIED",
            "restricted, true,  1,  198.51.100.2, 0,    DENIED",
    })
    void target(String mode, boolean hostLoopback, int protocol, String addr, int port, String expected) {
        Config.Builder b = Config.builder();
        b.open = mode.equals("open");
        b.hostLoopback = hostLoopback;
        b.dnsUpstream = new SocketAddressV4(Ipv4Address.parse("127.0.0.53"), 5300);
        long target = new Forwarding(b.build()).target(protocol, Ipv4Address.parse(addr), port);
        String actual = target == Forwarding.DENIED ? "DENIED"
                : Ipv4Address.toString(Forwarding.addrOf(target)) + ":" + Forwarding.portOf(target);
        assertEquals(expected, actual);
    }
}
