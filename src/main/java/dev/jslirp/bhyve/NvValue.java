package dev.jslirp.bhyve;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The value of one nvlist pair: one record per {@link NvType}.
 *
 * <p>Strings (values and names) are C strings on the wire: bytes without NUL. Here each byte is one
 * {@code char} 0..255 (ISO-8859-1), so decoding never loses a byte, {@code equals} is libnv's
 * {@code strcmp}, and encoding gives the same bytes back. Whoever wants text (a VM name for a log)
 * re-decodes the bytes as UTF-8. Constructors reject what libnv would refuse to pack or unpack:
 * a NUL or a char above 0xFF in a string, empty BINARY, empty arrays.
 */
public sealed interface NvValue {

    NvType type();

    record NullValue() implements NvValue {
        public NvType type() { return NvType.NULL; }
        @Override public String toString() { return "null"; }
    }

    record BoolValue(boolean value) implements NvValue {
        public NvType type() { return NvType.BOOL; }
        @Override public String toString() { return Boolean.toString(value); }
    }

    /** NUMBER is an unsigned 64-bit integer on the wire; {@code value} holds its bits. */
    record NumberValue(long value) implements NvValue {
        public NvType type() { return NvType.NUMBER; }
        @Override public String toString() { return Long.toUnsignedString(value); }
    }

    record StringValue(String value) implements NvValue {
        public StringValue {
            checkCString(value, "string value");
        }
        public NvType type() { return NvType.STRING; }
        @Override public String toString() { return quote(value); }
    }

    record NvListValue(NvList value) implements NvValue {
        public NvListValue {
            if (value == null) throw new IllegalArgumentException("nested nvlist must not be null");
        }
        public NvType type() { return NvType.NVLIST; }
        @Override public String toString() { return value.toString(); }
    }

    /** A file descriptor of the receiving process (the wire carries only its index, see the decoder). */
    record DescriptorValue(int fd) implements NvValue {
        public DescriptorValue {
            if (fd < 0) throw new IllegalArgumentException("descriptor must be >= 0: " + fd);
        }
        public NvType type() { return NvType.DESCRIPTOR; }
        @Override public String toString() { return "fd:" + fd; }
    }

    /** Raw bytes, at least one (libnv rejects an empty BINARY). Copies in and out. */
    record BinaryValue(byte[] value) implements NvValue {
        public BinaryValue {
            if (value == null || value.length == 0) throw new IllegalArgumentException("BINARY must not be empty");
            value = value.clone();
        }
        public NvType type() { return NvType.BINARY; }
        @Override public byte[] value() { return value.clone(); }
        @Override public boolean equals(Object o) { return o instanceof BinaryValue b && Arrays.equals(value, b.value); }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return "0x" + HexFormat.of().formatHex(value); }
    }

    record BoolArrayValue(List<Boolean> value) implements NvValue {
        public BoolArrayValue {
            value = nonEmptyCopy(value, "BOOL_ARRAY");
        }
        public NvType type() { return NvType.BOOL_ARRAY; }
        @Override public String toString() { return value.toString(); }
    }

    /** Elements are unsigned 64-bit values held in {@code long}s. */
    record NumberArrayValue(List<Long> value) implements NvValue {
        public NumberArrayValue {
            value = nonEmptyCopy(value, "NUMBER_ARRAY");
        }
        public NvType type() { return NvType.NUMBER_ARRAY; }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < value.size(); i++) sb.append(i == 0 ? "" : ", ").append(Long.toUnsignedString(value.get(i)));
            return sb.append(']').toString();
        }
    }

    record StringArrayValue(List<String> value) implements NvValue {
        public StringArrayValue {
            value = nonEmptyCopy(value, "STRING_ARRAY");
            for (String s : value) checkCString(s, "STRING_ARRAY element");
        }
        public NvType type() { return NvType.STRING_ARRAY; }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < value.size(); i++) sb.append(i == 0 ? "" : ", ").append(quote(value.get(i)));
            return sb.append(']').toString();
        }
    }

    record NvListArrayValue(List<NvList> value) implements NvValue {
        public NvListArrayValue {
            value = nonEmptyCopy(value, "NVLIST_ARRAY");
        }
        public NvType type() { return NvType.NVLIST_ARRAY; }
        @Override public String toString() { return value.toString(); }
    }

    record DescriptorArrayValue(List<Integer> value) implements NvValue {
        public DescriptorArrayValue {
            value = nonEmptyCopy(value, "DESCRIPTOR_ARRAY");
            for (int fd : value) if (fd < 0) throw new IllegalArgumentException("descriptor must be >= 0: " + fd);
        }
        public NvType type() { return NvType.DESCRIPTOR_ARRAY; }
        @Override public String toString() { return "fd:" + value; }
    }

    /** Rejects what cannot be a C string of single bytes: null, a NUL, a char above 0xFF. */
    static void checkCString(String s, String what) {
        if (s == null) throw new IllegalArgumentException(what + " must not be null");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) throw new IllegalArgumentException(what + " contains NUL at index " + i);
            if (c > 0xFF) throw new IllegalArgumentException(what + " has a char above 0xFF at index " + i + " (strings are bytes, ISO-8859-1)");
        }
    }

    private static <T> List<T> nonEmptyCopy(List<T> list, String what) {
        if (list == null || list.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
        return List.copyOf(list); // also rejects null elements
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7F) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
