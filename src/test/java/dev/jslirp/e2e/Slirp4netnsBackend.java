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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference backend: Debian's slirp4netns (libslirp). It has no DNS-upstream option (its
 * 10.0.2.3 forwards to the host's resolv.conf, which points outside: tests must never use it)
 * and no restricted mode. Port forwards are added through its JSON API socket after start,
 * since it has no command-line option for them.
 */
public final class Slirp4netnsBackend implements GuestBackend {
    private static final Path BINARY = Path.of("/usr/bin/slirp4netns");

    @Override public String name() { return "slirp4netns"; }

    @Override
    public String unavailableReason() {
        return Files.isExecutable(BINARY) ? null : BINARY + " not installed (Debian package slirp4netns)";
    }

    @Override public boolean supportsDnsUpstream() { return false; }
    @Override public boolean supportsRestricted() { return false; }

    @Override
    public BackendProcess start(Path netnsPath, BackendOptions options) {
        if (options.dnsUpstream() != null) throw new IllegalArgumentException("slirp4netns cannot set a DNS upstream");
        if (options.egress() == BackendOptions.Egress.RESTRICTED) {
            throw new IllegalArgumentException("slirp4netns has no restricted mode");
        }
        Path apiDir = null;
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString()));
        if (options.configure()) cmd.add("--configure");
        if (options.mtu() != 0) cmd.add("--mtu=" + options.mtu());
        if (options.disableHostLoopback()) cmd.add("--disable-host-loopback");
        Path apiSocket = null;
        if (!options.hostForwards().isEmpty()) {
            try {
                apiDir = Files.createTempDirectory("jslirp-e2e-s4n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            apiSocket = apiDir.resolve("api.sock");
            cmd.add("--api-socket=" + apiSocket);
        }
        cmd.add("--netns-type=path");
        cmd.add(netnsPath.toString());
        cmd.add("tap0");
        Path dirToDelete = apiDir;
        BackendProcess running = new BackendProcess(name(), GuestProcess.start(cmd), () -> Commands.deleteTree(dirToDelete));
        try {
            for (HostForward f : options.hostForwards()) addHostForward(running, apiSocket, f);
        } catch (RuntimeException | AssertionError e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static void addHostForward(BackendProcess running, Path apiSocket, HostForward f) {
        String request = "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"" + f.protocol().lower()
                + "\",\"host_addr\":\"127.0.0.1\",\"host_port\":" + f.hostPort() + ",\"guest_port\":" + f.guestPort() + "}}";
        String[] reply = new String[1];
        Await.until(() -> {
            running.assertAlive();
            reply[0] = callApi(apiSocket, request);
            return reply[0] != null;
        }, Duration.ofSeconds(10), "slirp4netns API socket " + apiSocket);
        if (!reply[0].contains("\"return\"")) {
            throw new AssertionError("slirp4netns refused " + request + ": " + reply[0]);
        }
    }

    /** One request per connection: write it, read the reply until the API closes. Null if not up yet. */
    private static String callApi(Path socket, String request) {
        if (!Files.exists(socket)) return null;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer req = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) ch.write(req);
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until EOF
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
