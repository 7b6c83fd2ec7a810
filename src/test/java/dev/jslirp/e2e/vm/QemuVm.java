package dev.jslirp.e2e.vm;

import dev.jslirp.e2e.Await;
import dev.jslirp.e2e.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One boot of the {@link TestGuestImage} under qemu-system-x86_64 with a virtio-net NIC on the
 * given {@code -netdev}. The serial console is QEMU's standard output, written to a file we
 * read while it runs; the guest's init reports {@code RESULT <check> <status> [detail]} lines.
 * KVM only when the CPU advertises vmx/svm (a /dev/kvm without them fails), else TCG.
 */
public final class QemuVm implements AutoCloseable {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\S+) ?(.*)");

    private final Process process;
    private final Path console;
    private final long startNs = System.nanoTime();

    private QemuVm(Process process, Path console) {
        this.process = process;
        this.console = console;
    }

    /**
     * @param netdev the whole {@code -netdev} value, id n0
     * @param params name=value words for the guest's init (no dots in names: the kernel keeps those)
     */
    public static QemuVm boot(TestGuestImage image, String netdev, String deviceExtra, Map<String, String> params) {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35", "-m", "256",
                "-nographic", "-no-reboot", "-accel", kvmUsable() ? "kvm" : "tcg",
                "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString()));
        StringBuilder append = new StringBuilder("console=ttyS0 quiet panic=-1");
        params.forEach((k, v) -> append.append(' ').append(k).append('=').append(v));
        cmd.addAll(List.of("-append", append.toString(), "-netdev", netdev,
                "-device", "virtio-net-pci,netdev=n0" + deviceExtra));
        try {
            Path console = Files.createTempFile("jslirp-qemu-console", ".txt");
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
            return new QemuVm(p, console);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    static boolean kvmUsable() {
        try {
            String cpu = Files.readString(Path.of("/proc/cpuinfo"));
            return Files.exists(Path.of("/dev/kvm")) && Pattern.compile("\\b(vmx|svm)\\b").matcher(cpu).find();
        } catch (IOException e) {
            return false;
        }
    }

    public String console() {
        try {
            return Files.readString(console, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** check name → "status detail", in the order the guest printed them. */
    public Map<String, String> results() {
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : console().split("\r?\n")) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) results.put(m.group(1), (m.group(2) + " " + m.group(3)).trim());
        }
        return results;
    }

    /** Waits until the guest reported {@code check}. */
    public void awaitResult(String check, Duration timeout) {
        Await.until(() -> results().containsKey(check) || !process.isAlive(), timeout, "RESULT " + check + " from the guest");
        if (!results().containsKey(check)) throw new AssertionError("QEMU exited before RESULT " + check + ":\n" + console());
    }

    /** Waits for the guest to power off (QEMU exits with -no-reboot); fails with the console on timeout. */
    public Duration awaitExit(Duration timeout) {
        Await.until(() -> !process.isAlive(), timeout, "the guest to power off; console:\n" + console());
        return elapsed();
    }

    public Duration elapsed() { return Duration.ofNanos(System.nanoTime() - startNs); }

    @Override
    public void close() {
        Commands.kill(process, Duration.ofSeconds(2));
        try {
            Files.deleteIfExists(console);
        } catch (IOException e) {
            // temp file
        }
    }
}
