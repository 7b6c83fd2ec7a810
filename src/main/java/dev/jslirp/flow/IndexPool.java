package dev.jslirp.flow;

/** Hands out flow indexes 0..capacity-1 from a free stack: no allocation after construction. */
public final class IndexPool {
    private final int[] free;
    private final boolean[] used;
    private int top;

    public IndexPool(int capacity) {
        free = new int[capacity];
        used = new boolean[capacity];
        for (int i = 0; i < capacity; i++) free[i] = capacity - 1 - i;
        top = capacity;
    }

    /** @return a free index, or -1 when all are in use */
    public int acquire() {
        if (top == 0) return -1;
        int index = free[--top];
        used[index] = true;
        return index;
    }

    public void release(int index) {
        if (!used[index]) throw new IllegalStateException("index " + index + " released twice");
        used[index] = false;
        free[top++] = index;
    }

    public boolean inUse(int index) { return used[index]; }

    public int inUseCount() { return free.length - top; }

    public int capacity() { return free.length; }
}
