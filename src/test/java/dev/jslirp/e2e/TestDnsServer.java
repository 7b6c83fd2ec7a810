package dev.jslirp.e2e;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The upstream resolver for DNS tests: an authoritative-only server on 127.0.0.1:PORT (UDP
 * and TCP on the same port) with fixed answers, so tests never depend on the host's
 * resolv.conf. {@link #MANY} has {@link #MANY_COUNT} A records: its answer exceeds the
 * 512-byte classic UDP limit (RFC 1035 §4.2.1), so over UDP we send it truncated with TC set
 * and a correct client retries over TCP (RFC 7766). We ignore EDNS on purpose so the limit is
 * always 512. Every query is counted, so restricted mode can be shown to send nothing.
 */
public final class TestDnsServer implements AutoCloseable {
    public static final String WWW = "www.example.test.";
    public static final String WWW_ADDRESS = "198.51.100.2";
    public static final String MANY = "many.example.test.";
    public static final int MANY_COUNT = 40;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final List<String> names = new CopyOnWriteArrayList<>();

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    public static TestDnsServer start() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(lo, 0));
                ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, lo);
                TestDnsServer server = new TestDnsServer(udp, tcp);
                Thread.ofVirtual().name("e2e-dns-udp").start(server::serveUdp);
                Thread.ofVirtual().name("e2e-dns-tcp").start(server::serveTcp);
                return server;
            } catch (IOException e) {
                if (udp != null) udp.close();   // the TCP port was taken: try another
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP");
    }

    public InetSocketAddress address() { return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()); }
    public int port() { return udp.getLocalPort(); }
    public int udpQueries() { return udpQueries.get(); }
    public int tcpQueries() { return tcpQueries.get(); }
    public int queries() { return udpQueries.get() + tcpQueries.get(); }
    /** Query names in arrival order. */
    public List<String> names() { return List.copyOf(names); }

    /** The i-th address of {@link #MANY}: 198.51.100.(10+i). */
    public static String manyAddress(int i) { return "198.51.100." + (10 + i); }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                byte[] answer = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()), 512);
                if (answer != null) udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (udp.isClosed()) return;
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serveTcpConnection(s));
        }
    }

    /** RFC 1035 §4.2.2: two-byte length prefix; several queries may share a connection. */
    private void serveTcpConnection(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            s.setSoTimeout(10_000);
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                if (query.length < length) return;
                tcpQueries.incrementAndGet();
                byte[] answer = answer(query, 65535);
                if (answer == null) return;
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // client closed (EOF) or went quiet
        }
    }

    /** Null for bytes that aren't a query (a real server would drop them too). */
    private byte[] answer(byte[] wire, int maxLength) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getFlag(Flags.QR)) return null;
        names.add(question.getName().toString());
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) response.getHeader().setFlag(Flags.RD);
        response.addRecord(question, Section.QUESTION);
        try {
            Name name = question.getName();
            String n = name.toString().toLowerCase(java.util.Locale.ROOT);
            if (n.equals(WWW)) {
                if (question.getType() == Type.A) {
                    response.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(WWW_ADDRESS)), Section.ANSWER);
                }
            } else if (n.equals(MANY)) {
                if (question.getType() == Type.A) {
                    for (int i = 0; i < MANY_COUNT; i++) {
                        response.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(manyAddress(i))),
                                Section.ANSWER);
                    }
                }
            } else {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // literal addresses: cannot happen
        }
        // toWire(max) drops what doesn't fit and sets TC (RFC 2181 §9).
        return response.toWire(maxLength);
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
