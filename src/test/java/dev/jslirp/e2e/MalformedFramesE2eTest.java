package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.wire.Checksum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes straight into the link: malformed frames are written onto the guest's tap
 * with a packet socket (python3, AF_PACKET) while a real guest uses the network. The
 * backend must stay up, count what it dropped, and keep serving the guest.
 */
@Tag("e2e")
class MalformedFramesE2eTest extends E2eTestBase {
    private static final byte[] GATEWAY_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    private static final int GUEST = 0x0A000264, GATEWAY = 0x0A000202;
    private static final String INJECT = "import socket,sys\n"
            + "s=socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
            + "s.bind(('tap0',0))\n"
            + "n=0\n"
            + "for l in sys.stdin:\n"
            + "  l=l.strip()\n"
            + "  if l:\n"
            + "    try:\n"
            + "      s.send(bytes.fromhex(l)); n+=1\n"
            + "    except OSError as e:\n"
            + "      print('kernel refused', len(l)//2, e)\n"
            + "print('sent', n)\n";

    @Test
    void backendSurvivesMalformedFramesAndStillServesTheGuest() throws IOException {
        HostServers servers = hostServers();
        int echoPort = servers.echo();
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN));
        byte[] guestMac = HexFormat.ofDelimiter(":").parseHex(
                guest.sh(Duration.ofSeconds(5), "cat /sys/class/net/tap0/address").assertOk().stdout().strip());
        List<byte[]> frames = malformedFrames(guestMac);
        Path input = Files.createTempFile("jslirp-malformed", ".hex");
        try {
            StringBuilder sb = new StringBuilder();
            for (byte[] f : frames) sb.append(HexFormat.of().formatHex(f)).append('\n');
            Files.writeString(input, sb);
            ExecResult sent = guest.netns().execWithInput(Duration.ofSeconds(30), input, "python3", "-c", INJECT).assertOk();
            assertTrue(sent.stdout().contains("sent " + frames.size()), sent.toString());
        } finally {
            Files.deleteIfExists(input);
        }
        guest.backend().assertAlive();
        guest.exec(Duration.ofSeconds(10), "busybox", "ping", "-c", "1", "-W", "3", Guest.GATEWAY).assertOk();
        ExecResult echo = guest.sh(Duration.ofSeconds(10), "echo still-serving | timeout 5 busybox nc " + Guest.GATEWAY + " " + echoPort);
        assertTrue(echo.stdout().contains("still-serving"), echo.toString());
        guest.backend().assertAlive();
        if (backend.name().equals("jslirp")) {
            String log = guest.backend().stopAndCollectOutput(); // jslirp logs its counters when it stops
            assertTrue(log.contains("dropIpMalformed="), log);
            assertTrue(log.contains("dropIpChecksum="), log);
            assertTrue(log.contains("dropTcpMalformed=") || log.contains("dropTcpChecksum="), log);
        }
    }

    /** Each frame broken in one way; then random garbage. */
    static List<byte[]> malformedFrames(byte[] guestMac) {
        List<byte[]> out = new ArrayList<>();
        // (Frames shorter than an Ethernet header cannot be put on a tap at all; unit tests cover them.)
        out.add(ethernet(guestMac, 0x0800, new byte[0]));                       // IPv4 type, no header
        out.add(ethernet(guestMac, 0x0806, new byte[10]));                      // truncated ARP
        byte[] ip = ipv4(17, udp(53, 53, new byte[12]));
        ip[0] = 0x43;                                                           // IHL 3 (< 5)
        out.add(ethernet(guestMac, 0x0800, ip));
        ip = ipv4(17, udp(53, 53, new byte[12]));
        ip[2] = (byte) 0xFF; ip[3] = (byte) 0xFF;                               // total length past the end
        fixIpChecksum(ip);
        out.add(ethernet(guestMac, 0x0800, ip));
        ip = ipv4(17, udp(53, 53, new byte[12]));
        ip[10] ^= 0x55;                                                         // bad header checksum
        out.add(ethernet(guestMac, 0x0800, ip));
        byte[] u = udp(4000, 5000, new byte[8]);
        u[4] = 0x7F;                                                            // UDP length past the end
        out.add(ethernet(guestMac, 0x0800, ipv4(17, u)));
        byte[] t = new byte[20];
        t[12] = (byte) 0xF0;                                                    // TCP data offset 60 > segment
        out.add(ethernet(guestMac, 0x0800, ipv4(6, t)));
        t = new byte[20];
        t[12] = 0x50; t[13] = 0x02; t[16] = 0x12; t[17] = 0x34;                 // SYN with a wrong checksum
        out.add(ethernet(guestMac, 0x0800, ipv4(6, t)));
        // Two overlapping fragments of one datagram.
        out.add(ethernet(guestMac, 0x0800, fragment(0x4242, 0, true, new byte[64])));
        out.add(ethernet(guestMac, 0x0800, fragment(0x4242, 32, false, new byte[64])));
        // A DHCP DISCOVER whose option length runs past the end.
        byte[] dhcp = new byte[244];
        dhcp[0] = 1; dhcp[1] = 1; dhcp[2] = 6;
        System.arraycopy(guestMac, 0, dhcp, 28, 6);
        dhcp[236] = 0x63; dhcp[237] = (byte) 0x82; dhcp[238] = 0x53; dhcp[239] = 0x63;
        dhcp[240] = 53; dhcp[241] = (byte) 0xFF;                                // option 53, length 255
        out.add(ethernet(guestMac, 0x0800, ipv4(17, udp(68, 67, dhcp), 0, 0xFFFFFFFF)));
        Random random = new Random(20261203);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[15 + random.nextInt(200)];
            random.nextBytes(junk);
            System.arraycopy(GATEWAY_MAC, 0, junk, 0, 6);
            System.arraycopy(guestMac, 0, junk, 6, 6);
            if (i % 2 == 0) { junk[12] = 0x08; junk[13] = 0x00; junk[14] = 0x45; } // mostly "IPv4"
            out.add(junk);
        }
        return out;
    }

    static byte[] ethernet(byte[] src, int type, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        System.arraycopy(GATEWAY_MAC, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (type >> 8); f[13] = (byte) type;
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    static byte[] ipv4(int protocol, byte[] payload) { return ipv4(protocol, payload, GUEST, GATEWAY); }

    static byte[] ipv4(int protocol, byte[] payload, int src, int dst) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(src).putInt(dst).put(payload);
        byte[] ip = b.array();
        fixIpChecksum(ip);
        return ip;
    }

    static byte[] fragment(int ident, int offsetBytes, boolean more, byte[] payload) {
        byte[] ip = ipv4(1, payload);
        int flags = (more ? 0x2000 : 0) | (offsetBytes / 8);
        ip[4] = (byte) (ident >> 8); ip[5] = (byte) ident;
        ip[6] = (byte) (flags >> 8); ip[7] = (byte) flags;
        fixIpChecksum(ip);
        return ip;
    }

    static byte[] udp(int src, int dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) src).putShort((short) dst).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    static void fixIpChecksum(byte[] ip) {
        ip[10] = 0; ip[11] = 0;
        int c = Checksum.compute(ByteBuffer.wrap(ip), 0, (ip[0] & 0xF) * 4 <= ip.length ? Math.max(20, (ip[0] & 0xF) * 4) : 20);
        ip[10] = (byte) (c >> 8); ip[11] = (byte) c;
    }
}
