package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The harness's own pieces, on loopback only: no root, no namespaces, so this runs in the
 * default (non-e2e) build and a broken harness shows up before any e2e run.
 */
class HarnessSelfTest {
    @TempDir Path tmp;

    @Test
    void dnsServerTruncatesLargeUdpAnswerAndServesItWholeOverTcp() throws IOException {
        try (TestDnsServer dns = TestDnsServer.start(); DatagramSocket udp = new DatagramSocket()) {
            udp.setSoTimeout(5000);
            byte[] query = query(TestDnsServer.MANY, 1).toWire();
            udp.send(new DatagramPacket(query, query.length, dns.address()));
            DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
            udp.receive(reply);
            assertTrue(reply.getLength() <= 512, "UDP answer is " + reply.getLength() + " bytes");
            Message truncated = new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            assertTrue(truncated.getHeader().getFlag(Flags.TC));

            Message whole = tcpQuery(dns.address(), query(TestDnsServer.MANY, 2));
            assertFalse(whole.getHeader().getFlag(Flags.TC));
            assertEquals(TestDnsServer.MANY_COUNT, whole.getSection(Section.ANSWER).size());
            assertEquals(1, dns.udpQueries());
            assertEquals(1, dns.tcpQueries());
        }
    }

    @Test
    void dnsServerAnswersKnownNameAndNxdomainOtherwise() throws IOException {
        try (TestDnsServer dns = TestDnsServer.start()) {
            Message www = tcpQuery(dns.address(), query(TestDnsServer.WWW, 3));
            assertEquals(Rcode.NOERROR, www.getRcode());
            assertEquals(TestDnsServer.WWW_ADDRESS, www.getSection(Section.ANSWER).getFirst().rdataToString());
            Message other = tcpQuery(dns.address(), query("other.example.test.", 4));
            assertEquals(Rcode.NXDOMAIN, other.getRcode());
            assertEquals(List.of(TestDnsServer.WWW, "other.example.test."), dns.names());
        }
    }

    @Test
    void blobServerStreamMatchesFileAndDigest() throws IOException {
        long length = 1_000_003;   // not a multiple of the 64 KiB chunk nor of 8
        Path file = tmp.resolve("blob");
        HostServers.writeBlob(file, length, 5);
        String expected = HostServers.blobSha256(length, 5);
        assertEquals(expected, java.util.HexFormat.of().formatHex(HostServers.sha256().digest(Files.readAllBytes(file))));
        try (HostServers servers = new HostServers(); Socket s = new Socket(HostServers.LOOPBACK, servers.blob(length, 5))) {
            byte[] got = s.getInputStream().readAllBytes();
            assertEquals(expected, java.util.HexFormat.of().formatHex(HostServers.sha256().digest(got)));
        }
    }

    @Test
    void halfCloseServerRepliesAfterEof() throws IOException {
        try (HostServers servers = new HostServers(); Socket s = new Socket(HostServers.LOOPBACK, servers.halfClose())) {
            byte[] payload = "abc".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(HostServers.halfCloseReply(3, java.util.HexFormat.of().formatHex(HostServers.sha256().digest(payload))),
                    reply);
        }
    }

    @Test
    void sinkRecordsLengthAndDigest() throws IOException {
        try (HostServers servers = new HostServers()) {
            HostServers.Sink sink = servers.sink();
            try (Socket s = new Socket(HostServers.LOOPBACK, sink.port())) {
                s.getOutputStream().write(new byte[100_000]);
            }
            HostServers.Received got = sink.await(Duration.ofSeconds(5));
            assertEquals(100_000, got.length());
            assertEquals(java.util.HexFormat.of().formatHex(HostServers.sha256().digest(new byte[100_000])), got.sha256());
        }
    }

    @Test
    void udpEchoEchoes() throws IOException {
        try (HostServers servers = new HostServers(); DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            byte[] msg = "x".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(msg, 1, new InetSocketAddress(HostServers.LOOPBACK, servers.udpEcho())));
            DatagramPacket reply = new DatagramPacket(new byte[10], 10);
            s.receive(reply);
            assertEquals(1, reply.getLength());
        }
    }

    @Test
    void awaitFailsWithWhatItWaitedFor() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until(() -> false, Duration.ofMillis(50), "pigs to fly"));
        assertTrue(e.getMessage().contains("pigs to fly"));
    }

    @Test
    void commandsKillAtDeadline() {
        ExecResult r = Commands.run(Duration.ofMillis(200), List.of("sleep", "30"));
        assertTrue(r.timedOut());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(10)) < 0, r::toString);
    }

    @Test
    void jslirpHostfwdRulesUseBhyveGrammar() {
        assertEquals("tcp:127.0.0.1:8022-:22", HostForward.tcp(8022, 22).bhyveRule());
        assertEquals("udp:127.0.0.1:5353-:53", HostForward.udp(5353, 53).bhyveRule());
    }

    private static Message query(String name, int id) throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        m.getHeader().setID(id);
        return m;
    }

    private static Message tcpQuery(InetSocketAddress server, Message query) throws IOException {
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            s.setSoTimeout(5000);
            byte[] wire = query.toWire();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            return new Message(in.readNBytes(in.readUnsignedShort()));
        }
    }
}
