package dev.jslirp.bhyve;

/** One name/value pair of an {@link NvList}. The name is a C string of 0..2047 bytes (chars 1..0xFF). */
public record NvPair(String name, NvValue value) {
    public NvPair {
        NvValue.checkCString(name, "pair name");
        if (name.length() > NvList.NAME_MAX_LENGTH) {
            throw new IllegalArgumentException("pair name longer than " + NvList.NAME_MAX_LENGTH + " bytes");
        }
        if (value == null) throw new IllegalArgumentException("pair value must not be null");
    }

    @Override
    public String toString() { return name + "=" + value; }
}
