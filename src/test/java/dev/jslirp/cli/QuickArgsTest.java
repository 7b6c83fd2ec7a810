package dev.jslirp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The quick parser fills exactly what picocli fills, or leaves the line to picocli. */
class QuickArgsTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "--open --dns-upstream 127.0.0.1:5353 --netns-type=path /run/netns/x tap0",
            "--configure --mtu 65520 --open --dns-upstream 127.0.0.1:40001 --hostfwd tcp:127.0.0.1:40002-:5201 --netns-type=path /run/netns/jb1-g tap0",
            "-c -m 1500 --hostfwd=tcp::8080-:80 --hostfwd udp::53-:53 1234 tap0",
            "--disable-host-loopback --mtu=65520 --enable-sandbox --enable-seccomp -c -e 3 -r 4 --netns-type=path /run/user/1000/netns/n tap0",
            "--restricted --no-offload --disable-dns 1 eth0",
            "--configure --splice-forwards --hostfwd tcp:127.0.0.1:40002-:5201 --netns-type=path /run/netns/jb1-g tap0",
            "1 tap0",
            "--socket /tmp/s",
            "--socket /tmp/train.sock --dns-upstream 127.0.0.1:53",
            "--socket=tcp:127.0.0.1:5555 --open --mtu 65520 --hostfwd tcp::2222-:22",
    })
    void sameFieldsAsPicocli(String line) throws Exception {
        String[] args = line.split(" ");
        Main quick = QuickArgs.parse(args);
        assertNotNull(quick, line);
        Main picocli = new Main();
        new CommandLine(picocli).parseArgs(args);
        assertEquals(fields(picocli), fields(quick), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "--help", "--version", "run -- true", "demo", "-S 3",
            "--socket /tmp/s 1 tap0",          // operands with --socket: picocli's error
            "--socket /tmp/s --one-off",       // not on the whitelist
            "--socket /tmp/s --socket /tmp/t",
            "--open --open 1 tap0",            // picocli reports the repeat
            "--mtu 010 1 tap0",                // not plain decimal
            "--mtu -5 1 tap0",
            "--mtu",                            // value missing
            "--open=true 1 tap0",
            "--cidr 10.1.0.0/24 1 tap0",        // not on the whitelist
            "1 tap0 extra", "1", "",
            "1 tap0 --open",                    // option after operands
            "@args.txt", "-- 1 tap0", "- tap0", "-co 1 tap0",
    })
    void othersGoToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertNull(QuickArgs.parse(args), line);
    }

    /** Every option-holding field of Main and its mixins, rendered. */
    private static List<String> fields(Object o) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        collect(o, o.getClass().getSimpleName(), out);
        return out;
    }

    private static void collect(Object o, String path, List<String> out) throws IllegalAccessException {
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
            f.setAccessible(true);
            Object v = f.get(o);
            if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                collect(v, path + "." + f.getName(), out);
            } else if (f.isAnnotationPresent(CommandLine.Option.class) || f.isAnnotationPresent(CommandLine.Parameters.class)) {
                out.add(path + "." + f.getName() + "=" + v);
            }
        }
    }
}
