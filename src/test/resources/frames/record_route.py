# Sends one ICMP echo request with the IPv4 Record Route option set through IP_OPTIONS,
# as iputils `ping -R` does; the kernel builds the IP header (IHL 15) itself.
import socket, struct, sys
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
rr = bytes([1, 7, 39, 4]) + bytes(36)    # NOP, RR type 7, length 39, pointer 4, 9 slots
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, rr)
data = b'jslirp-rr-0123456789abcdef'
hdr = struct.pack('!BBHHH', 8, 0, 0, 0x1234, 1)
pkt = hdr + data
pkt = struct.pack('!BBHHH', 8, 0, csum(pkt), 0x1234, 1) + data
s.sendto(pkt, (sys.argv[1], 0))
s.settimeout(1)
print(s.recvfrom(2000)[0].hex())
