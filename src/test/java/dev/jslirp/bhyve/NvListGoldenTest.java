package dev.jslirp.bhyve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Golden vectors from the real libnv: decode to their .json content, re-encode to identical bytes. */
class NvListGoldenTest {
    static final List<String> ALL = Vectors.ALL;
    static final List<String> LITTLE_ENDIAN = ALL.stream().filter(n -> !n.startsWith("f-")).toList();

    @ParameterizedTest
    @FieldSource("ALL")
    void vectorFileIsTheOneDescribed(String name) throws Exception {
        byte[] bin = Vectors.bin(name);
        JsonNode json = Vectors.json(name);
        assertEquals(json.get("size").asInt(), bin.length);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bin));
        assertEquals(json.get("sha256").asText(), sha);
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void decodesToTheContentLibnvReports(String name) throws Exception {
        NvList list = NvListDecoder.decode(Vectors.bin(name), Vectors.fdsFor(name));
        assertEquals(Vectors.json(name).get("content"), Vectors.content(list), name);
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void framingReadsTheRootHeaderFields(String name) throws Exception {
        byte[] bin = Vectors.bin(name);
        JsonNode root = Vectors.json(name).get("root_header");
        assertEquals(bin.length, NvListFraming.totalLength(bin));
        assertEquals(19 + root.get("size").asInt(), NvListFraming.totalLength(bin));
        assertEquals(root.get("descriptors").asInt(), NvListFraming.descriptorCount(bin));
    }

    @ParameterizedTest
    @FieldSource("LITTLE_ENDIAN")
    void reencodesByteForByte(String name) throws Exception {
        byte[] bin = Vectors.bin(name);
        NvList list = NvListDecoder.decode(bin, Vectors.fdsFor(name));
        assertArrayEquals(bin, NvListEncoder.encode(list), name);
    }

    @Test
    void bigEndianVectorReencodesByteForByte() throws Exception {
        byte[] bin = Vectors.bin("f-hostfwd-be");
        NvList list = NvListDecoder.decode(bin);
        assertArrayEquals(bin, NvListEncoder.encode(list, ByteOrder.BIG_ENDIAN));
    }

    @Test
    void bigEndianVectorIsTheLittleEndianOneSwapped() throws Exception {
        NvList le = NvListDecoder.decode(Vectors.bin("c-hostfwd"));
        NvList be = NvListDecoder.decode(Vectors.bin("f-hostfwd-be"));
        assertEquals(le, be);
        assertArrayEquals(Vectors.bin("f-hostfwd-be"), NvListEncoder.encode(le, ByteOrder.BIG_ENDIAN));
    }

    @Test
    void descriptorsComeBackInPackOrder() throws Exception {
        NvList list = NvListDecoder.decode(Vectors.bin("i-descriptors"), Vectors.I_FDS);
        // root {vmname, a:{fd1}, fd2, b:{x}, c:{fd3}}: indexes 0, 1, 2 in that order
        assertEquals(100, list.getNvList("a").getDescriptor("fd1").getAsInt());
        assertEquals(101, list.getDescriptor("fd2").getAsInt());
        assertEquals(102, list.getNvList("c").getDescriptor("fd3").getAsInt());
        assertArrayEquals(Vectors.I_FDS, NvListEncoder.descriptors(list));
    }

    @Test
    void descriptorsMustHaveBeenReceived() {
        // Header announces 3; with 2 received the root header check fails (libnv: EINVAL).
        NvListException e = assertThrows(NvListException.class,
                () -> NvListDecoder.decode(Vectors.bin("i-descriptors"), new int[] {7, 8}));
        assertEquals(3, e.offset());
        assertTrue(e.getMessage().contains("descriptors"), e.getMessage());
    }

    @Test
    void nestedDatasizeFollowsLibnvsWalkToTheEndOfTheBuffer() throws Exception {
        // h-all-types: level1 647, level2 555, empty-node 19, sub (inside an array element) 70.
        byte[] bin = Vectors.bin("h-all-types");
        byte[] out = NvListEncoder.encode(NvListDecoder.decode(bin));
        assertEquals(647, le64(out, 0xb5));
        assertEquals(555, le64(out, 0xfd));
        assertEquals(19, le64(out, 0x18e));
        assertEquals(70, le64(out, 0x2e5));
    }

    @Test
    void typedGettersTreatOtherTypesAsAbsent() throws Exception {
        NvList d = NvListDecoder.decode(Vectors.bin("d-nested-nonstring"));
        assertEquals(null, d.getString("open"));          // a BOOL
        assertEquals(true, d.getBool("open").orElseThrow());
        assertEquals(null, d.getString("mtu"));           // a NUMBER
        assertEquals(1500, d.getNumber("mtu").getAsLong());
        assertEquals(null, d.getString("pcireg"));        // an NVLIST
        assertEquals("0x1af4", d.getNvList("pcireg").getString("vendor"));
        assertEquals("tcp::8080-:80", d.getString("hostfwd"));
        assertEquals(null, d.getString("absent"));
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }
}
