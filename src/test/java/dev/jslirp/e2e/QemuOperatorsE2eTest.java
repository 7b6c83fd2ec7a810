package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.wire.Checksum;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU stream mode wires the operator options as the namespace modes do: an {@code --allow}
 * list decides what the guest may reach (a SYN to the host outside the list is answered with
 * a RST, inside it with a SYN-ACK), the API socket answers, pcap records frames. Before, this
 * mode dropped all of them silently and the guest was open. The guest here is this test
 * speaking QEMU's stream protocol (4-byte big-endian length, then the frame).
 */
@Tag("e2e")
class QemuOperatorsE2eTest {
    private static final byte[] GUEST_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private static final int GUEST = 0x0A00020F, HOST = 0x0A000202; // 10.0.2.15, 10.0.2.2

    @Test
    void allowListApiAndPcapApplyInQemuStreamMode(@TempDir Path dir) throws Exception {
        JslirpBackend.ensureBuilt();
        try (ServerSocket allowed = new ServerSocket(0, 50, HostServers.LOOPBACK);
             ServerSocket denied = new ServerSocket(0, 50, HostServers.LOOPBACK)) {
            Path sock = dir.resolve("vm.sock");
            Path api = dir.resolve("api.sock");
            Path pcap = dir.resolve("guest.pcap");
            Process jslirp = new ProcessBuilder(JslirpBackend.launcher().toString(), "--socket", sock.toString(),
                    "--dns-upstream", "127.0.0.1:9", "--allow", "tcp:10.0.2.2:" + allowed.getLocalPort(),
                    "--api-socket", api.toString(), "--pcap", pcap.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("jslirp.log").toFile()).start();
            try {
                Await.until(() -> Files.exists(sock) && Files.exists(api), Duration.ofSeconds(60),
                        () -> "jslirp's sockets (log: " + read(dir.resolve("jslirp.log")) + ")");
                try (SocketChannel vm = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    vm.connect(UnixDomainSocketAddress.of(sock));
                    int outside = tcpFlagsOfAnswer(vm, denied.getLocalPort(), 40001);
                    assertEquals(0x04, outside & 0x06, "RST for a port outside --allow, flags " + Integer.toHexString(outside));
                    int inside = tcpFlagsOfAnswer(vm, allowed.getLocalPort(), 40002);
                    assertEquals(0x12, inside & 0x16, "SYN-ACK for the allowed port, flags " + Integer.toHexString(inside));
                }
                String policy = new JslirpApi(api).execute("get_policy");
                assertTrue(policy.contains("allowlist"), policy);
                assertTrue(Files.size(pcap) > 24, "pcap holds frames after its file header");
                assertTrue(read(dir.resolve("jslirp.log")).contains("allow-list of 1 rule(s)"), read(dir.resolve("jslirp.log")));
            } finally {
                jslirp.destroy();
                assertTrue(jslirp.waitFor(10, TimeUnit.SECONDS), "jslirp exits on SIGTERM");
            }
        }
    }

    /**
     * Sends a SYN from the guest to 10.0.2.2:port and returns the TCP flags of jslirp's answer
     * for that connection (other frames, e.g. ARP, are skipped).
     */
    private static int tcpFlagsOfAnswer(SocketChannel vm, int port, int guestPort) throws IOException {
        vm.write(ByteBuffer.allocate(4).putInt(0, 54).rewind());
        vm.write(synFrame(port, guestPort));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        vm.configureBlocking(true);
        while (System.nanoTime() < deadline) {
            ByteBuffer len = ByteBuffer.allocate(4);
            while (len.hasRemaining()) if (vm.read(len) < 0) throw new IOException("jslirp closed the stream");
            ByteBuffer frame = ByteBuffer.allocate(len.getInt(0));
            while (frame.hasRemaining()) if (vm.read(frame) < 0) throw new IOException("jslirp closed the stream");
            if (frame.capacity() >= 54 && frame.getShort(12) == 0x0800 && frame.get(23) == 6
                    && (frame.getShort(14 + 20 + 2) & 0xFFFF) == guestPort) {
                return frame.get(14 + 20 + 13) & 0xFF;
            }
        }
        throw new AssertionError("no TCP answer for guest port " + guestPort + " in 10 s");
    }

    /** Ethernet + IPv4 + TCP SYN, 10.0.2.15:guestPort -> 10.0.2.2:port, checksums set. */
    private static ByteBuffer synFrame(int port, int guestPort) {
        ByteBuffer f = ByteBuffer.allocate(54);
        f.put(new byte[] {0x52, 0x55, 0x0A, 0x00, 0x02, 0x02}).put(GUEST_MAC).putShort((short) 0x0800); // to the gateway's MAC
        f.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(GUEST).putInt(HOST);
        f.putShort(24, (short) Checksum.compute(f, 14, 20));
        f.putShort((short) guestPort).putShort((short) port).putInt(1000).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        int sum = Checksum.add(Checksum.pseudoHeaderV4(GUEST, HOST, 6, 20), f, 34, 20);
        f.putShort(34 + 16, (short) Checksum.fold(sum));
        return f.rewind();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
