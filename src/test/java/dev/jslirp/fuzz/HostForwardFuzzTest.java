package dev.jslirp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jslirp.config.HostForward;
import java.nio.charset.StandardCharsets;

/**
 * hostfwd rules (bhyve's grammar, ';'-joined lists) from the command line or bhyve's nvlist.
 * Only {@link IllegalArgumentException} (a message for the user) may come out; a parsed rule
 * prints and re-parses to itself.
 */
class HostForwardFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void rules(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        try {
            for (HostForward rule : HostForward.parseList(text)) {
                HostForward again = HostForward.parse(rule.toString());
                if (!again.equals(rule)) throw new AssertionError(rule + " re-parsed as " + again);
            }
        } catch (IllegalArgumentException expected) {
            // rejected with a message
        }
        HostForward.inetPton(text);
        try {
            HostForward.atoi(text);
        } catch (IllegalArgumentException expected) {
            // not a number
        }
    }
}
