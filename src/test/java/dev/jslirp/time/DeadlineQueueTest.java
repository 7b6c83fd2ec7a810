package dev.jslirp.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The deadline heap against a plain map of slot -> deadline, under any sequence of operations. */
class DeadlineQueueTest {
    private static final int SLOTS = 12;

    /** One operation: slot, and a deadline (MAX_VALUE removes; -1 stands for remove()). */
    record Op(int slot, long deadline) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> deadlines = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 20)),   // many equal deadlines
                net.jqwik.api.Tuple.of(2, Arbitraries.longs()),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(-1L)));
        return Combinators.combine(Arbitraries.integers().between(0, SLOTS - 1), deadlines).as(Op::new)
                .list().ofMaxSize(200);
    }

    @Property(tries = 1000)
    void agreesWithAMapAfterEveryOperation(@ForAll("ops") List<Op> ops) {
        DeadlineQueue q = new DeadlineQueue(SLOTS);
        Map<Integer, Long> model = new HashMap<>();
        for (Op op : ops) {
            if (op.deadline() == -1) {
                q.remove(op.slot());
                model.remove(op.slot());
            } else {
                q.schedule(op.slot(), op.deadline());
                if (op.deadline() == Long.MAX_VALUE) model.remove(op.slot()); else model.put(op.slot(), op.deadline());
            }
            assertEquals(model.size(), q.size());
            long min = model.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
            assertEquals(min, q.earliestNs());
            if (!model.isEmpty()) assertEquals(min, model.get(q.earliestSlot()), "the earliest slot holds the earliest deadline");
            for (int s = 0; s < SLOTS; s++) assertEquals(model.getOrDefault(s, Long.MAX_VALUE), q.deadlineOf(s));
        }
        // Draining yields every deadline in order.
        long previous = Long.MIN_VALUE;
        while (!q.isEmpty()) {
            int s = q.earliestSlot();
            long d = q.earliestNs();
            assertTrue(d >= previous);
            assertEquals(model.remove(s), d);
            q.remove(s);
            previous = d;
        }
        assertTrue(model.isEmpty());
    }

    @Test
    void anEmptyQueueHasNoEarliestSlot() {
        DeadlineQueue q = new DeadlineQueue(1);
        assertTrue(q.isEmpty());
        assertEquals(Long.MAX_VALUE, q.earliestNs());
        assertThrows(IllegalStateException.class, q::earliestSlot);
        q.remove(0); // removing what is not there is nothing
        q.schedule(0, 5);
        assertFalse(q.isEmpty());
        assertEquals(0, q.earliestSlot());
    }
}
