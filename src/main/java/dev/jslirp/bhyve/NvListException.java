package dev.jslirp.bhyve;

/**
 * A packed nvlist was rejected. The message names the problem and the byte offset
 * (from the start of the packed buffer) where it was found; {@link #offset()} gives it too.
 */
public final class NvListException extends Exception {
    private final long offset;

    public NvListException(String problem, long offset) {
        super(problem + " at offset " + offset);
        this.offset = offset;
    }

    /** Byte offset into the packed buffer of the field that was rejected. */
    public long offset() { return offset; }
}
