#!/usr/bin/env python3
"""Guest side of SoakE2eTest: for SECONDS, worker threads run TCP uploads and downloads of mixed
sizes (each a new connection: churn), UDP echo exchanges and DNS queries, every payload checked
by SHA-256. Prints one line of key=value totals at the end; exit 1 if any check failed.

usage: soak_driver.py SECONDS GATEWAY UPLOAD_PORT DOWNLOAD_PORT UDP_PORT DNS_ADDR DNS_NAME DNS_ANSWER TCP_WORKERS
"""
import hashlib, os, random, socket, struct, sys, threading, time

secs, gw = float(sys.argv[1]), sys.argv[2]
up_port, down_port, udp_port = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dns_addr, dns_name, dns_answer = sys.argv[6], sys.argv[7], sys.argv[8]
tcp_workers = int(sys.argv[9])
deadline = time.monotonic() + secs
lock = threading.Lock()
tot = dict(tcp_flows=0, up_bytes=0, down_bytes=0, udp_datagrams=0, udp_retries=0, dns_queries=0, errors=0)
errors = []

def add(**kw):
    with lock:
        for k, v in kw.items():
            tot[k] += v

def fail(what):
    with lock:
        tot["errors"] += 1
        if len(errors) < 20:
            errors.append(what)

def size(rng):
    # mostly small (churn), some medium, a few large
    r = rng.random()
    if r < 0.6: return rng.randint(0, 2000)
    if r < 0.9: return rng.randint(2000, 200_000)
    return rng.randint(200_000, 4_000_000)

def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        b = s.recv(min(65536, n - len(buf)))
        if not b: raise EOFError("short read %d/%d" % (len(buf), n))
        buf += b
    return bytes(buf)

def upload(rng):
    n = size(rng)
    data = rng.randbytes(n)
    with socket.create_connection((gw, up_port), timeout=60) as s:
        s.sendall(struct.pack("!Q", n) + hashlib.sha256(data).digest() + data)
        reply = recv_exact(s, 3)
    if reply != b"OK\n": fail("upload %d: %r" % (n, reply))
    add(tcp_flows=1, up_bytes=n)

def download(rng):
    n = size(rng)
    with socket.create_connection((gw, down_port), timeout=60) as s:
        s.sendall(struct.pack("!QQ", n, rng.getrandbits(63)))
        digest = recv_exact(s, 32)
        h = hashlib.sha256()
        got = 0
        while True:
            b = s.recv(65536)
            if not b: break
            h.update(b); got += len(b)
    if got != n or h.digest() != digest: fail("download %d: got %d, hash %s" % (n, got, h.digest() == digest))
    add(tcp_flows=1, down_bytes=n)

def tcp_worker(seed):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        try:
            (upload if rng.random() < 0.5 else download)(rng)
        except Exception as e:
            fail("tcp: %r" % e)

def udp_worker(seed):
    rng = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    seq = 0
    while time.monotonic() < deadline:
        seq += 1
        payload = struct.pack("!I", seq) + rng.randbytes(rng.randint(0, 1400))
        for attempt in range(5):
            s.sendto(payload, (gw, udp_port))
            try:
                while True:  # skip late echoes of earlier datagrams
                    data, _ = s.recvfrom(2048)
                    if data[:4] == payload[:4]: break
            except socket.timeout:
                add(udp_retries=1)
                continue
            if data != payload: fail("udp echo differs")
            add(udp_datagrams=1)
            break
        else:
            fail("udp: no echo after 5 tries")
    s.close()

def dns_query(qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack("!HH", 1, 1)

def dns_worker(seed):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        qid = rng.getrandbits(16)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a new source port each time: churn
        s.settimeout(2.0)
        ok = False
        for attempt in range(5):
            s.sendto(dns_query(qid, dns_name), (dns_addr, 53))
            try:
                data, _ = s.recvfrom(4096)
            except socket.timeout:
                continue
            ok = data[:2] == struct.pack("!H", qid) and socket.inet_aton(dns_answer) in data
            break
        s.close()
        if not ok: fail("dns: no or wrong answer")
        add(dns_queries=1)

threads = [threading.Thread(target=tcp_worker, args=(i,)) for i in range(tcp_workers)]
threads += [threading.Thread(target=udp_worker, args=(1000 + i,)) for i in range(2)]
threads += [threading.Thread(target=dns_worker, args=(2000,))]
start = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
print(" ".join("%s=%d" % kv for kv in tot.items()), "seconds=%.1f" % (time.monotonic() - start))
for e in errors: print("ERROR", e)
sys.exit(1 if tot["errors"] else 0)
