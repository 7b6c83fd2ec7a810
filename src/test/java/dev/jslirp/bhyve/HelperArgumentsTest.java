package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HelperArgumentsTest {
    @Test
    void atoiFollowsC() {
        assertEquals(3, HelperArguments.atoi("3"));
        assertEquals(12, HelperArguments.atoi("  12x"));
        assertEquals(-4, HelperArguments.atoi("-4"));
        assertEquals(5, HelperArguments.atoi("\t+5"));
        assertEquals(0, HelperArguments.atoi("abc"));
        assertEquals(0, HelperArguments.atoi(""));
        assertEquals(0, HelperArguments.atoi("- 3"));
        assertEquals(-1, HelperArguments.atoi("99999999999999999999"));
        assertEquals(Integer.MIN_VALUE, HelperArguments.atoi("-2147483648"));
    }

    @Test
    void socketOptionForms() {
        assertEquals(7, HelperArguments.parse("-S", "7").socket().fd());
        assertEquals(7, HelperArguments.parse("-S7").socket().fd());
        HelperArguments.Parsed p = HelperArguments.parse("-S", "4", "-S", "9", "operand", "-x");
        assertTrue(p.ok());
        assertEquals(List.of(new HelperArguments.SocketArgument("4", 4), new HelperArguments.SocketArgument("9", 9)), p.sockets());
        assertEquals(9, p.socket().fd());
        assertEquals("-1", HelperArguments.parse("-S", "-1").socket().text());   // an option-looking argument is still the argument
    }

    @Test
    void usageErrors() {
        assertEquals(List.of(HelperArguments.USAGE), HelperArguments.parse().errorLines());
        assertEquals(List.of(HelperArguments.USAGE), HelperArguments.parse("operand", "-S", "3").errorLines());
        assertEquals(List.of(HelperArguments.USAGE), HelperArguments.parse("--", "-S", "3").errorLines());
        assertEquals(List.of("bhyve-slirp-helper: illegal option -- x", HelperArguments.USAGE),
                HelperArguments.parse("-x").errorLines());
        assertEquals(List.of("bhyve-slirp-helper: illegal option -- x", HelperArguments.USAGE),
                HelperArguments.parse("-S", "3", "-x").errorLines());
        assertEquals(List.of("bhyve-slirp-helper: option requires an argument -- S", HelperArguments.USAGE),
                HelperArguments.parse("-S").errorLines());
        assertFalse(HelperArguments.parse("-", "-S", "3").ok());
    }
}
