package dev.jslirp.cli;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Arbitrary command lines through picocli's parser and the option → {@link dev.jslirp.config.Config}
 * conversion: parse only, no mode runs (a mode would create namespaces and taps). Allowed outcomes:
 * a parse, a picocli {@link CommandLine.ParameterException} (usage error → exit 2), or an
 * {@link IllegalArgumentException} with a message (configuration error → exit 2).
 */
class CliFuzzTest {
    private static final String[] WORDS = {"run", "demo", "--open", "--restricted", "--hostfwd", "--mtu", "-m", "--cidr",
            "--dns-upstream", "--disable-host-loopback", "--macaddress", "--domain", "--search", "-c", "--configure",
            "--netns-type", "--", "--help", "--version", "tcp::8080-:80", "udp:127.0.0.1:53-10.0.2.15:53", "10.0.2.0/24",
            "1500", "path", "pid", "tap0", "=", ";", ",", "52:55:0a:00:02:02", "127.0.0.1:53"};

    @FuzzTest(maxDuration = "10m")
    void args(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        while (data.remainingBytes() > 0 && args.size() < 16) {
            args.add(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(40));
        }
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        ParseResult parsed;
        try {
            parsed = cli.parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException expected) {
            return;
        }
        if (parsed.subcommand() != null || parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) return;
        try {
            main.network.toConfig(false, null);
        } catch (IllegalArgumentException expected) {
            // a message for the user
        }
    }
}
