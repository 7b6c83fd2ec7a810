package dev.jslirp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", description = "A self-contained demonstration: a guest namespace, a host server, DHCP, DNS, NAT and a port forward.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("demo: not yet");
    }
}
