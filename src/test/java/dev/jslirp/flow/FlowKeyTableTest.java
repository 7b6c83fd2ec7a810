package dev.jslirp.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowKeyTableTest {
    @Test
    void behavesLikeAMapUnderRandomInsertsAndRemoves() {
        FlowKeyTable table = new FlowKeyTable(1000);
        Map<String, Integer> model = new HashMap<>();
        Random random = new Random(7);
        for (int step = 0; step < 200_000; step++) {
            int proto = random.nextBoolean() ? 6 : 17;
            int guestPort = random.nextInt(64), peerPort = random.nextInt(16);
            int guest = 0x0A00020F, peer = 0x0A000200 | random.nextInt(4);
            String key = proto + "/" + guestPort + "/" + peer + "/" + peerPort;
            Integer expected = model.get(key);
            assertEquals(expected == null ? -1 : expected, table.get(proto, guest, guestPort, peer, peerPort));
            if (expected == null && model.size() < 1000 && random.nextInt(3) > 0) {
                int flow = random.nextInt(1 << 20);
                assertEquals(true, table.put(proto, guest, guestPort, peer, peerPort, flow));
                model.put(key, flow);
            } else if (expected != null && random.nextBoolean()) {
                assertEquals(expected, table.remove(proto, guest, guestPort, peer, peerPort));
                model.remove(key);
            }
            assertEquals(model.size(), table.size());
        }
    }

    @Test
    void refusesToOverfill() {
        FlowKeyTable table = new FlowKeyTable(4);
        int inserted = 0;
        for (int i = 0; i < 100; i++) if (table.put(6, 1, i, 2, 80, i)) inserted++;
        assertEquals(table.size(), inserted);
        assertFalse(table.put(6, 1, 1000, 2, 80, 1000));
    }
}
