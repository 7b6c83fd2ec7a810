#!/usr/bin/env python3
"""Guest side of RestrictedEscapeE2eTest: every way out we can think of, each bounded by a short
timeout. Prints "ATTEMPT <name> blocked" or "ATTEMPT <name> ESCAPED" (an answer came back);
attempts that send and expect nothing print "ATTEMPT <name> sent" and are judged by the host
side's captures and counters.

usage: escape_attempts.py OUTSIDE OUT_TCP OUT_UDP GATEWAY GW_TCP GW_UDP DNS_NAME"""
import socket, struct, sys

outside, out_tcp, out_udp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
gw, gw_tcp, gw_udp = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
dns_name = sys.argv[7]
GUEST = "10.0.2.100"

def report(name, escaped):
    print("ATTEMPT", name, escaped, flush=True)

def tcp(name, addr, port):
    try:
        with socket.create_connection((addr, port), timeout=3) as s:
            s.sendall(b"escape\n")
            report(name, "ESCAPED")
    except OSError:
        report(name, "blocked")

def udp(name, addr, port, size=16, options=None, broadcast=False, frag=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.5)
    if broadcast: s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    if options: s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, options)
    if frag: s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: may fragment
    try:
        for _ in range(2):
            s.sendto(b"E" * size, (addr, port))
        s.recvfrom(65535)
        report(name, "ESCAPED")
    except OSError:
        report(name, "blocked")
    finally:
        s.close()

def checksum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def ping(name, addr):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.settimeout(2)
        body = struct.pack("!HH", 0x4a53, 1) + b"escape"
        s.sendto(struct.pack("!BBH", 8, 0, checksum(struct.pack("!BBH", 8, 0, 0) + body)) + body, (addr, 0))
        while True:
            data, src = s.recvfrom(2048)
            ihl = (data[0] & 15) * 4
            if src[0] == addr and data[ihl] == 0:
                report(name, "ESCAPED"); return
    except OSError:
        report(name, "blocked")

def ip_header(src, dst, proto, payload_len, ident=0x1234):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]

def forged(name, src, dst, proto, port):
    """A raw datagram with a forged source address: UDP, TCP SYN or ICMP echo."""
    if proto == "udp":
        payload = b"forged"
        l4 = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
        pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(l4))
        l4 = l4[:6] + struct.pack("!H", checksum(pseudo + l4) or 0xFFFF) + l4[8:]
        p = 17
    elif proto == "tcp":
        l4 = struct.pack("!HHIIBBHHH", 40001, port, 1000, 0, 5 << 4, 0x02, 65535, 0, 0)
        pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(l4))
        l4 = l4[:16] + struct.pack("!H", checksum(pseudo + l4)) + l4[18:]
        p = 6
    else:
        body = struct.pack("!HH", 0x4a54, 1) + b"forged"
        l4 = struct.pack("!BBH", 8, 0, checksum(struct.pack("!BBH", 8, 0, 0) + body)) + body
        p = 1
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.sendto(ip_header(src, dst, p, len(l4)) + l4, (dst, 0))
        s.close()
        report(name, "sent")
    except OSError as e:
        report(name, "sent-failed:%s" % e.errno)

def dns_query(name, qid=0x4a53):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack("!HH", 1, 1)

def dns_udp(name, qname):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(dns_query(qname), ("10.0.2.3", 53))
        data, _ = s.recvfrom(4096)
        rcode = data[3] & 15
        ancount = struct.unpack("!H", data[6:8])[0]
        # An answer for an outside name would mean the query went out (tunnelling).
        report(name, "ESCAPED" if rcode == 0 and ancount > 0 else "blocked")
    except OSError:
        report(name, "blocked")
    finally:
        s.close()

def dns_tcp(name, qname):
    try:
        with socket.create_connection(("10.0.2.3", 53), timeout=3) as s:
            q = dns_query(qname)
            s.sendall(struct.pack("!H", len(q)) + q)
            data = s.recv(4096)
            report(name, "ESCAPED" if len(data) > 12 and data[2 + 3] & 15 == 0 and data[2 + 7] > 0 else "blocked")
    except OSError:
        report(name, "blocked")

RR = b"\x01\x07\x07\x04\x00\x00\x00\x00"  # NOP + record route with one slot (RFC 791)
tcp("tcp-outside", outside, out_tcp)
udp("udp-outside", outside, out_udp)
ping("icmp-outside", outside)
tcp("tcp-gateway-to-host-loopback", gw, gw_tcp)
udp("udp-gateway-to-host-loopback", gw, gw_udp)
ping("icmp-outside-via-gateway-ttl", outside)
udp("fragments-outside", outside, out_udp, size=3000, frag=True)
udp("fragments-gateway", gw, gw_udp, size=3000, frag=True)
udp("ip-options-outside", outside, out_udp, options=RR)
udp("ip-options-gateway", gw, gw_udp, options=RR)
udp("broadcast-limited", "255.255.255.255", gw_udp, broadcast=True)
udp("broadcast-directed", "10.0.2.255", gw_udp, broadcast=True)
udp("multicast-mdns", "224.0.0.251", gw_udp)
udp("multicast-to-host-port", "224.0.0.1", gw_udp)
dns_udp("dns-udp-outside-name", dns_name)
dns_udp("dns-udp-tunnel-name", "aGVsbG8gd29ybGQ.tunnel." + dns_name)
dns_tcp("dns-tcp-outside-name", dns_name)
for src in ("198.51.100.9", "127.0.0.1", "10.0.2.2"):
    for proto in ("udp", "tcp", "icmp"):
        forged("forged-%s-%s-to-outside" % (src, proto), src, outside, proto, out_udp if proto == "udp" else out_tcp)
        forged("forged-%s-%s-to-gateway" % (src, proto), src, gw, proto, gw_udp if proto == "udp" else gw_tcp)
print("DONE", flush=True)
