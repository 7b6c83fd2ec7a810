package dev.jslirp.cli;

import java.util.HashSet;
import java.util.Set;

/**
 * The slirp4netns form's common command lines, parsed without picocli.
 *
 * <p>Why: building picocli's command model is ~200 ms of a cold JVM (reflection over every
 * option of every mode, annotation proxies, its type converters pulling in java.sql, java.time
 * and locale data) and its classes (class-file version 49) cannot be put in the AOT cache; the
 * slirp4netns form is the one programs start (podman, rootlesskit, the benchmarks), where the
 * time from spawn to the guest's first DHCP lease counts.
 *
 * <p>The QEMU stream form's {@code --socket PATH} with the same options and no operand is
 * handled too: the launcher trains the JVM's AOT cache on that form, and a cache trained through
 * picocli holds ~230 classes (regex, java.time, reflection, java.sql) that every later start
 * then maps and loads, ~2.5 MiB of resident memory for nothing (docs/benchmarks.md).
 *
 * <p>Only a whitelist is handled: flags and single-valued options of the slirp4netns form whose
 * values picocli would store unchanged (strings) or as plain decimal integers, each given at
 * most once ({@code --hostfwd} may repeat), then exactly two operands (none with
 * {@code --socket}). Anything else (help,
 * {@code @files}, {@code --}, subcommands, other options, a malformed value, a repeated option)
 * returns null and picocli parses the whole line, so its errors and help stay the only ones.
 * MainTest checks that both parsers fill the same fields for the forms handled here.
 */
final class QuickArgs {
    private QuickArgs() {}

    /** A {@link Main} filled as picocli would fill it, or null if picocli must parse {@code args}. */
    static Main parse(String[] args) {
        Main m = new Main();
        NetworkOptions n = m.network;
        Slirp4netnsOptions s = m.slirp4netns;
        Set<String> seen = new HashSet<>();
        int operands = 0;
        String[] operand = new String[2];
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.isEmpty() || arg.charAt(0) == '@') return null;
            if (arg.equals("-")) return null;
            if (arg.charAt(0) != '-') {
                if (operands == 2) return null;
                operand[operands++] = arg;
                continue;
            }
            if (operands > 0) return null; // picocli allows options after operands; keep it simple
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            name = switch (name) {
                case "-c" -> "--configure";
                case "-m" -> "--mtu";
                case "-e" -> "--exit-fd";
                case "-r" -> "--ready-fd";
                default -> name;
            };
            if (!name.equals("--hostfwd") && !seen.add(name)) return null;
            boolean flag = switch (name) {
                case "--open", "--restricted", "--configure", "--disable-host-loopback", "--no-offload",
                        "--disable-dns", "--enable-sandbox", "--enable-seccomp", "--splice-forwards" -> true;
                default -> false;
            };
            if (flag) {
                if (value != null) return null;
                switch (name) {
                    case "--open" -> n.open = Boolean.TRUE;
                    case "--restricted" -> n.restricted = Boolean.TRUE;
                    case "--configure" -> m.configure = true;
                    case "--disable-host-loopback" -> n.disableHostLoopback = true;
                    case "--no-offload" -> n.noOffload = true;
                    case "--disable-dns" -> s.disableDns = true;
                    case "--splice-forwards" -> n.spliceForwards = true;
                    case "--enable-sandbox" -> s.enableSandbox = true;
                    default -> s.enableSeccomp = true;
                }
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) return null;
                value = args[++i];
                if (value.startsWith("-")) return null; // picocli may read it as an option
            }
            switch (name) {
                case "--socket" -> m.qemu.socket = value;
                case "--netns-type" -> m.netnsType = value;
                case "--dns-upstream" -> n.dnsUpstream = value;
                case "--hostfwd" -> n.hostfwd.add(value);
                case "--mtu" -> { if ((n.mtu = decimal(value)) == null) return null; }
                case "--exit-fd" -> { if ((s.exitFd = decimal(value)) == null) return null; }
                case "--ready-fd" -> { if ((s.readyFd = decimal(value)) == null) return null; }
                default -> { return null; }
            }
        }
        if (m.qemu.socket != null) return operands == 0 ? m : null;
        if (operands != 2) return null;
        m.operands = java.util.List.of(operand[0], operand[1]);
        return m;
    }

    /** A plain decimal int (no sign, no leading zero, no overflow), else null. */
    private static Integer decimal(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) return null;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return null;
        }
        return Integer.valueOf(s);
    }
}
