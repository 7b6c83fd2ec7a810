package dev.jslirp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of jslirp's API socket ({@code --api-socket PATH}, docs/operators.md): one request
 * per connection, reply read to EOF. Also reads the backend's /proc figures (descriptors,
 * RSS), which together with {@code list_flows} show what a test left behind.
 */
final class JslirpApi implements AutoCloseable {
    private static final Pattern TCP_STATES = Pattern.compile("\"tcp\":\\{([^}]*)}");
    private static final Pattern NUMBER = Pattern.compile(":(\\d+)");
    private static final Pattern UDP_COUNT = Pattern.compile("\"udp\":(\\d+)");
    private final Path dir;
    private final Path socket;

    JslirpApi() {
        try {
            dir = Files.createTempDirectory("jslirp-api");
            socket = dir.resolve("api.sock");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of an API socket at {@code socket}, owned by the caller (close() deletes nothing). */
    JslirpApi(Path socket) {
        this.dir = null;
        this.socket = socket;
    }

    Path path() { return socket; }

    /** Sends {@code {"execute":COMMAND}} and returns the reply. */
    String execute(String command) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap(("{\"execute\":\"" + command + "\"}").getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
            var out = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (c.read(buf.clear()) >= 0) out.write(buf.array(), 0, buf.position());
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("API " + command, e);
        }
    }

    /** TCP and UDP entries of {@code list_flows}. */
    int tcpUdpFlowsListed() {
        String reply = execute("list_flows");
        return count(reply, "\"proto\":\"tcp\"") + count(reply, "\"proto\":\"udp\"");
    }

    /** Sum over states of {@code get_counters}' flows.tcp. */
    int tcpFlows() {
        Matcher m = TCP_STATES.matcher(execute("get_counters"));
        if (!m.find()) return 0;
        int n = 0;
        for (Matcher v = NUMBER.matcher(m.group(1)); v.find(); ) n += Integer.parseInt(v.group(1));
        return n;
    }

    int udpFlows() {
        Matcher m = UDP_COUNT.matcher(execute("get_counters"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Open descriptors of process {@code pid}. */
    static int fdCount(long pid) {
        String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
        return fds == null ? -1 : fds.length;
    }

    /** A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"). */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Heap in use after a full GC, in KiB, via jcmd (-1 if jcmd cannot attach). */
    static long heapUsedAfterGcKib(long pid) {
        String jcmd = System.getProperty("java.home") + "/bin/jcmd";
        java.time.Duration t = java.time.Duration.ofSeconds(30);
        Commands.run(t, java.util.List.of(jcmd, Long.toString(pid), "GC.run"));
        ExecResult info = Commands.run(t, java.util.List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        long used = 0;
        boolean any = false;
        for (Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info.stdout()); m.find(); ) {
            used += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? used : -1;
    }

    @Override
    public void close() {
        if (dir != null) Commands.deleteTree(dir);
    }
}
