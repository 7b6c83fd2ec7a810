package dev.jslirp.tcp;

/**
 * The bytes all TCP flows together may hold in their send and receive buffers. A buffer
 * starts small and grows (doubling, up to its flow's cap) only while the budget allows, so
 * 10,000 idle flows cost nothing and 10,000 busy ones cost at most the budget plus each
 * flow's first chunk. The first chunk is always granted ({@link #force}): a flow must be able
 * to move some data, or it would stall; the caps on flows bound what that adds up to.
 *
 * <p>It also keeps a few freed first chunks ({@link SendBuffer#INITIAL} and
 * {@link ReceiveBuffer#INITIAL_WINDOW} bytes) for the next flows: short connections then
 * reuse memory instead of allocating 80 KiB each, which under churn (thousands a second)
 * was the garbage that made the heap grow. The pool is bounded, so it holds at most
 * {@code POOLED * (16 + 64)} KiB.
 *
 * <p>One thread (the event loop) uses it; plain fields.
 */
public final class BufferBudget {
    /** No limit (unit tests of one connection). */
    public static final BufferBudget UNLIMITED = new BufferBudget(Long.MAX_VALUE);

    /** Freed first chunks kept per size. */
    static final int POOLED = 16;

    private final long total;
    private long used;
    private final Ring[] pooledSend, pooledReceive;
    private int sendCount, receiveCount;
    /** Growth requests refused because the budget was spent. */
    public long refused;

    public BufferBudget(long totalBytes) {
        if (totalBytes < 0) throw new IllegalArgumentException("negative budget");
        this.total = totalBytes;
        // UNLIMITED is shared by tests on any thread: it does not pool.
        int slots = totalBytes == Long.MAX_VALUE ? 0 : POOLED;
        this.pooledSend = new Ring[slots];
        this.pooledReceive = new Ring[slots];
    }

    /** A ring of {@code size} bytes: a pooled one if there is one (its old bytes are never read). */
    Ring take(int size) {
        if (size == SendBuffer.INITIAL && sendCount > 0) return unpool(pooledSend, --sendCount);
        if (size == ReceiveBuffer.INITIAL_WINDOW && receiveCount > 0) return unpool(pooledReceive, --receiveCount);
        return Ring.allocate(size);
    }

    /**
     * A ring no longer used: kept for {@link #take} if it is a first-chunk size and there is
     * room, else its memory goes back to the OS. The caller must drop its reference.
     */
    void give(Ring ring) {
        int size = ring.size;
        if (size == SendBuffer.INITIAL && sendCount < pooledSend.length) {
            pooledSend[sendCount++] = ring;
        } else if (size == ReceiveBuffer.INITIAL_WINDOW && receiveCount < pooledReceive.length) {
            pooledReceive[receiveCount++] = ring;
        } else {
            ring.free();
        }
    }

    private static Ring unpool(Ring[] pool, int i) {
        Ring r = pool[i];
        pool[i] = null;
        return r;
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
