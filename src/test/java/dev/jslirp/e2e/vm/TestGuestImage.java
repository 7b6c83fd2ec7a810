package dev.jslirp.e2e.vm;

import dev.jslirp.e2e.Commands;
import dev.jslirp.e2e.ExecResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The small Linux guest the QEMU tests boot: Debian's cloud kernel (linux-image-cloud-amd64,
 * /boot/vmlinuz-*-cloud-amd64) and a busybox-static initramfs built by
 * {@code src/test/vm/build-guest.sh} around {@code src/test/vm/init}. Built once and cached in
 * {@code target/guest/KERNEL-HASH/}, keyed by the kernel version and a hash of the build
 * script, init and udhcpc script, so changing any of them rebuilds.
 */
public record TestGuestImage(Path kernel, Path initramfs, String kernelVersion, Duration buildTime) {

    /** Why the guest cannot be built here, or null. */
    public static String unavailableReason() {
        if (installedKernelVersion() == null) return "no /boot/vmlinuz-*-cloud-amd64 (apt-get install linux-image-cloud-amd64; see .ci/run)";
        if (!Files.isExecutable(Path.of("/bin/busybox"))) return "no /bin/busybox (busybox-static)";
        if (!Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"))) return "no qemu-system-x86_64 (qemu-system-x86)";
        return null;
    }

    /** The newest installed cloud kernel's version, or null. */
    static String installedKernelVersion() {
        try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
            return boot.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("vmlinuz-") && n.endsWith("-cloud-amd64"))
                    .map(n -> n.substring("vmlinuz-".length()))
                    .filter(v -> Files.isDirectory(Path.of("/lib/modules", v)))
                    .sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Builds (or reuses) the guest. */
    public static synchronized TestGuestImage get() {
        String kver = installedKernelVersion();
        if (kver == null) throw new IllegalStateException(unavailableReason());
        Path sources = basedir().resolve("src/test/vm");
        String key = kver + "-" + hash(sources.resolve("build-guest.sh"), sources.resolve("init"), sources.resolve("udhcpc.script"));
        Path dir = basedir().resolve("target/guest").resolve(key);
        Path kernel = dir.resolve("vmlinuz"), initramfs = dir.resolve("initramfs.gz");
        if (Files.isRegularFile(kernel) && Files.isRegularFile(initramfs)) return new TestGuestImage(kernel, initramfs, kver, Duration.ZERO);
        ExecResult r = Commands.run(Duration.ofSeconds(120),
                List.of("sh", sources.resolve("build-guest.sh").toString(), kver, dir.toString()));
        r.assertOk();
        return new TestGuestImage(kernel, initramfs, kver, r.elapsed());
    }

    private static Path basedir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    }

    private static String hash(Path... files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) sha.update(Files.readAllBytes(f));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
