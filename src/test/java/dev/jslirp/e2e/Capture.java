package dev.jslirp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A bounded tshark capture on a host interface, for proving that nothing left. The capture
 * filter names only the test's own ports or addresses; {@link #stop} first sends a control
 * datagram to {@link #CONTROL_PORT} (which the filter must include), so an empty result means
 * "nothing else", not "the capture saw nothing at all".
 */
final class Capture implements AutoCloseable {
    static final int CONTROL_PORT = 7199;
    private final Path dir;
    private final Path file;
    private final GuestProcess tshark;
    private final String iface;
    private int controlsSent;

    private Capture(Path dir, Path file, GuestProcess tshark, String iface) {
        this.dir = dir;
        this.file = file;
        this.tshark = tshark;
        this.iface = iface;
    }

    /** Starts capturing on {@code iface} with {@code filter}, at most {@code limit} long; returns once capturing. */
    static Capture start(String iface, String filter, Duration limit) {
        try {
            Path dir = Files.createTempDirectory("jslirp-capture");
            Path file = dir.resolve("capture.pcapng");
            GuestProcess p = GuestProcess.start(List.of("tshark", "-q", "-i", iface, "-f", filter, "-w", file.toString(),
                    "-a", "duration:" + limit.toSeconds()));
            Capture c = new Capture(dir, file, p, iface);
            Await.until(() -> p.stderr().contains("Capturing on") || !p.isAlive(), Duration.ofSeconds(30),
                    "tshark to start on " + iface);
            if (!p.isAlive()) throw new AssertionError("tshark failed: " + p.describe());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends the control datagram to {@code controlAddress}, waits until the capture has it,
     * stops, and returns the other packets' summaries (one line each).
     */
    List<String> stop(String controlAddress) {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] b = "control".getBytes();
            InetAddress to = InetAddress.getByName(controlAddress);
            Await.until(() -> {
                try {
                    s.send(new DatagramPacket(b, b.length, to, CONTROL_PORT));
                    controlsSent++;
                } catch (IOException e) {
                    return false;
                }
                return !read("udp.dstport == " + CONTROL_PORT).isEmpty();
            }, Duration.ofSeconds(30), "the control datagram in the capture on " + iface);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.kill(tshark.process(), Duration.ofSeconds(5));
        return read("not udp.port == " + CONTROL_PORT + " and not icmp.udp.port == " + CONTROL_PORT);
    }

    /** Control datagrams sent by {@link #stop} (to discount them from the receiver's counters). */
    int controlsSent() { return controlsSent; }

    private List<String> read(String displayFilter) {
        ExecResult r = Commands.run(Duration.ofSeconds(30), List.of("tshark", "-r", file.toString(), "-Y", displayFilter));
        return Arrays.stream(r.stdout().split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        tshark.close();
        Commands.deleteTree(dir);
    }
}
