package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jslirp.config.Limits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LimitOptionsTest {
    static Limits parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.network.toConfig(false, null).limits();
    }

    @Test
    void defaultsWhenNotGiven() {
        assertEquals(Limits.DEFAULT, parse("--dns-upstream", "127.0.0.1"));
    }

    @Test
    void everyOptionReachesTheLimits() {
        Limits l = parse("--dns-upstream", "127.0.0.1", "--max-tcp-flows", "10000", "--max-half-open", "16",
                "--max-udp-flows", "32", "--tcp-buffer", "65536", "--total-buffer", "1048576", "--tcp-connect-timeout", "500",
                "--udp-idle-timeout", "1000", "--max-reassembly", "8", "--reassembly-buffer", "65536", "--max-spliced", "7");
        assertEquals(new Limits(10000, 16, 32, Limits.DEFAULT.maxIcmpFlows(), 65536, 1000, Limits.DEFAULT.icmpIdleTimeoutMs(),
                500, 1048576, 8, 65536, Limits.DEFAULT_TCP_KEEPALIVE_IDLE_MS, 7), l);
    }

    @Test
    void badValueIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--dns-upstream", "127.0.0.1", "--max-tcp-flows", "0"));
        assertEquals(true, e.getMessage().contains("maxTcpFlows"), e.getMessage());
    }
}
