package dev.jslirp.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void macRoundTrips() {
        long mac = MacAddress.parse("52:55:0a:00:02:02");
        assertEquals(MacAddress.GATEWAY_DEFAULT, mac);
        assertEquals("52:55:0a:00:02:02", MacAddress.toString(mac));
        ByteBuffer b = HexFixtures.filledA5(8);
        MacAddress.write(b, 1, mac);
        assertEquals(mac, MacAddress.read(b, 1));
        assertEquals((byte) 0xA5, b.get(0));
        assertEquals((byte) 0xA5, b.get(7));
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertFalse(MacAddress.isMulticast(mac));
        assertTrue(MacAddress.isBroadcast(MacAddress.parse("FF:FF:FF:FF:FF:FF")));
    }

    @Test
    void macWithSignsIsRejected() {
        // Integer.parseInt accepts a leading sign: "-1" used to OR 0xFFFF...FF into the address.
        for (String bad : new String[] {"-1:00:00:00:00:00", "+f:00:00:00:00:00", "00:00:00:00:00:-0", "0g:00:00:00:00:00",
                "00:00:00:00:00", "00:00:00:00:00:00:00", "000:00:00:00:00:0", ""}) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
        }
    }

    @Test
    void ipv4RoundTrips() {
        assertEquals(0x0A000202, Ipv4Address.parse("10.0.2.2"));
        assertEquals("255.255.255.255", Ipv4Address.toString(Ipv4Address.parse("255.255.255.255")));
        assertEquals("10.0.2.15", Ipv4Address.toString(0x0A00020F));
        assertTrue(Ipv4Address.inSubnet(0x0A00020F, 0x0A000200, 24));
        assertFalse(Ipv4Address.inSubnet(0x0A00030F, 0x0A000200, 24));
        assertTrue(Ipv4Address.inSubnet(0x01020304, 0, 0));
        assertEquals(0x0A000202, Ipv4Address.fromInetAddress((java.net.Inet4Address) Ipv4Address.toInetAddress(0x0A000202)));
    }

    @Test
    void ipv4WithNonAsciiDigitsIsRejected() {
        // Character.isDigit and Integer.parseInt accept any Unicode digit: "١.٢.٣.٤" parsed as 1.2.3.4.
        for (String bad : new String[] {"\u0661.\u0662.\u0663.\u0664", "10.0.2.\uff11", "10.0.2", "10.0.2.2.", "10.0.2.256",
                "10..2.2", "+1.0.2.2", "1.0.2.2 ", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
        }
    }
}
