package dev.jslirp.tcp;

/**
 * The bytes all TCP flows together may hold in their send and receive buffers. A buffer
 * starts small and grows (doubling, up to its flow's cap) only while the budget allows, so
 * 10,000 idle flows cost nothing and 10,000 busy ones cost at most the budget plus each
 * flow's first chunk. The first chunk is always granted ({@link #force}): a flow must be able
 * to move some data, or it would stall; the caps on flows bound what that adds up to.
 *
 * <p>One thread (the event loop) uses it; plain fields.
 */
public final class BufferBudget {
    /** No limit (unit tests of one connection). */
    public static final BufferBudget UNLIMITED = new BufferBudget(Long.MAX_VALUE);

    private final long total;
    private long used;
    /** Growth requests refused because the budget was spent. */
    public long refused;

    public BufferBudget(long totalBytes) {
        if (totalBytes < 0) throw new IllegalArgumentException("negative budget");
        this.total = totalBytes;
    }

    /** Takes {@code n} bytes if they fit. */
    public boolean tryReserve(int n) {
        if (n > total - used) {
            refused++;
            return false;
        }
        used += n;
        return true;
    }

    /** Takes {@code n} bytes even beyond the budget (a flow's first chunk). */
    void force(int n) { used += n; }

    public void release(int n) {
        used -= n;
        assert used >= 0 : "budget released more than reserved";
    }

    public long used() { return used; }

    public long total() { return total; }
}
