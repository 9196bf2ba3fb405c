#!/usr/bin/env python3
"""serve-http.py PORT: requests a proxy could read otherwise than the server
does, sent as raw bytes on a socket to `portdex serve` on 127.0.0.1:PORT.
For each: the status of the one answer, that nothing follows it (no second
answer to a request hidden in the first one's body), that the connection is
closed, and how long it took. Prints TAP lines; exit status 1 on a failure."""
import socket
import sys
import time

PORT = int(sys.argv[1])
WAIT = 3.0          # seconds to wait for more bytes or the close
QUICK = 2.0         # an answer that must come at once comes within this
n = failed = 0


def check(ok, what):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)


def exchange(data):
    """sends data, reads until the server closes or WAIT passes: the bytes,
    whether it closed, and the seconds to the close (or to the last byte)"""
    s = socket.create_connection(("127.0.0.1", PORT))
    t0 = time.monotonic()
    try:
        s.sendall(data)
    except OSError:
        pass  # the server may close before it has read everything
    s.settimeout(WAIT)
    buf, closed, t = b"", False, 0.0
    try:
        while True:
            d = s.recv(65536)
            t = time.monotonic() - t0
            if not d:
                closed = True
                break
            buf += d
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
        t = time.monotonic() - t0
    s.close()
    return buf, closed, t


def responses(buf):
    """splits buf into answers by their Content-Length: [(status, headers)]
    and the bytes left over that are not a whole answer"""
    out = []
    while buf:
        end = buf.find(b"\r\n\r\n")
        if end < 0 or not buf.startswith(b"HTTP/1."):
            break
        lines = buf[:end].decode("latin-1").split("\r\n")
        heads = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            heads.setdefault(k.strip().lower(), []).append(v.strip())
        length = int(heads.get("content-length", ["0"])[0])
        if len(buf) < end + 4 + length:
            break
        out.append((int(lines[0].split(" ")[1]), heads))
        buf = buf[end + 4 + length:]
    return out, buf


def refused(what, data, status, quick=False, mhd_own=False):
    """mhd_own: answered by libmicrohttpd 0.9.75 before the server sees the
    request; its error answer repeats its header block inside its body (a
    bug of that version), so the check is that no second answer, to the
    hidden request or any other, comes after it"""
    buf, closed, t = exchange(data)
    got, rest = responses(buf)
    codes = [c for c, _ in got]
    check(codes[:1] == [status], "%s: %d (got %s)" % (what, status, codes or buf[:80]))
    if mhd_own:
        check(len(got) == 1 and b"HTTP/1." not in rest and b"portdex_" not in buf,
              "%s: no answer after the refusal (got %s, then %r)" % (what, codes, rest[:80]))
    else:
        check(len(got) == 1 and rest == b"",
              "%s: one answer and nothing after it (got %s, then %r)" % (what, codes, rest[:80]))
    check(closed, "%s: the connection is closed" % what)
    if got and got[0][0] < 500 or status == 501:
        check(any("close" in v.lower() for v in (got[0][1].get("connection", []) if got else [])),
              "%s: the answer says Connection: close" % what)
    if quick:
        check(closed and t < QUICK, "%s: answered and closed at once (%.2f s)" % (what, t))


FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"
HIDDEN = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"

# the control: pipelined requests are all answered, and the connection stays
buf, closed, _ = exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + HIDDEN)
got, rest = responses(buf)
check([c for c, _ in got] == [200, 200] and not closed and rest == b"",
      "control: two pipelined requests get two answers on a kept connection (got %s, closed %s)"
      % ([c for c, _ in got], closed))
buf, closed, _ = exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN)
check([c for c, _ in responses(buf)[0]] == [200, 200] and not closed,
      "control: a chunked body alone is read, and the next request answered")

# Content-Length and Transfer-Encoding together: the body ends at "0" for
# one reader and after 4 bytes for another
refused("Content-Length and Transfer-Encoding (POST)",
        b"POST /port/80/feedback HTTP/1.1\r\nHost: x\r\n" + FORM +
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
refused("Content-Length and Transfer-Encoding (GET)",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
refused("Transfer-Encoding before Content-Length",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
# two Content-Length headers: the first or the second?
refused("two Content-Length headers",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(HIDDEN) + HIDDEN, 400)
refused("two equal Content-Length headers",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n" + HIDDEN, 400)
# a space before the colon: a Content-Length to a lenient proxy, a header
# of another name to a strict reader
refused("Content-Length with a space before its colon",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : %d\r\n\r\n" % len(HIDDEN) + HIDDEN, 400)
refused("Transfer-Encoding with a tab before its colon",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
# a Content-Length that is not a plain number: libmicrohttpd refuses it
# itself, before the server's callback (see mhd_own)
for v in (b"+5", b"5 5", b"0x5", b"-1", b"5,5"):
    refused("Content-Length: %s" % v.decode(),
            b"POST /port/80/feedback HTTP/1.1\r\nHost: x\r\n" + FORM + b"Content-Length: " + v + b"\r\n\r\nvote=" + HIDDEN,
            400, quick=True, mhd_own=True)
# transfer codings other than chunked
refused("Transfer-Encoding: gzip", b"POST /port/80/feedback HTTP/1.1\r\nHost: x\r\n" + FORM +
        b"Transfer-Encoding: gzip\r\n\r\nabcde" + HIDDEN, 501, quick=True)
refused("Transfer-Encoding: gzip, chunked", b"POST /port/80/feedback HTTP/1.1\r\nHost: x\r\n" + FORM +
        b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 501, quick=True)
refused("Transfer-Encoding: gzip on a GET",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + HIDDEN, 501, quick=True)
refused("two Transfer-Encoding headers",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
refused("Transfer-Encoding in HTTP/1.0",
        b"GET /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN, 400)
# Host: one, in HTTP/1.1
refused("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\n\r\n" + HIDDEN, 400)
refused("two Host headers", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + HIDDEN, 400)
# what does not fit: answered at once
q = "&".join("a%d=b" % i for i in range(300)).encode()
refused("300 query parameters", b"GET /search?" + q + b" HTTP/1.1\r\nHost: x\r\n\r\n" + HIDDEN, 414, quick=True)
q = "&".join("a%d=b" % i for i in range(250)).encode()
refused("250 query parameters on the API", b"GET /api/v1/search?" + q + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, quick=True)
refused("a 64 KiB request line", b"GET /" + b"a" * 65536 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, quick=True)
refused("a 5 KiB target", b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n" + HIDDEN, 414, quick=True)
refused("20 KiB of headers", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 20000 + b"\r\n\r\n", 431, quick=True)
# cookies, which libmicrohttpd splits into records of its pool itself
refused("1,500 cookies", b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"a=b; " * 1500 + b"\r\n\r\n" + HIDDEN, 431,
        quick=True, mhd_own=True)
refused("1,500 short headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"a: b\r\n" * 1500 + b"\r\n", 431, quick=True)
# 64 parameters are fine
q = "&".join("a%d=b" % i for i in range(63)).encode()
buf, closed, _ = exchange(b"GET /search?q=ssh&" + q + b" HTTP/1.1\r\nHost: x\r\n\r\n")
check([c for c, _ in responses(buf)[0]] == [302], "64 query parameters are answered")

print("1..%d" % n)
print("%d passed, %d failed" % (n - failed, failed))
sys.exit(1 if failed else 0)
