package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jslirp.config.HostForward;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The keys the helper consults (contract spec §4) and jslirp's extras. */
class BhyveConfigTest {
    static final List<String> INTERPRETED = List.of("a-vmname", "b-open", "c-hostfwd", "d-nested-nonstring", "e-empty",
            "f-hostfwd-be", "g-bhyve-cmdline", "h-all-types");

    @Test
    void bhyveCommandLineGivesOpenTheRuleAndTheVmName() throws Exception {
        // -s 2,virtio-net,slirp,open,hostfwd=tcp::2222-:22 ... testvm
        BhyveConfig c = BhyveConfig.from(NvListDecoder.decode(Vectors.bin("g-bhyve-cmdline")));
        assertEquals(Optional.of("testvm"), c.vmName());
        assertTrue(c.open());
        assertFalse(c.restricted());
        assertEquals(List.of(new HostForward(HostForward.Protocol.TCP, 0, 2222, 0, 22)), c.hostForwards());
        assertEquals(OptionalInt.empty(), c.mtu());
        assertEquals(Optional.empty(), c.dns());
    }

    @Test
    void nonStringValuesCountAsAbsent() throws Exception {
        // d-nested-nonstring: open is a BOOL true and mtu a NUMBER: both ignored, so restricted mode.
        BhyveConfig c = BhyveConfig.from(NvListDecoder.decode(Vectors.bin("d-nested-nonstring")));
        assertFalse(c.open());
        assertTrue(c.restricted());
        assertEquals(OptionalInt.empty(), c.mtu());
        assertEquals(Optional.of("vm-d"), c.vmName());
        assertEquals("[tcp::8080-:80]", c.hostForwards().toString());
    }

    /** Each vector's .json says how the real helper reads it. */
    @ParameterizedTest
    @FieldSource("INTERPRETED")
    void matchesTheExpectedHelperInterpretation(String name) throws Exception {
        JsonNode expected = Vectors.json(name).get("expected_helper_interpretation");
        BhyveConfig c = BhyveConfig.from(NvListDecoder.decode(Vectors.bin(name)));
        JsonNode vmname = expected.get("vmname");
        assertEquals(vmname.isNull() ? Optional.empty() : Optional.of(vmname.asText()), c.vmName(), name);
        assertEquals(expected.get("restricted").asBoolean(), c.restricted(), name);
        List<String> rules = new ArrayList<>();
        for (JsonNode r : expected.get("hostfwd_rules")) {
            String host = r.get("host_addr").asText().equals("0.0.0.0") ? "" : r.get("host_addr").asText();
            String guest = r.get("guest_addr").asText().equals("0.0.0.0") ? "" : r.get("guest_addr").asText();
            rules.add(r.get("proto").asText() + ":" + host + ":" + r.get("host_port").asInt() + "-" + guest + ":"
                    + r.get("guest_port").asInt());
        }
        assertEquals(rules, c.hostForwards().stream().map(HostForward::toString).toList(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "on", "ON", "yes", "YeS", "1"})
    void trueWords(String word) throws Exception {
        assertTrue(BhyveConfig.from(config("open", word)).open());
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "off", "Off", "no", "NO", "0"})
    void falseWords(String word) throws Exception {
        assertFalse(BhyveConfig.from(config("open", word)).open());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " true", "true ", "tru", "2", "01", "y", "enable", "ON\u00a0", "TRU\u00c9", "n\u00d8", "on\t"})
    void anythingElseIsExitStatus4(String word) {
        BhyveConfigException e = assertThrows(BhyveConfigException.class, () -> BhyveConfig.from(config("open", word)));
        assertEquals(4, e.exitStatus());
        assertEquals("Invalid value " + word + " for boolean variable open", e.getMessage());
    }

    @Test
    void absentOpenIsRestricted() throws Exception {
        assertTrue(BhyveConfig.from(NvList.empty()).restricted());
        assertEquals(List.of(), BhyveConfig.from(NvList.empty()).hostForwards());
        assertEquals(Optional.empty(), BhyveConfig.from(NvList.empty()).vmName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ";", "tcp::1-:2;", ";tcp::1-:2", "tcp::1-:2;;udp::3-:4", "tcp:host:1-:2", "tcp::70000-:2"})
    void badHostfwdIsExitStatus1(String value) {
        BhyveConfigException e = assertThrows(BhyveConfigException.class, () -> BhyveConfig.from(config("hostfwd", value)));
        assertEquals(1, e.exitStatus());
        assertTrue(e.getMessage().startsWith("unable to parse hostfwd rule '"), e.getMessage());
    }

    @Test
    void severalRulesInOrder() throws Exception {
        BhyveConfig c = BhyveConfig.from(config("hostfwd", "tcp::2222-:22;udp:127.0.0.1:5353-10.0.2.15:53"));
        assertEquals("[tcp::2222-:22, udp:127.0.0.1:5353-10.0.2.15:53]", c.hostForwards().toString());
    }

    @Test
    void openIsCheckedBeforeHostfwdAsInTheCHelper() {
        NvList l = NvList.builder().addString("hostfwd", "bad").addString("open", "maybe").build();
        assertEquals(4, assertThrows(BhyveConfigException.class, () -> BhyveConfig.from(l)).exitStatus());
    }

    @Test
    void unknownKeysAndNestedNodesAreIgnored() throws Exception {
        NvList l = NvList.builder()
                .addString("device", "virtio-net").addString("backend", "slirp").addString("mac", "nonsense")
                .addNvList("pcireg", NvList.builder().addString("open", "garbage").build())
                .addString("Open", "garbage") // keys are case-sensitive: not "open"
                .build();
        BhyveConfig c = BhyveConfig.from(l);
        assertTrue(c.restricted());
    }

    @Test
    void nonStringHostfwdIsAbsent() throws Exception {
        NvList l = NvList.builder().addNumber("hostfwd", 5).addBool("vmname", true).build();
        BhyveConfig c = BhyveConfig.from(l);
        assertEquals(List.of(), c.hostForwards());
        assertEquals(Optional.empty(), c.vmName());
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a\\b               | a\\b",          // no '%': unchanged, backslash kept
            "vm\\\\1            | vm\\\\1",
            "a\\b%              | ab%",           // with '%': '\\x' becomes x, lone % stays
            "\\%(x)             | %(x)",          // escaped '%': not a reference
            "50%()off           | 50off",         // '%()' dropped
            "100%               | 100%",
            "%(                 | %(",            // '(' at the end: literal
            "%(abc              | %(abc",         // no ')': literal
            "%x%y               | %x%y",
            "end\\              | end\\",         // no '%': trailing backslash kept
            "end%\\             | end%",          // with '%': trailing backslash dropped
    })
    void expandStep(String raw, String expanded) throws Exception {
        assertEquals(expanded, BhyveConfigValues.expand("k", raw));
    }

    @Test
    void expansionAppliesToTheKeysValues() throws Exception {
        BhyveConfig c = BhyveConfig.from(NvList.builder().addString("open", "%()t\\rue").addString("vmname", "a%b\\c")
                .addString("hostfwd", "tcp::22%-:\\22").build());
        assertTrue(c.open());
        assertEquals(Optional.of("a%bc"), c.vmName());
        assertEquals("[tcp::22-:22]", c.hostForwards().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmname", "open", "hostfwd", "mtu", "dns"})
    void aConfigReferenceFailsBecauseTheHelperHasNoConfigTree(String key) {
        BhyveConfigException e = assertThrows(BhyveConfigException.class,
                () -> BhyveConfig.from(config(key, "x%(name)y")));
        assertEquals(4, e.exitStatus());
        assertTrue(e.getMessage().contains("'name'"), e.getMessage());
    }

    @Test
    void vmNameBytesAreReadAsUtf8() throws Exception {
        String latin1 = new String("café".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(Optional.of("café"), BhyveConfig.from(config("vmname", latin1)).vmName());
    }

    @Test
    void mtuExtra() throws Exception {
        assertEquals(OptionalInt.of(1500), BhyveConfig.from(config("mtu", "1500")).mtu());
        assertEquals(OptionalInt.of(576), BhyveConfig.from(config("mtu", "576")).mtu());
        assertEquals(OptionalInt.of(65520), BhyveConfig.from(config("mtu", "65520")).mtu());
        for (String bad : List.of("", "575", "65521", "1500 ", "+1500", "0x5dc", "15OO", "9999999999")) {
            BhyveConfigException e = assertThrows(BhyveConfigException.class, () -> BhyveConfig.from(config("mtu", bad)), bad);
            assertEquals(1, e.exitStatus());
        }
    }

    @Test
    void dnsExtra() throws Exception {
        assertEquals("192.0.2.53:53", BhyveConfig.from(config("dns", "192.0.2.53")).dns().orElseThrow().toString());
        assertEquals("127.0.0.1:5353", BhyveConfig.from(config("dns", "127.0.0.1:5353")).dns().orElseThrow().toString());
        for (String bad : List.of("", "localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x",
                "010.0.0.1", "::1", "127.0.0.1:53:1")) {
            BhyveConfigException e = assertThrows(BhyveConfigException.class, () -> BhyveConfig.from(config("dns", bad)), bad);
            assertEquals(1, e.exitStatus());
        }
    }

    private static NvList config(String key, String value) {
        return NvList.builder().addString(key, value).build();
    }
}
