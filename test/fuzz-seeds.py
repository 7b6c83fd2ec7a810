#!/usr/bin/env python3
"""Writes the Jazzer seed corpora (src/test/resources/dev/jslirp/fuzz/*Inputs/*/) from the
test fixtures in src/test/resources/frames and src/test/resources/nvlist. Re-run after adding
fixtures; the output is committed so that plain `mvn test` replays it (Jazzer's regression mode).
"""
import os, glob, struct, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, 'src/test/resources')
FRAMES = os.path.join(RES, 'frames')
OUT = os.path.join(RES, 'dev/jslirp')
GW_MAC = bytes.fromhex('52550a000202')
GUEST_MAC = bytes.fromhex('525400123456')
GUEST, GATEWAY, DNS = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bytes([10, 0, 2, 3])


def hexfile(name):
    with open(os.path.join(FRAMES, name + '.hex')) as f:
        return bytes.fromhex(''.join(l for l in f.read().splitlines() if not l.startswith('#')).replace(' ', ''))


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip(proto, src, dst, payload, ident=1):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0, src, dst)
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def udp(src, dst, sport, dport, payload):
    u = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    c = csum(src + dst + struct.pack('!BBH', 0, 17, len(u)) + u) or 0xffff
    return u[:6] + struct.pack('!H', c) + u[8:]


def eth(payload, dst=GW_MAC, etype=0x0800):
    return dst + GUEST_MAC + struct.pack('!H', etype) + payload


def as_guest(frame):
    """A captured frame re-addressed as if our guest had sent it to the gateway."""
    f = bytearray(frame)
    if f[0:6] != b'\xff' * 6:
        f[0:6] = GW_MAC
    f[6:12] = GUEST_MAC
    if f[12:14] == b'\x08\x00':
        f[26:30] = GUEST
        f[30:34] = GATEWAY
    elif f[12:14] == b'\x08\x06':
        f[22:28] = GUEST_MAC
        f[28:32] = GUEST
        f[38:42] = GATEWAY
    return bytes(f)


def seq(*frames):
    return b''.join(struct.pack('!H', len(f)) + f for f in frames)


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


for d in glob.glob(os.path.join(OUT, '*', '*Inputs')):
    shutil.rmtree(d)

frame_fixtures = ['arp_request', 'arp_reply', 'icmp_echo_request', 'icmp_echo_reply', 'icmp_port_unreachable',
                  'ipv4_record_route', 'ipv4_fragment_1', 'ipv4_fragment_2', 'ipv4_fragment_3', 'udp_datagram',
                  'udp_to_closed_port', 'tcp_syn', 'tcp_syn_ack', 'tcp_ack', 'tcp_data', 'tcp_fin', 'tcp_rst']
F = 'fuzz/FrameFuzzTestInputs/frames'
for n in frame_fixtures:
    write(F, n, seq(as_guest(hexfile(n))))
write(F, 'tcp_session', seq(*(as_guest(hexfile(n)) for n in ['tcp_syn', 'tcp_ack', 'tcp_data', 'tcp_fin'])))
write(F, 'fragments', seq(*(as_guest(hexfile('ipv4_fragment_%d' % i)) for i in (1, 2, 3))))
dhcp = [n[:-4] for n in sorted(os.listdir(FRAMES)) if n.startswith('dhcp-') and n.endswith('.hex')]
for n in dhcp:
    b = hexfile(n)
    write(F, n, seq(eth(ip(17, bytes(4), b'\xff' * 4, udp(bytes(4), b'\xff' * 4, 68, 67, b)), dst=b'\xff' * 6)))
dns = [n[:-4] for n in sorted(os.listdir(FRAMES)) if n.startswith('dns-') and n.endswith('.hex')]
for n in dns:
    write(F, n, seq(eth(ip(17, GUEST, DNS, udp(GUEST, DNS, 40000, 53, hexfile(n))))))

R = 'fuzz/ReassemblyFuzzTestInputs/fragments'
frags = [hexfile('ipv4_fragment_%d' % i)[14:] for i in (1, 2, 3)]
write(R, 'in_order', b''.join(b'\x00' + struct.pack('!H', len(p)) + p for p in frags))
write(R, 'reversed', b''.join(b'\x01' + struct.pack('!H', len(p)) + p for p in reversed(frags)))

D = 'fuzz/DhcpFuzzTestInputs/dhcp'
for n in dhcp:
    write(D, n, hexfile(n))
write(D, 'discover_request_release', seq(*(hexfile(n) for n in
      ['dhcp-udhcpc-discover', 'dhcp-udhcpc-request-selecting', 'dhcp-udhcpc-release'])))

for n in dns:
    write('fuzz/DnsFuzzTestInputs/dns', n, hexfile(n))

for p in glob.glob(os.path.join(RES, 'nvlist', '*.bin')) + glob.glob(os.path.join(RES, 'nvlist', 'malformed', '*.bin')):
    with open(p, 'rb') as f:
        write('fuzz/NvListFuzzTestInputs/nvlist', os.path.basename(p), f.read())

H = 'fuzz/HostForwardFuzzTestInputs/rules'
for i, r in enumerate(['tcp::8080-:80', 'udp:127.0.0.1:5353-10.0.2.15:53', 'tcp:0.0.0.0:2222-10.0.2.15:22;udp::53-:53',
                       'tcp:[::1]:80-:80', 'tcp::0x1F90-:080', 'tcp::-1-:1']):
    write(H, 'rule%d' % i, r.encode())

T = 'fuzz/TcpOptionsFuzzTestInputs/options'
for n in ['tcp_syn', 'tcp_syn_ack', 'tcp_data']:
    f = hexfile(n)
    ihl = (f[14] & 0xf) * 4
    write(T, n, f[14 + ihl:])
