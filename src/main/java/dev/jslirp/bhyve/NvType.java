package dev.jslirp.bhyve;

/**
 * libnv pair types with their stable ABI codes ({@code sys/sys/nv.h}; wire spec §4).
 * The two marker codes (254, 255) only structure the packed form and never appear in an {@link NvList}.
 */
public enum NvType {
    NULL(1), BOOL(2), NUMBER(3), STRING(4), NVLIST(5), DESCRIPTOR(6), BINARY(7),
    BOOL_ARRAY(8), NUMBER_ARRAY(9), STRING_ARRAY(10), NVLIST_ARRAY(11), DESCRIPTOR_ARRAY(12);

    /** Wire code of the marker that closes one element of an NVLIST_ARRAY. */
    public static final int NVLIST_ARRAY_NEXT_CODE = 254;
    /** Wire code of the marker that closes a nested NVLIST. */
    public static final int NVLIST_UP_CODE = 255;

    private static final NvType[] BY_CODE = new NvType[13];

    static {
        for (NvType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;

    NvType(int code) { this.code = code; }

    public int code() { return code; }

    /** The data type for a wire code, or null for 0, 13..253 and the two markers. */
    public static NvType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public boolean isArray() { return code >= BOOL_ARRAY.code; }
}
