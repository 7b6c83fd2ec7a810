package dev.jslirp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jslirp.config.HostForward.Protocol;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bhyve-slirp-helper's hostfwd grammar (contract spec §4.3), rule by rule. */
class HostForwardTest {
    private static final int ANY = 0;
    private static final int LOOPBACK = 0x7F000001;
    private static final int GUEST = 0x0A00020F; // 10.0.2.15

    @Test
    void specExamples() {
        assertEquals(new HostForward(Protocol.TCP, ANY, 2222, ANY, 22), HostForward.parse("tcp::2222-:22"));
        assertEquals(new HostForward(Protocol.UDP, LOOPBACK, 5353, GUEST, 53),
                HostForward.parse("udp:127.0.0.1:5353-10.0.2.15:53"));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // protocol: exactly "udp" is UDP, anything else TCP
            "udp::1-:2                      | udp::1-:2",
            "TCP::1-:2                      | tcp::1-:2",
            "UDP::1-:2                      | tcp::1-:2",
            "foo::1-:2                      | tcp::1-:2",
            "::1-:2                         | tcp::1-:2",   // empty protocol
            "t-cp::1-:2                     | tcp::1-:2",   // a '-' before the first ':' belongs to PROTO
            // ports: empty is 0, otherwise atoi
            "tcp::22x-:22                   | tcp::22-:22",
            "tcp::x-:22                     | tcp::0-:22",
            "tcp::-:                        | tcp::0-:0",
            "\"tcp:: 22-:\t22\"              | tcp::22-:22",
            "tcp::+22-:22                   | tcp::22-:22",
            "tcp::65535-:0                  | tcp::65535-:0",
            "tcp::4294967318-:22            | tcp::22-:22",  // strtol keeps it, the int cast wraps to 22
            "tcp::22:33-:22                 | tcp::22-:22",  // port text '22:33': atoi stops at ':'
            "tcp:::1:1-:2                   | tcp::0-:2",    // host part '::1:1' = address '' + port ':1:1' (atoi 0)
            // the guest part may contain more '-'
            "tcp::1-:2-3                    | tcp::1-:2",
            // addresses
            "tcp:0.0.0.0:1-0.0.0.0:2        | tcp::1-:2",
            "tcp:10.0.2.2:80-10.0.2.15:8080 | tcp:10.0.2.2:80-10.0.2.15:8080",
            "tcp:255.255.255.255:1-:2       | tcp:255.255.255.255:1-:2",
    })
    void parsesLikeTheCHelper(String rule, String canonical) {
        assertEquals(canonical, HostForward.parse(rule).toString(), rule);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                          | Invalid argument",               // empty rule: no ':'
            "tcp                            | Invalid argument",               // no ':'
            "tcp:2222:22                    | Invalid argument",               // no '-'
            "tcp:2222-:22                   | Invalid argument",               // host part has no ':'
            "tcp::2222-22                   | Invalid argument",               // guest part has no ':'
            "tcp::70000-:22                 | Invalid argument",               // port > 65535
            "tcp::1-:65536                  | Invalid argument",
            "tcp::1-:-3                     | Invalid argument",               // atoi gives -3
            "tcp::99999999999999999999-:22  | Invalid argument",               // strtol clamps, the int cast gives -1
            "tcp::-1-:22                    | Protocol family not supported",  // first '-' splits: guest address '1-'
            "tcp:host:1-:2                  | Protocol family not supported",  // names are not resolved
            "tcp:localhost:1-:2             | Protocol family not supported",
            "tcp:[::1]:1-:2                 | Protocol family not supported",  // no IPv6
            "tcp:010.0.0.1:1-:2             | Protocol family not supported",  // inet_pton: no leading zeros
            "tcp:127.1:1-:2                 | Protocol family not supported",  // inet_pton: four octets only
            "tcp:1.2.3.4 :1-:2              | Protocol family not supported",
            "tcp:256.0.0.1:1-:2             | Protocol family not supported",
            "tcp::1-10.0.2:2                | Protocol family not supported",  // the guest address is checked too
            "tcp:host:70000-:2              | Protocol family not supported",  // address before port
            "tcp::70000-bad:2               | Invalid argument",               // host part before guest part
    })
    void rejectsLikeTheCHelper(String rule, String reason) {
        assertError(rule, reason);
    }

    @Test
    void messageStartsLikeBhyves() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostForward.parse("tcp:host:1-:2"));
        assertTrue(e.getMessage().startsWith("unable to parse hostfwd rule 'tcp:host:1-:2': Protocol family not supported"),
                e.getMessage());
    }

    @Test
    void nulIsRefused() {
        assertError("tcp::1-:2\0", "Invalid argument");
    }

    @Test
    void listSplitsOnSemicolonsAndEveryPieceIsARule() {
        assertEquals(List.of(HostForward.parse("tcp::2222-:22"), HostForward.parse("udp:127.0.0.1:5353-10.0.2.15:53")),
                HostForward.parseList("tcp::2222-:22;udp:127.0.0.1:5353-10.0.2.15:53"));
        assertEquals(1, HostForward.parseList("tcp::1-:2").size());
        for (String bad : List.of("", ";", "tcp::1-:2;", ";tcp::1-:2", "tcp::1-:2;;tcp::3-:4", "tcp::1-:2; ")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostForward.parseList(bad), bad);
            assertTrue(e.getMessage().startsWith("unable to parse hostfwd rule '"), e.getMessage());
        }
    }

    @Test
    void inetPtonMatchesGlibc() {
        // Verified on Debian 12 (glibc 2.36) with inet_pton(AF_INET, ...) in a small C program:
        // accepted: 10.0.2.15 0.0.0.0 255.255.255.255
        // rejected: 010.0.0.1 00.0.0.0 1.2.3 1.2.3.4.5 256.1.1.1 " 1.2.3.4" "1.2.3.4 " 1.2.3.4x 0x1.2.3.4
        //           1..2.3 "" 1.2.3. +1.2.3.4 1.2.3.04 127.1 0000.0.0.0
        // FreeBSD's libc inet_pton4 is the same BIND code (leading zero, four octets).
        assertEquals(OptionalInt.of(GUEST), HostForward.inetPton("10.0.2.15"));
        assertEquals(OptionalInt.of(0), HostForward.inetPton("0.0.0.0"));
        assertEquals(OptionalInt.of(-1), HostForward.inetPton("255.255.255.255"));
        for (String bad : List.of("010.0.0.1", "00.0.0.0", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4", "1.2.3.4 ",
                "1.2.3.4x", "0x1.2.3.4", "1..2.3", "", "1.2.3.", "+1.2.3.4", "1.2.3.04", "127.1", "0000.0.0.0",
                ".1.2.3", "1.2.3.4.", "\u0661.2.3.4")) {
            assertEquals(OptionalInt.empty(), HostForward.inetPton(bad), bad);
        }
    }

    @Test
    void atoiMatchesGlibc() {
        // Verified with gcc on Debian 12: atoi(s) for each s.
        String[][] cases = {
                {"22", "22"}, {" 22", "22"}, {"\t\n22", "22"}, {"+22", "22"}, {"-1", "-1"}, {"22x", "22"},
                {"x", "0"}, {"", "0"}, {"4294967318", "22"}, {"99999999999999999999", "-1"},
                {"-99999999999999999999", "0"}, {"2147483648", "-2147483648"}, {"65535", "65535"},
                {"65536", "65536"}, {" +7", "7"}, {" - 7", "0"}, {"0x10", "0"}, {"\u000b5", "5"},
                {"9223372036854775807", "-1"}, {"-9223372036854775808", "0"}, {"9223372036854775808", "-1"},
                {"18446744073709551638", "-1"},
        };
        for (String[] c : cases) assertEquals(Integer.parseInt(c[1]), HostForward.atoi(c[0]), "atoi(\"" + c[0] + "\")");
    }

    @Property(tries = 500)
    void canonicalTextParsesBack(@ForAll boolean udp, @ForAll int hostAddr, @ForAll @IntRange(max = 65535) int hostPort,
                                 @ForAll int guestAddr, @ForAll @IntRange(max = 65535) int guestPort) {
        HostForward f = new HostForward(udp ? Protocol.UDP : Protocol.TCP, hostAddr, hostPort, guestAddr, guestPort);
        assertEquals(f, HostForward.parse(f.toString()));
    }

    @Property(tries = 2000)
    void anyTextParsesOrFailsWithIllegalArgument(@ForAll String rule) {
        try {
            HostForward.parse(rule);
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().startsWith("unable to parse hostfwd rule '"));
        }
    }

    private static void assertError(String rule, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostForward.parse(rule), rule);
        assertTrue(e.getMessage().startsWith("unable to parse hostfwd rule '" + rule + "': " + reason), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sctp::2222-:22 | protocol 'sctp' is neither tcp nor udp",
            "TCP::2222-:22  | protocol 'TCP' is neither tcp nor udp",
            "::2222-:22     | protocol '' is neither tcp nor udp",
            "tcp::2226-:22x | guest port '22x' is not a decimal number",
            "udp::x-:53     | host port 'x' is not a decimal number",
            "tcp::1-:1;foo::2-:2 | protocol 'foo'",
    })
    void theCommandLineRefusesWhatBhyveTolerates(String rule, String why) {
        HostForward.parseList(rule); // bhyve's grammar takes it
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostForward.parseListStrict(rule));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void theCommandLineTakesWellFormedRules() {
        assertEquals(List.of(new HostForward(Protocol.TCP, ANY, 2222, 0, 22), new HostForward(Protocol.UDP, LOOPBACK, 5353, GUEST, 53)),
                HostForward.parseListStrict("tcp::2222-:22;udp:127.0.0.1:5353-10.0.2.15:53"));
    }
}
