package dev.jslirp.bhyve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An immutable libnv name/value list: pairs in insertion (wire) order, as FreeBSD's libnv keeps them.
 *
 * <p>Names are unique within one list unless the list has {@link #NO_UNIQUE}; with {@link #IGNORE_CASE}
 * they are compared ignoring ASCII case ({@code strcasecmp} in the C locale), otherwise exactly
 * ({@code strcmp}): "Open" and "open" are two keys. Nested lists carry their own flags.
 *
 * <p>The typed getters follow libnv's {@code nvlist_get_TYPE}/{@code nvlist_exists_TYPE}: a pair of
 * another type counts as absent. That is also how bhyve's config code treats a non-string value.
 */
public final class NvList {
    /** Public flag: names compare ignoring ASCII case. */
    public static final int IGNORE_CASE = 0x01;
    /** Public flag: duplicate names are allowed. */
    public static final int NO_UNIQUE = 0x02;
    /** Longest name libnv will pack: NV_NAME_MAX (2048) including the terminating NUL. */
    public static final int NAME_MAX_LENGTH = 2047;

    private static final NvList EMPTY = new NvList(0, List.of());

    private final int flags;
    private final List<NvPair> pairs;

    private NvList(int flags, List<NvPair> pairs) {
        this.flags = flags;
        this.pairs = pairs;
    }

    public static NvList empty() { return EMPTY; }

    public static Builder builder() { return new Builder(0); }

    /** @param flags a combination of {@link #IGNORE_CASE} and {@link #NO_UNIQUE} */
    public static Builder builder(int flags) { return new Builder(flags); }

    public int flags() { return flags; }

    public List<NvPair> pairs() { return pairs; }

    public int size() { return pairs.size(); }

    public boolean isEmpty() { return pairs.isEmpty(); }

    /** The first pair with this name (any type), or null. */
    public NvPair find(String name) { return find(name, null); }

    /** The first pair with this name and type (any type when {@code type} is null), or null: libnv's nvlist_find. */
    public NvPair find(String name, NvType type) {
        for (NvPair p : pairs) {
            if ((type == null || p.value().type() == type) && namesEqual(flags, p.name(), name)) return p;
        }
        return null;
    }

    public boolean contains(String name) { return find(name) != null; }

    /** The value of the first pair with this name, or null. */
    public NvValue get(String name) {
        NvPair p = find(name);
        return p == null ? null : p.value();
    }

    /** The STRING value named {@code name}; null when absent or not a STRING. */
    public String getString(String name) {
        NvPair p = find(name, NvType.STRING);
        return p == null ? null : ((NvValue.StringValue) p.value()).value();
    }

    public Optional<Boolean> getBool(String name) {
        NvPair p = find(name, NvType.BOOL);
        return p == null ? Optional.empty() : Optional.of(((NvValue.BoolValue) p.value()).value());
    }

    /** The NUMBER value (unsigned 64-bit, in a long), empty when absent or not a NUMBER. */
    public OptionalLong getNumber(String name) {
        NvPair p = find(name, NvType.NUMBER);
        return p == null ? OptionalLong.empty() : OptionalLong.of(((NvValue.NumberValue) p.value()).value());
    }

    /** The nested list; null when absent or not an NVLIST. */
    public NvList getNvList(String name) {
        NvPair p = find(name, NvType.NVLIST);
        return p == null ? null : ((NvValue.NvListValue) p.value()).value();
    }

    public OptionalInt getDescriptor(String name) {
        NvPair p = find(name, NvType.DESCRIPTOR);
        return p == null ? OptionalInt.empty() : OptionalInt.of(((NvValue.DescriptorValue) p.value()).fd());
    }

    /** A copy of the BINARY value; null when absent or not BINARY. */
    public byte[] getBinary(String name) {
        NvPair p = find(name, NvType.BINARY);
        return p == null ? null : ((NvValue.BinaryValue) p.value()).value();
    }

    static boolean namesEqual(int flags, String a, String b) {
        if ((flags & IGNORE_CASE) == 0) return a.equals(b);
        if (a.length() != b.length()) return false;
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) return false;
        }
        return true;
    }

    private static char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c; }

    @Override
    public boolean equals(Object o) {
        return o instanceof NvList l && l.flags == flags && l.pairs.equals(pairs);
    }

    @Override
    public int hashCode() { return 31 * flags + pairs.hashCode(); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (flags != 0) sb.append("(flags=0x").append(Integer.toHexString(flags)).append(')');
        sb.append('{');
        for (int i = 0; i < pairs.size(); i++) sb.append(i == 0 ? "" : ", ").append(pairs.get(i));
        return sb.append('}').toString();
    }

    /**
     * Collects pairs in order. Adding a name that already exists (per the list's flags) fails with
     * IllegalArgumentException, as libnv's nvlist_add_* sets EEXIST.
     */
    public static final class Builder {
        private final int flags;
        private final List<NvPair> pairs = new ArrayList<>();
        private final Set<String> names = new HashSet<>(); // folded per IGNORE_CASE

        private Builder(int flags) {
            if ((flags & ~(IGNORE_CASE | NO_UNIQUE)) != 0) {
                throw new IllegalArgumentException("unknown nvlist flags 0x" + Integer.toHexString(flags));
            }
            this.flags = flags;
        }

        /** True when a pair named {@code name} may be added (always with NO_UNIQUE). */
        public boolean canAdd(String name) {
            return (flags & NO_UNIQUE) != 0 || !names.contains(key(name));
        }

        public Builder add(NvPair pair) {
            if (!canAdd(pair.name())) throw new IllegalArgumentException("duplicate name \"" + pair.name() + "\"");
            pairs.add(pair);
            names.add(key(pair.name()));
            return this;
        }

        public Builder add(String name, NvValue value) { return add(new NvPair(name, value)); }

        public Builder addNull(String name) { return add(name, new NvValue.NullValue()); }

        public Builder addBool(String name, boolean value) { return add(name, new NvValue.BoolValue(value)); }

        public Builder addNumber(String name, long value) { return add(name, new NvValue.NumberValue(value)); }

        public Builder addString(String name, String value) { return add(name, new NvValue.StringValue(value)); }

        public Builder addNvList(String name, NvList value) { return add(name, new NvValue.NvListValue(value)); }

        public Builder addDescriptor(String name, int fd) { return add(name, new NvValue.DescriptorValue(fd)); }

        public Builder addBinary(String name, byte[] value) { return add(name, new NvValue.BinaryValue(value)); }

        public Builder addBoolArray(String name, boolean... values) {
            List<Boolean> list = new ArrayList<>(values.length);
            for (boolean b : values) list.add(b);
            return add(name, new NvValue.BoolArrayValue(list));
        }

        public Builder addNumberArray(String name, long... values) {
            return add(name, new NvValue.NumberArrayValue(Arrays.stream(values).boxed().toList()));
        }

        public Builder addStringArray(String name, String... values) {
            return add(name, new NvValue.StringArrayValue(List.of(values)));
        }

        public Builder addNvListArray(String name, NvList... values) {
            return add(name, new NvValue.NvListArrayValue(List.of(values)));
        }

        public Builder addDescriptorArray(String name, int... fds) {
            return add(name, new NvValue.DescriptorArrayValue(Arrays.stream(fds).boxed().toList()));
        }

        private String key(String name) {
            return (flags & IGNORE_CASE) != 0 ? NvListDecoder.foldAscii(name) : name;
        }

        public NvList build() {
            return pairs.isEmpty() && flags == 0 ? EMPTY : new NvList(flags, List.copyOf(pairs));
        }
    }
}
