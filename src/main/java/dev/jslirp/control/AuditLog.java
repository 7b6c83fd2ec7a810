package dev.jslirp.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jslirp.flow.FlowObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --audit FILE}: one JSON object per line for every flow opened ({@code "verdict":"allow"}),
 * refused ({@code "verdict":"deny"} with the reason: {@code policy} or {@code mode}) and closed
 * (with the bytes each way). Written and flushed on the loop thread per flow event (never per
 * packet), so {@code tail -f} sees each line at once.
 *
 * <p>Without a file, policy denials still leave an audit line in the log (rate-limited to
 * {@link #LOG_PER_SECOND} a second, so a guest hammering a denied port cannot flood it).
 */
public final class AuditLog implements FlowObserver, AutoCloseable {
    private static final Logger LOG = System.getLogger("jslirp.audit");
    static final int LOG_PER_SECOND = 10;
    /** Made on first use: Jackson loads ~370 classes (metaspace, start-up) that a helper without
     *  --audit and without denials never needs. */
    private ObjectMapper json;
    private final OutputStream out;
    private long logWindowStartNs = Long.MIN_VALUE;
    private int loggedInWindow;
    public long linesWritten, writeErrors, logLinesSuppressed;

    private AuditLog(OutputStream out) { this.out = out; }

    /** Appends to {@code path} (created if missing). @throws IllegalArgumentException if it cannot be opened */
    public static AuditLog toFile(String path) {
        try {
            return new AuditLog(Files.newOutputStream(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--audit " + path + ": no such directory", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IllegalArgumentException("--audit " + path + ": permission denied", e);
        } catch (java.nio.file.FileSystemException e) {
            throw new IllegalArgumentException("--audit " + path + ": " + (e.getReason() != null ? e.getReason() : e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--audit " + path + ": " + e.getMessage(), e);
        }
    }

    /** Only policy denials, to the log. */
    public static AuditLog toLogOnly() { return new AuditLog(null); }

    @Override
    public void opened(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, boolean inbound, long nowNs) {
        if (out == null) return;
        Map<String, Object> line = base("open", protocol, guestAddr, guestPort, peerAddr, peerPort);
        line.put("direction", inbound ? "inbound" : "outbound");
        line.put("verdict", "allow");
        write(line);
    }

    /** As {@link #opened}, inbound, with {@code "path":"splice"}: the bytes do not cross the tap. */
    @Override
    public void openedSpliced(int guestAddr, int guestPort, int peerAddr, int peerPort, long nowNs) {
        if (out == null) return;
        Map<String, Object> line = base("open", dev.jslirp.wire.Ipv4Packet.PROTOCOL_TCP, guestAddr, guestPort, peerAddr, peerPort);
        line.put("direction", "inbound");
        line.put("path", "splice");
        line.put("verdict", "allow");
        write(line);
    }

    @Override
    public void denied(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort, String reason, long nowNs) {
        Map<String, Object> line = base("deny", protocol, guestAddr, guestPort, peerAddr, peerPort);
        line.put("direction", "outbound");
        line.put("verdict", "deny");
        line.put("reason", reason);
        if (out != null) write(line);
        if (DENIED_BY_POLICY.equals(reason)) logRateLimited(line, nowNs);
    }

    @Override
    public void closed(int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort,
                       long bytesFromGuest, long bytesToGuest, long nowNs) {
        if (out == null) return;
        Map<String, Object> line = base("close", protocol, guestAddr, guestPort, peerAddr, peerPort);
        line.put("verdict", "allow");
        line.put("bytes_from_guest", bytesFromGuest);
        line.put("bytes_to_guest", bytesToGuest);
        write(line);
    }

    private static Map<String, Object> base(String event, int protocol, int guestAddr, int guestPort, int peerAddr, int peerPort) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("event", event);
        line.put("proto", FlowTable.protocolName(protocol));
        line.put("guest", FlowTable.endpoint(protocol, guestAddr, guestPort));
        line.put("peer", FlowTable.endpoint(protocol, peerAddr, peerPort));
        return line;
    }

    private void write(Map<String, Object> line) {
        try {
            out.write(json().writeValueAsString(line).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.flush();
            linesWritten++;
        } catch (IOException e) {
            writeErrors++;
        }
    }

    private void logRateLimited(Map<String, Object> line, long nowNs) {
        if (nowNs - logWindowStartNs >= 1_000_000_000L) {
            logWindowStartNs = nowNs;
            loggedInWindow = 0;
        }
        if (loggedInWindow++ >= LOG_PER_SECOND) {
            logLinesSuppressed++;
            return;
        }
        try {
            LOG.log(Level.WARNING, "audit " + json().writeValueAsString(line));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "audit " + line);
        }
    }

    private ObjectMapper json() {
        if (json == null) json = new ObjectMapper();
        return json;
    }

    @Override
    public void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            writeErrors++;
        }
    }
}
