package dev.jslirp.cli.demo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * The demo's own "upstream" resolver on 127.0.0.1 (UDP): it knows one name, so the demo's
 * guest shows DNS forwarding without any query leaving the machine.
 */
public final class DemoDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Name name;
    private final InetAddress address;
    private final Thread thread;
    private volatile int queries;

    public DemoDnsServer(String name, InetAddress address) throws IOException {
        this.name = Name.fromString(name.endsWith(".") ? name : name + ".");
        this.address = address;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = Thread.ofPlatform().daemon().name("demo-dns").start(this::serve);
    }

    public int port() { return socket.getLocalPort(); }

    public int queries() { return queries; }

    private void serve() {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                queries++;
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message reply = new Message(query.getHeader().getID());
                reply.getHeader().setFlag(Flags.QR);
                reply.getHeader().setFlag(Flags.RA);
                Record question = query.getQuestion();
                reply.addRecord(question, Section.QUESTION);
                if (question.getName().equals(name) && question.getType() == Type.A) {
                    reply.addRecord(new ARecord(name, DClass.IN, 60, address), Section.ANSWER);
                } else if (!question.getName().equals(name)) {
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                byte[] wire = reply.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
