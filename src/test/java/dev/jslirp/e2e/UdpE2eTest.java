package dev.jslirp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * UDP edge sizes through the NAT: the largest IPv4 datagram (65507 bytes of payload, so the
 * guest's kernel fragments it and the backend must reassemble it, and fragment the echo back
 * towards the guest) and the empty datagram. python3 in the guest namespace sends and checks.
 */
@Tag("e2e")
class UdpE2eTest extends E2eTestBase {
    private static final String ECHO_CHECK = """
            import socket, sys
            size, port = int(sys.argv[1]), int(sys.argv[2])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(2)
            payload = bytes((i * 7) & 0xff for i in range(size))
            for attempt in range(5):
                s.sendto(payload, ('10.0.2.2', port))
                try:
                    data, peer = s.recvfrom(70000)
                except socket.timeout:
                    continue
                print('echo', len(data), data == payload, peer[0], peer[1])
                sys.exit(0)
            print('no echo')
            sys.exit(1)
            """;

    private void echo(int size) {
        HostServers servers = hostServers();
        int port = servers.udpEcho();
        Guest guest = startGuest(BackendOptions.configured().withEgress(BackendOptions.Egress.OPEN));
        ExecResult r = guest.exec(Duration.ofSeconds(30), "python3", "-c", ECHO_CHECK, Integer.toString(size), Integer.toString(port));
        assertTrue(r.stdout().contains("echo " + size + " True 10.0.2.2 " + port), r + "\n" + guest.backend().describe());
    }

    @Test
    void largestDatagramIsReassembledRelayedAndFragmentedBack() { echo(65507); }

    @Test
    void emptyDatagramIsRelayed() { echo(0); }

    @Test
    void typicalDatagram() { echo(1200); }
}
