package dev.jslirp.os;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Handles are linked on first call (Native, "Lazy linking"), so a misspelt symbol or a bad
 * descriptor would only show when that call is first made: link every one here (the two
 * syscall(2) handles and the bindings' own), and check that {@link Native#linkAll} knows every
 * class that keeps handles (one it missed would fail to load after Landlock).
 */
class LazyLinkingTest {
    @Test
    void everyHandleLinks() throws Exception {
        assertDoesNotThrow(Native::linkAll);
        int holders = 0;
        for (Class<?> binding : Native.BINDINGS) {
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
        assertTrue(holders >= 20, "holders found: " + holders);
    }

    @Test
    void linkAllKnowsEveryClassWithHandleHolders() throws Exception {
        File dir = new File(Native.class.getResource("Native.class").toURI()).getParentFile();
        List<Class<?>> known = Arrays.asList(Native.BINDINGS);
        int checked = 0;
        for (String name : dir.list()) {
            if (!name.endsWith(".class") || !name.contains("$")) continue;
            Class<?> nested = Class.forName("dev.jslirp.os." + name.substring(0, name.length() - 6), false,
                    Native.class.getClassLoader());
            if (Arrays.stream(nested.getDeclaredFields()).noneMatch(f -> f.getName().equals("HANDLE"))) continue;
            Class<?> outer = nested.getEnclosingClass();
            assertTrue(known.contains(outer), outer.getSimpleName() + " keeps handles but is not in Native.BINDINGS");
            checked++;
        }
        assertTrue(checked >= 20, "holder classes found: " + checked);
    }
}
