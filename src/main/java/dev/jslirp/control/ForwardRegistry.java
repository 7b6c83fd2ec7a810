package dev.jslirp.control;

import dev.jslirp.config.Config;
import dev.jslirp.config.HostForward;
import dev.jslirp.tcp.TcpNat;
import dev.jslirp.udp.UdpNat;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Port forwards by id, as slirp4netns's API numbers them: the ones given at start (ids 1..n in
 * command-line order) and the ones added through {@code add_hostfwd}. Adding binds the host
 * port at once; removing closes it at once (connections already accepted go on). Loop thread only.
 */
public final class ForwardRegistry {
    /** One forward: its id, its rule as given, and the NAT's listener index. */
    public record Entry(int id, HostForward rule, int listenerIndex) {}

    private final Config config;
    private final TcpNat tcp;
    private final UdpNat udp;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();
    private int nextId = 1;

    public ForwardRegistry(Config config, TcpNat tcp, UdpNat udp) {
        this.config = config;
        this.tcp = tcp;
        this.udp = udp;
    }

    /** Records the forwards {@code bindForwards} bound, in the listener order the NATs used. */
    public void registerStartupForwards() {
        int tcpIndex = 0, udpIndex = 0;
        for (HostForward f : config.forwards()) {
            int index = f.protocol() == HostForward.Protocol.TCP ? tcpIndex++ : udpIndex++;
            entries.put(nextId, new Entry(nextId, f, index));
            nextId++;
        }
    }

    /** Binds a new forward. @return its id @throws IllegalStateException if the host port cannot be bound */
    public int add(HostForward rule) {
        int index = rule.protocol() == HostForward.Protocol.TCP ? tcp.addForward(rule) : udp.addForward(rule);
        int id = nextId++;
        entries.put(id, new Entry(id, rule, index));
        return id;
    }

    /** @return false if no forward has that id */
    public boolean remove(int id) {
        Entry e = entries.remove(id);
        if (e == null) return false;
        if (e.rule().protocol() == HostForward.Protocol.TCP) tcp.removeForward(e.listenerIndex());
        else udp.removeForward(e.listenerIndex());
        return true;
    }

    public List<Entry> list() { return new ArrayList<>(entries.values()); }

    /** The port the forward is actually bound to (differs from the rule's when it asked for 0). */
    public int boundPort(Entry e) {
        int p = e.rule().protocol() == HostForward.Protocol.TCP ? tcp.boundPort(e.listenerIndex()) : udp.boundPort(e.listenerIndex());
        return p > 0 ? p : e.rule().hostPort();
    }

    /** The guest address a forward reaches. */
    public int guestAddr(Entry e) { return config.guestAddrOf(e.rule()); }
}
