package dev.jslirp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --allow} rules as text: what parses, and that a mistake is named instead of allowing nothing or anything. */
class EgressRuleTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                  | an empty rule",
            "';'                 | an empty rule",
            "'tcp:1.2.3.4;'      | an empty rule",
            "'tcp:name=..'       | a name is dot-separated labels",
            "'tcp:name=a b'      | a name is dot-separated labels",
            "'tcp:name=a..b'     | a name is dot-separated labels",
            "'udp:name=x/y:53'   | a name is dot-separated labels",
            "'tcp:name='         | empty or too long name",
            "'sctp:1.2.3.4'      | protocol must be",
            "'tcp:1.2.3.4/33'    | prefix length",
    })
    void mistakesAreNamed(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EgressRule.parseList(text));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp:name=www.example.test:443", "udp:name=_dns.Example.TEST.:53", "any:198.51.100.0/24",
            "icmp:192.0.2.1", "tcp:name=xn--bcher-kva.example"})
    void wellFormedRulesParse(String text) {
        assertEquals(1, EgressRule.parseList(text).size(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp:1.2.3.4;udp:name=a.test:53", "tcp:1.2.3.4,udp:5.6.7.8"})
    void listsSplitOnSemicolonAndComma(String text) {
        assertEquals(2, EgressRule.parseList(text).size(), text);
    }
}
