package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jslirp.bhyve.frontend.SlirpHelper;
import dev.jslirp.os.Privileges;
import dev.jslirp.os.Sys;
import dev.jslirp.os.WaitStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The helper as a process (jslirp's {@code -S} mode over this run's classes), driven by the frontend
 * library or a raw parent: command line, exit statuses and their syslog lines, descriptor
 * hygiene, configuration from golden bytes, frames, hang-up, privilege drop and sandbox.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BhyveHelperProcessTest {
    private static final Duration T = Duration.ofSeconds(30);
    private HelperTestSupport.SyslogSink syslog;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void sink() {
        syslog = new HelperTestSupport.SyslogSink();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        syslog.close();
    }

    private record Run(int status, String stderr) {}

    private Run runWithArgs(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HelperTestSupport.helper().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("JSLIRP_SYSLOG_SOCKET", syslog.path().toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err);
    }

    @Test
    void noOptionPrintsUsageAndExits1() throws Exception {
        Run r = runWithArgs();
        assertEquals(1, r.status());
        assertEquals("Usage: slirp-helper -S <socket>\n", r.stderr());
        syslog.await("Usage: slirp-helper -S <socket>", T);
    }

    @Test
    void unknownOptionAndMissingArgumentExit1() throws Exception {
        Run r = runWithArgs("-x");
        assertEquals(1, r.status());
        assertEquals("bhyve-slirp-helper: illegal option -- x\nUsage: slirp-helper -S <socket>\n", r.stderr());
        r = runWithArgs("-S");
        assertEquals(1, r.status());
        assertEquals("bhyve-slirp-helper: option requires an argument -- S\nUsage: slirp-helper -S <socket>\n", r.stderr());
        syslog.await("option requires an argument -- S", T);
    }

    @Test
    void invalidDescriptorAndNonSocketExit1() throws Exception {
        Run r = runWithArgs("-S", "99");
        assertEquals(1, r.status());
        assertEquals("bhyve-slirp-helper: invalid socket 99: Bad file descriptor\n", r.stderr());
        syslog.await("invalid socket 99: Bad file descriptor", T);
        // atoi: "0junk" is 0, stdin here is /dev/null, not a socket
        r = runWithArgs("-S", "0junk");
        assertEquals(1, r.status());
        assertEquals("bhyve-slirp-helper: invalid socket 0junk: Socket operation on non-socket\n", r.stderr());
    }

    private SlirpHelper.Builder frontend() {
        return SlirpHelper.builder().helper(HelperTestSupport.helper()).environment(syslog.environment());
    }

    private SlirpHelper start(SlirpHelper.Builder b) {
        SlirpHelper h = b.start();
        cleanup.add(h);
        return h;
    }

    /** Waits for the line the helper logs just before it enters its loop. */
    private String awaitServing() {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : syslog.lines()) if (l.contains("confined:") || l.contains("open mode: no sandbox")) return l;
            Sys.poll(-1, 0, 20);
        }
        throw new AssertionError("helper never started serving: " + syslog.lines());
    }

    @Test
    void badOpenValueExits4WithSyslogLine() {
        SlirpHelper h = start(frontend().vmName("vm4").option("open", "maybe"));
        assertEquals(4, WaitStatus.exitStatus(h.waitFor()));
        syslog.await("Invalid value maybe for boolean variable open; exiting with status 4", T);
    }

    @Test
    void badHostfwdRuleExits1WithSyslogLine() {
        SlirpHelper h = start(frontend().option("hostfwd", "tcp::2222-:22;"));
        assertEquals(1, WaitStatus.exitStatus(h.waitFor()));
        String line = syslog.await("exiting with status 1", T);
        assertTrue(line.contains("hostfwd"), line);
    }

    @Test
    void hostfwdThatCannotBindExits1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SlirpHelper h = start(frontend().option("hostfwd", "tcp:127.0.0.1:" + taken.getLocalPort() + "-:22"));
            assertEquals(1, WaitStatus.exitStatus(h.waitFor()));
            syslog.await("Unable to add hostfwd rule", T);
        }
    }

    @Test
    void truncatedConfigurationRecordExits1() throws Exception {
        byte[] golden = Files.readAllBytes(vector("b-open"));
        RawFrontend f = RawFrontend.start(HelperTestSupport.helper(), 3, Map.of(), syslog.environment());
        cleanup.add(f);
        f.send(java.util.Arrays.copyOf(golden, golden.length - 1));
        assertEquals(1, WaitStatus.exitStatus(f.awaitExit(30_000)));
        syslog.await("nvlist_recv: the configuration record is " + (golden.length - 1), T);
    }

    private static Path vector(String name) {
        return HelperTestSupport.baseDir().resolve("src/test/resources/nvlist/" + name + ".bin");
    }

    /** Golden bytes from real libnv, sent unchanged; vectors with hostfwd rules (c, f, g) bind fixed ports and are left out. */
    @ParameterizedTest
    @ValueSource(strings = {"a-vmname", "b-open", "d-nested-nonstring", "e-empty", "h-all-types", "i-descriptors"})
    void goldenVectorIsAccepted(String name) throws Exception {
        byte[] golden = Files.readAllBytes(vector(name));
        RawFrontend f = RawFrontend.start(HelperTestSupport.helper(), 3, Map.of(), syslog.environment());
        cleanup.add(f);
        assertEquals(golden.length, f.send(golden));
        int count = NvListFraming.descriptorCount(golden);
        if (count > 0) {
            int[] fds = new int[count];
            for (int i = 0; i < count; i++) fds[i] = Sys.open("/dev/null", Sys.O_RDONLY | Sys.O_CLOEXEC);
            assertEquals(1, f.sendDescriptors(fds));
            for (int fd : fds) Sys.close(fd);
        }
        String config = syslog.await("configuration:", T);
        boolean open = name.equals("b-open");
        assertTrue(config.contains(open ? "open" : "restricted"), config);
        NvList list = NvListDecoder.decode(golden, new int[count]);
        String vm = list.getString("vmname");
        if (vm != null) {
            assertTrue(config.contains(vm + ": "), config);
            Await.until(() -> comm(f.pid).equals(vm), "comm " + vm);
        }
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void inheritedDescriptorsAreClosedAndStdioIsDevNull() throws Exception {
        int[] pipe = new int[2];
        assertEquals(0, Sys.pipe2(pipe, Sys.O_CLOEXEC));
        RawFrontend f;
        try {
            // helper end as 7 (bhyve passes whatever number it has), a pipe's write end as 5
            f = RawFrontend.start(HelperTestSupport.helper(), 7, Map.of(5, pipe[1]), syslog.environment());
        } finally {
            Sys.close(pipe[1]);
        }
        cleanup.add(f);
        cleanup.add(() -> Sys.close(pipe[0]));
        f.send(NvListEncoder.encode(NvList.builder().addString("vmname", "fdtest").build()));
        syslog.await("started on socket 3 (-S 7)", T);
        // the pipe's other end sees end of file once the helper closed its copy
        int ev = Sys.poll(pipe[0], Sys.POLLIN, 30_000);
        assertTrue((ev & Sys.POLLHUP) != 0, "pipe still open in the helper: revents " + ev);
        Map<Integer, String> fds = fds(f.pid);
        assertEquals("/dev/null", fds.get(0));
        assertEquals("/dev/null", fds.get(1));
        assertEquals("/dev/null", fds.get(2));
        assertTrue(fds.get(3).startsWith("socket:"), fds::toString);
        // the helper's socket (3) and its own syslog socket; the original number 7 is closed
        assertEquals(2, fds.values().stream().filter(t -> t.startsWith("socket:")).count(), fds::toString);
        assertFalse(fds.values().stream().anyMatch(t -> t.startsWith("pipe:")), fds::toString);
    }

    private static Map<Integer, String> fds(int pid) throws IOException {
        Map<Integer, String> m = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : s.toList()) {
                try {
                    m.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return m;
    }

    @Test
    void parentClosingItsEndEndsTheHelperPromptlyAndReleasesPorts() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RawFrontend f = RawFrontend.start(HelperTestSupport.helper(), 3, Map.of(), syslog.environment());
        cleanup.add(f);
        f.send(NvListEncoder.encode(NvList.builder().addString("hostfwd", "tcp:127.0.0.1:" + port + "-:22")
                .addString("vmname", "closer").build()));
        awaitServing();
        assertFalse(canBind(port), "the forward's port should be bound while the helper runs");
        long t0 = System.nanoTime();
        Sys.close(f.fd);
        int status = f.awaitExit(10_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(WaitStatus.exited(status), WaitStatus.describe(status));
        assertEquals(1, WaitStatus.exitStatus(status));
        System.out.println("[bhyve] helper exit after parent close: " + ms + " ms");
        assertTrue(ms < 100, "helper took " + ms + " ms to exit after the parent closed");
        syslog.await("parent process closed connection", T);
        assertTrue(canBind(port), "port " + port + " still bound after the helper exited");
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** ARP who-has 10.0.2.2 from the guest; the helper must answer with the gateway's MAC. */
    @Test
    void framesFlowThroughTheFrontendLibrary() {
        SlirpHelper h = start(frontend().vmName("frames"));
        awaitServing();
        ByteBuffer tx = ByteBuffer.allocateDirect(3000);
        // an oversized record first: dropped by the helper, which keeps running
        assertEquals(-dev.jslirp.os.Errno.EMSGSIZE, h.send(tx, 0, 3000));
        byte[] arp = arpRequest();
        ByteBuffer head = ByteBuffer.allocateDirect(14).put(0, arp, 0, 14);
        ByteBuffer rest = ByteBuffer.allocateDirect(arp.length - 14).put(0, arp, 14, arp.length - 14);
        assertEquals(arp.length, h.send(head, rest));     // scatter-gather: one record
        ByteBuffer rx = ByteBuffer.allocateDirect(SlirpHelper.MAX_FRAME_LENGTH);
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            int len = h.peekLength();
            if (len > 0) {
                assertTrue(len <= SlirpHelper.MAX_FRAME_LENGTH);
                assertEquals(len, h.receive(rx, 0, rx.capacity()));
                if (Short.toUnsignedInt(rx.getShort(12)) == 0x0806 && Short.toUnsignedInt(rx.getShort(20)) == 2) {
                    assertEquals(0x0A000202, rx.getInt(28), "sender IP of the reply");
                    assertEquals(0x0A00020F, rx.getInt(38), "target IP of the reply");
                    return;
                }
                continue;
            }
            assertTrue(len == SlirpHelper.NOTHING, "peek: " + len);
            assertTrue(System.nanoTime() < deadline, "no ARP reply; syslog " + syslog.lines());
            Sys.poll(h.fd(), Sys.POLLIN, 100);
        }
    }

    private static byte[] arpRequest() {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1});                 // broadcast
        b.put(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56});       // guest MAC
        b.putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56}).putInt(0x0A00020F);
        b.put(new byte[6]).putInt(0x0A000202);
        return b.array();
    }

    @Test
    void rootDropsToNobodyAndRestrictedModeIsConfined() throws Exception {
        assumeTrue(Privileges.geteuid() == 0, "needs root");
        SlirpHelper h = start(frontend().vmName("sandboxed"));
        String line = awaitServing();
        syslog.await("dropped privileges to nobody", T);
        assertTrue(line.contains("open /dev/null denied (EACCES)"), line);
        assertTrue(line.contains("tcp connect 127.0.0.1:9 denied (EACCES)"), line);
        assertTrue(line.contains("applied=true"), line);
        assertAllThreads(h.pid(), "Uid:", "65534");
        assertAllThreads(h.pid(), "Gid:", "65534");
        assertTrue(anyThread(h.pid(), "NoNewPrivs:\t1"), "no thread has no_new_privs");
    }

    @Test
    void openModeDropsPrivilegesWithoutSandbox() throws Exception {
        assumeTrue(Privileges.geteuid() == 0, "needs root");
        SlirpHelper h = start(frontend().vmName("opened").option("open", "yes").option("dns", "127.0.0.1:53"));
        assertTrue(awaitServing().contains("open mode: no sandbox"));
        assertAllThreads(h.pid(), "Uid:", "65534");
        assertFalse(anyThread(h.pid(), "NoNewPrivs:\t1"));
    }

    private static void assertAllThreads(int pid, String field, String id) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                for (String l : Files.readAllLines(t.resolve("status"))) {
                    if (l.startsWith(field)) {
                        String[] ids = l.substring(field.length()).trim().split("\\s+");
                        for (String v : ids) assertEquals(id, v, t + " " + l);
                    }
                }
            }
        }
    }

    private static boolean anyThread(int pid, String line) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readAllLines(t.resolve("status")).contains(line)) return true;
            }
        }
        return false;
    }

    /** Poll a condition with a deadline. */
    static final class Await {
        static void until(java.util.function.BooleanSupplier c, String what) {
            long deadline = System.nanoTime() + T.toNanos();
            while (!c.getAsBoolean()) {
                if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
                Sys.poll(-1, 0, 10);
            }
        }
    }
}
