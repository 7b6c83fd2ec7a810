package dev.jslirp.bhyve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

/**
 * The golden libnv vectors (copied from shared/testdata/nvlist into src/test/resources/nvlist) and
 * the JSON shape their .json files use for decoded content.
 */
final class Vectors {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Vectors produced by the real libnv (little-endian), plus the derived big-endian f. */
    static final List<String> ALL = List.of("a-vmname", "b-open", "c-hostfwd", "d-nested-nonstring", "e-empty",
            "f-hostfwd-be", "g-bhyve-cmdline", "h-all-types", "i-descriptors");

    /** fds handed to the decoder for i-descriptors (any distinct numbers do). */
    static final int[] I_FDS = {100, 101, 102};

    private Vectors() {}

    static byte[] bin(String name) {
        return resource("/nvlist/" + name + ".bin");
    }

    static JsonNode json(String name) {
        try {
            return JSON.readTree(resource("/nvlist/" + name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String path) {
        try (InputStream in = Vectors.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] fdsFor(String name) {
        return name.startsWith("i-") ? I_FDS : new int[0];
    }

    /** The vector's .json "content" shape, normalised by a write/read cycle so number node types match. */
    static JsonNode content(NvList list) {
        try {
            return JSON.readTree(JSON.writeValueAsString(toJson(list)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode toJson(NvList list) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode pairs = f.arrayNode();
        for (NvPair p : list.pairs()) {
            ObjectNode o = pairs.addObject();
            o.put("name", p.name());
            o.put("type", p.value().type().name());
            o.set("value", value(p.value()));
        }
        return pairs;
    }

    private static JsonNode value(NvValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case NvValue.NullValue n -> f.nullNode();
            case NvValue.BoolValue b -> f.booleanNode(b.value());
            case NvValue.NumberValue n -> f.numberNode(new BigInteger(Long.toUnsignedString(n.value())));
            case NvValue.StringValue s -> f.textNode(s.value());
            case NvValue.BinaryValue b -> f.textNode(HexFormat.of().formatHex(b.value()));
            case NvValue.DescriptorValue d -> f.textNode("<fd>");
            case NvValue.NvListValue l -> toJson(l.value());
            case NvValue.BoolArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.value().forEach(arr::add);
                yield arr;
            }
            case NvValue.NumberArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.value().forEach(x -> arr.add(new BigInteger(Long.toUnsignedString(x))));
                yield arr;
            }
            case NvValue.StringArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.value().forEach(arr::add);
                yield arr;
            }
            case NvValue.DescriptorArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.value().forEach(x -> arr.add("<fd>"));
                yield arr;
            }
            case NvValue.NvListArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.value().forEach(l -> arr.add(toJson(l)));
                yield arr;
            }
        };
    }
}
