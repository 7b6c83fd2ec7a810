package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Handles are linked on first call (Native, "Lazy linking"), so a misspelt symbol or a bad
 * descriptor would only show when that call is first made: link every one here.
 */
class LazyLinkingTest {
    @Test
    void everyHandleLinks() throws Exception {
        assertDoesNotThrow(Native::linkAll);
        int holders = 0;
        for (Class<?> binding : new Class<?>[] {Sys.class, Sockets.class, Epoll.class, Namespaces.class,
                Privileges.class, Spawn.class, Landlock.class, Errno.class}) {
            for (Class<?> holder : binding.getDeclaredClasses()) {
                Field f;
                try {
                    f = holder.getDeclaredField("HANDLE");
                } catch (NoSuchFieldException e) {
                    continue;
                }
                f.setAccessible(true);
                Object h = f.get(null);
                assertTrue(h instanceof MethodHandle || h instanceof Optional<?>, holder.getName());
                holders++;
            }
        }
        assertTrue(holders >= 60, "holders found: " + holders);
    }
}
