package dev.jslirp.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Native rings: zeroed, addressable, unusable once freed, and freed exactly when the budget does not keep them. */
class RingTest {
    @Test
    void aRingIsZeroedNativeMemoryItsBufferAndAddressAgreeOn() {
        Ring r = Ring.allocate(64 * 1024);
        assertEquals(64 * 1024, r.size);
        assertTrue(r.address() != 0 && r.buffer.isDirect());
        assertEquals(0, r.buffer.getLong(r.size - 8), "fresh anonymous memory is zero");
        r.buffer.putInt(100, 0x01020304);
        assertEquals(0x01020304, java.lang.foreign.MemorySegment.ofAddress(r.address() + 100).reinterpret(4)
                .get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0));
        r.free();
        assertTrue(r.isFreed());
        r.free(); // idempotent
    }

    @Test
    void aFreedRingRefusesEveryAccessInsteadOfTouchingUnmappedMemory() {
        Ring r = Ring.allocate(16 * 1024);
        java.nio.ByteBuffer stale = r.buffer;
        r.free();
        assertThrows(IllegalStateException.class, () -> stale.get(0));
        assertThrows(IllegalStateException.class, () -> stale.put(10, (byte) 1));
        assertThrows(IllegalStateException.class, () -> java.nio.ByteBuffer.allocate(8).put(0, stale, 0, 8));
        assertThrows(IllegalStateException.class, r::address, "syscalls take the address: it is refused too");
    }

    @Test
    void theBudgetKeepsFirstChunksAndFreesTheRest() {
        BufferBudget budget = new BufferBudget(1 << 20);
        Ring first = budget.take(SendBuffer.INITIAL);
        Ring grown = budget.take(8 * SendBuffer.INITIAL);
        budget.give(first);
        budget.give(grown);
        assertFalse(first.isFreed(), "a first chunk is pooled for the next flow");
        assertTrue(grown.isFreed(), "a grown ring goes back to the OS at once");
        assertTrue(budget.take(SendBuffer.INITIAL) == first);
    }

    @Test
    void theUnlimitedBudgetOfUnitTestsPoolsNothing() {
        Ring r = BufferBudget.UNLIMITED.take(SendBuffer.INITIAL);
        BufferBudget.UNLIMITED.give(r);
        assertTrue(r.isFreed());
    }
}
