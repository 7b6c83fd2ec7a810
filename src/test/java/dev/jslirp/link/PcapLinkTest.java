package dev.jslirp.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every frame each way lands in the file, in pcap format that tshark reads back. */
class PcapLinkTest {
    /** ARP who-has 10.0.2.2 tell 10.0.2.100, from the guest. */
    private static final byte[] ARP_REQUEST = HexFormat.of().parseHex(
            "ffffffffffff" + "0a0000000064" + "0806" + "0001080006040001" + "0a0000000064" + "0a000264"
                    + "000000000000" + "0a000202");
    /** UDP 10.0.2.2:53 -> 10.0.2.100:40000, payload "hi", to the guest. */
    private static final byte[] UDP_TO_GUEST = HexFormat.of().parseHex(
            "0a0000000064" + "525500000202" + "0800"
                    + "4500001e0000400040112295" + "0a000202" + "0a000264"
                    + "00359c40000a0000" + "6869");

    @Test
    void framesBothWaysAreWrittenAndTsharkParsesThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cap.pcap");
        MemoryLink inner = new MemoryLink(1514);
        PcapLink link = PcapLink.open(inner, file.toString());
        inner.injectFromGuest(ARP_REQUEST);
        ByteBuffer rx = ByteBuffer.allocateDirect(1514);
        assertEquals(ARP_REQUEST.length, link.receive(rx, 0, rx.capacity()));
        ByteBuffer tx = ByteBuffer.allocateDirect(100);
        tx.put(4, UDP_TO_GUEST);
        assertTrue(link.send(tx, 4, UDP_TO_GUEST.length));
        link.close();
        assertEquals(2, link.framesWritten);

        byte[] bytes = Files.readAllBytes(file);
        assertEquals(24 + 16 + ARP_REQUEST.length + 16 + UDP_TO_GUEST.length, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(0xA1B2C3D4, b.getInt(0));
        assertEquals(1, b.getInt(20));
        assertEquals(ARP_REQUEST.length, b.getInt(24 + 8));

        Path tshark = Path.of("/usr/bin/tshark");
        assumeTrue(Files.isExecutable(tshark), "tshark not installed: format checked by hand only");
        Process p = new ProcessBuilder(List.of(tshark.toString(), "-r", file.toString(), "-T", "fields",
                "-e", "frame.protocols", "-e", "udp.srcport"))
                .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].startsWith("eth:ethertype:arp"), out);
        assertTrue(lines[1].startsWith("eth:ethertype:ip:udp") && lines[1].endsWith("53"), out);
    }
}
