package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bad configuration: a clear message naming what is wrong and exit status 2, before anything is set up. */
class MainTest {
    private record Outcome(int status, String err) {}

    private static Outcome run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.execute(args);
            return new Outcome(status, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void mtuOutOfRangeIsNamed() {
        Outcome o = run("--mtu", "99999", "--dns-upstream", "127.0.0.1", "1", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("MTU must be 576..65520, got 99999"), o.err());
    }

    @Test
    void badHostfwdRuleIsNamed() {
        Outcome o = run("--hostfwd", "tcp:localhost:22-:22", "--dns-upstream", "127.0.0.1", "1", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("unable to parse hostfwd rule 'tcp:localhost:22-:22'"), o.err());
    }

    @Test
    void badDnsUpstreamIsNamed() {
        Outcome o = run("--dns-upstream", "dns.example:53", "1", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("--dns-upstream"), o.err());
    }

    @Test
    void openAndRestrictedContradict() {
        Outcome o = run("--open", "--restricted", "--dns-upstream", "127.0.0.1", "1", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("--open and --restricted"), o.err());
    }

    @Test
    void unknownOptionAndMissingOperandsAreUsageErrors() {
        assertEquals(Main.EXIT_USAGE, run("--no-such-option").status());
        Outcome o = run("--dns-upstream", "127.0.0.1");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("PID|PATH TAPNAME"), o.err());
    }

    @Test
    void optionsBeforeASubcommandAreRefusedNotIgnored() {
        Outcome o = run("--dns-upstream", "127.0.0.1:5353", "run", "--", "true");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("options must follow 'run': [--dns-upstream]"), o.err());
    }

    @Test
    void notAPid() {
        Outcome o = run("--dns-upstream", "127.0.0.1", "12ab", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("not a PID: '12ab'"), o.err());
    }

    @Test
    void spliceForwardsIsRefusedForAVm() {
        Outcome o = run("--socket", "/tmp/jslirp-main-test-never-bound.sock", "--splice-forwards", "--dns-upstream", "127.0.0.1");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("--splice-forwards is for the namespace modes"), o.err());
    }

    @Test
    void qemuModesRefuseTheSlirp4netnsFormsOperandsAndOptions() {
        String sock = "/tmp/jslirp-main-test-never-bound.sock";
        Outcome o = run("--socket", sock, "--dns-upstream", "127.0.0.1", "--netns-type=path", "/run/netns/x", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("serve a QEMU VM: they take no PID|PATH TAPNAME"), o.err());
        o = run("--socket", sock, "--dns-upstream", "127.0.0.1", "--exit-fd", "3");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("take no --exit-fd"), o.err());
    }

    @Test
    void aBadAllowRuleIsRefusedInQemuModeToo() {
        Outcome o = run("--socket", "/tmp/jslirp-main-test-never-bound.sock", "--dns-upstream", "127.0.0.1", "--allow", "tcp:bogus");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("--allow"), o.err());
    }

    @Test
    void operatorOptionValuesThatCanNeverWorkAreUsageErrors() {
        String sock = "/tmp/jslirp-main-test-never-bound.sock";
        for (String[] bad : new String[][] {{"--metrics", "0.0.0.0:19999"}, {"--metrics", "127.0.0.1"}, {"--metrics", "127.0.0.1:99999"},
                {"--audit", ""}, {"--pcap", ""}, {"--allow", ""}, {"--allow", "tcp:name=.."}, {"--hostfwd", "tcp::22-:0"},
                {"--hostfwd", "tcp:127.0.0.1:18730-:"}}) {
            Outcome o = run("--socket", sock, "--dns-upstream", "127.0.0.1", bad[0], bad[1]);
            assertEquals(Main.EXIT_USAGE, o.status(), String.join(" ", bad) + ": " + o.err());
            assertTrue(o.err().contains(bad[0].equals("--hostfwd") ? "hostfwd rule" : bad[0]), o.err());
        }
    }

    @Test
    void oneOffWithoutSocketAndABadTapNameAreUsageErrors() {
        Outcome o = run("--one-off", "--dns-upstream", "127.0.0.1", "1", "tap0");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("--one-off goes with --socket"), o.err());
        o = run("--dns-upstream", "127.0.0.1", "--netns-type=path", "/run/netns/none", "ta/p");
        assertEquals(Main.EXIT_USAGE, o.status());
        assertTrue(o.err().contains("interface name 'ta/p'"), o.err());
    }
}
