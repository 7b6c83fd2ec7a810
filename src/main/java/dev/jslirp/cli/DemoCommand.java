package dev.jslirp.cli;

import com.sun.net.httpserver.HttpServer;
import dev.jslirp.cli.demo.DemoDnsServer;
import dev.jslirp.config.Config;
import dev.jslirp.config.HostForward;
import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code jslirp demo}: everything the foundation promises, with nothing to set up. jslirp
 * starts a web server and a DNS resolver of its own on the host's loopback, then runs a
 * guest (busybox in a new network namespace) that gets its address by DHCP, resolves a name
 * through 10.0.2.3, fetches the host's page through the NAT via 10.0.2.2, and serves a page
 * that the host then fetches through a port forward. No packet leaves the machine.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Self-contained demonstration: DHCP, DNS, NAT to a host server and a port forward into a namespace guest.")
final class DemoCommand implements Callable<Integer> {
    static final String DEMO_NAME = "www.demo.test";
    static final String HOST_PAGE = "Hello from the host, through jslirp's NAT\n";
    static final String GUEST_PAGE = "Hello from the guest, through a port forward\n";
    static final int GUEST_PORT = 8080;

    @picocli.CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() throws Exception {
        Main.rejectOptionsBeforeSubcommand(parent, "demo");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // the demo narrates itself
        Path dir = Files.createTempDirectory("jslirp-demo");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = HOST_PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        // The demo name resolves to the gateway, so the guest reaches the host's loopback server by name.
        try (DemoDnsServer dns = new DemoDnsServer(DEMO_NAME, Ipv4Address.toInetAddress(0x0A000202))) {
            Config.Builder b = Config.builder();
            b.open = true;
            b.dnsUpstream = new SocketAddressV4(Ipv4Address.LOOPBACK, dns.port());
            b.forwards = List.of(new HostForward(HostForward.Protocol.TCP, Ipv4Address.LOOPBACK, 0, 0, GUEST_PORT));
            Config config = b.build();
            writeGuestFiles(dir);
            int hostPort = http.getAddress().getPort();
            String script = guestScript(dir, hostPort);
            say("host: web server on 127.0.0.1:" + hostPort + ", DNS resolver on 127.0.0.1:" + dns.port()
                    + " (knows " + DEMO_NAME + ")");
            int[] forwardPort = new int[1];
            Thread[] hostSide = new Thread[1];
            int status = new NamespaceGuest(config, "eth0", false, List.of("/bin/sh", "-c", script), true, false).run((tap, netnsFd) -> {
                Stack stack = new Stack(config, tap, dev.jslirp.time.NanoClock.SYSTEM);
                stack.bindForwards();
                return stack;
            }, stack -> {
                forwardPort[0] = stack.tcp().boundPort(0);
                say("host: port forward 127.0.0.1:" + forwardPort[0] + " -> guest:" + GUEST_PORT);
                hostSide[0] = Thread.ofPlatform().daemon().start(() -> fetchFromGuest(dir, forwardPort[0]));
            });
            if (hostSide[0] != null) hostSide[0].join(30_000);
            boolean fetched = Files.exists(dir.resolve("host-fetched-ok"));
            say(status == 0 && fetched ? "demo: all steps passed" : "demo: FAILED (guest status " + status + ", host fetch " + (fetched ? "ok" : "failed") + ")");
            return status == 0 && fetched ? 0 : 1;
        } finally {
            http.stop(0);
            deleteTree(dir);
        }
    }

    private static void writeGuestFiles(Path dir) throws IOException {
        Path udhcpcScript = dir.resolve("udhcpc.sh");
        Files.writeString(udhcpcScript, """
                #!/bin/sh
                # udhcpc calls this with the lease in the environment
                case "$1" in
                  bound|renew)
                    ip addr flush dev "$interface"
                    ip addr add "$ip/$mask" dev "$interface"
                    ip route add default via "$router" dev "$interface"
                    echo "guest: DHCP lease $ip/$mask router $router dns $dns lease ${lease}s" > lease.txt ;;
                esac
                """);
        udhcpcScript.toFile().setExecutable(true);
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), GUEST_PAGE);
    }

    /** The guest's part, in busybox sh. Each step prints what it saw; any failure ends with status 1. */
    private static String guestScript(Path dir, int hostPort) {
        return """
                set -e
                cd "%1$s"
                fail() { echo "guest: FAILED: $1"; exit 1; }
                busybox udhcpc -i eth0 -n -q -f -t 5 -T 1 -s ./udhcpc.sh >/dev/null 2>&1 || fail "no DHCP lease"
                ip -4 -o addr show eth0 | grep -q 'inet ' || fail "no address after DHCP"
                cat lease.txt
                addr=$(busybox nslookup %2$s 10.0.2.3 2>/dev/null | awk '/^Address/ {a=$NF} END {print a}')
                [ -n "$addr" ] || fail "%2$s did not resolve"
                echo "guest: DNS %2$s -> $addr (via 10.0.2.3, forwarded to the demo's resolver on 127.0.0.1)"
                page=$(timeout 10 busybox wget -q -O - "http://%2$s:%3$d/") || fail "could not fetch from the host"
                echo "guest: fetched http://%2$s:%3$d/ -> $page"
                busybox ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "ping to the gateway"
                echo "guest: ping 10.0.2.2 ok"
                busybox httpd -f -p %4$d -h ./www &
                httpd=$!
                touch guest-serving
                i=0
                while [ ! -e host-done ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
                kill $httpd
                [ -e host-fetched-ok ] || fail "the host could not reach the guest's server"
                """.formatted(dir, DEMO_NAME, hostPort, GUEST_PORT);
    }

    /** The host's part: once the guest serves, fetch its page through the forward. */
    private static void fetchFromGuest(Path dir, int port) {
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(dir.resolve("guest-serving")) && System.nanoTime() < deadline) {
                Thread.sleep(50); // the guest is a separate process: poll its marker file, bounded
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String body = null;
            for (int attempt = 0; attempt < 20 && body == null; attempt++) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    body = r.body();
                } catch (IOException e) {
                    Thread.sleep(100); // httpd may not be listening yet
                }
            }
            if (GUEST_PAGE.equals(body)) {
                say("host: fetched http://127.0.0.1:" + port + "/ -> " + body.strip());
                Files.createFile(dir.resolve("host-fetched-ok"));
            } else {
                say("host: FAILED to fetch the guest's page through the forward (got " + body + ")");
            }
            Files.createFile(dir.resolve("host-done"));
        } catch (IOException | InterruptedException e) {
            say("host: FAILED: " + e);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
