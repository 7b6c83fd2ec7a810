package dev.jslirp.cli;

import dev.jslirp.config.SocketAddressV4;
import dev.jslirp.wire.Ipv4Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's resolver from /etc/resolv.conf: the default DNS upstream. */
final class ResolvConf {
    private ResolvConf() {}

    static SocketAddressV4 firstNameserver() {
        return firstNameserver(Path.of("/etc/resolv.conf"));
    }

    static SocketAddressV4 firstNameserver(Path file) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")) {
                    try {
                        return new SocketAddressV4(Ipv4Address.parse(words[1]), 53);
                    } catch (IllegalArgumentException e) {
                        // an IPv6 nameserver: look for an IPv4 one
                    }
                }
            }
        } catch (IOException e) {
            // fall through: no resolv.conf
        }
        throw new IllegalArgumentException("no IPv4 nameserver in " + file + "; give one with --dns-upstream ADDR[:PORT]");
    }
}
