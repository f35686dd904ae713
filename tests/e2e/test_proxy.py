#!/usr/bin/python3
"""HTTPS_PROXY and NO_PROXY are honoured, as the README says: with a
proxy set, every request to Port and ACM goes through it (HTTP CONNECT,
TLS end to end, verified against the test CA as usual); hosts in NO_PROXY
bypass it. The proxy here is a small CONNECT tunnel on 127.0.0.1 that
records what it was asked for."""
import json
import os
import select
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import REGION, RUN_ID, Suite, check_rc, check_terminal  # noqa: E402

S = Suite("proxy")


class ConnectProxy:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connects = []
        self.refused = []
        self.lock = threading.Lock()
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.stopping = True
        self.sock.close()

    def _accept(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                d = c.recv(4096)
                if not d:
                    return
                head += d
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target = line.split(" ")[:2]
            if method != "CONNECT":
                with self.lock:
                    self.refused.append(line)
                c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            with self.lock:
                self.connects.append(target)
            up = socket.create_connection((host, int(port)), timeout=10)
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            rest = head.split(b"\r\n\r\n", 1)[1]
            if rest:
                up.sendall(rest)
            socks = [c, up]
            while True:
                r, _, _ = select.select(socks, [], [], 30)
                if not r:
                    return
                for s in r:
                    d = s.recv(65536)
                    if not d:
                        return
                    (up if s is c else c).sendall(d)
        except OSError:
            return
        finally:
            c.close()


def run(w, env):
    w.add_run(RUN_ID)
    return w.run("request", env=env, inputs={
        "domain_name": "www.example.com", "aws_region": REGION,
        "port_context": json.dumps({"runId": RUN_ID})})


@S.test
def https_proxy_carries_every_request(t, w):
    p = ConnectProxy()
    try:
        r = run(w, {"HTTPS_PROXY": p.url()})
        check_rc(t, r, 0)
        with p.lock:
            targets = set(p.connects)
            refused = list(p.refused)
        want = {f"127.0.0.1:{w.port.port}", f"127.0.0.1:{w.acm.port}"}
        t.eq(targets, want, "the proxy tunnelled to Port and to ACM (CONNECT)")
        t.eq(refused, [], "nothing was sent to the proxy in clear")
        t.eq(len(w.acm_calls("RequestCertificate")), 1, "the request reached ACM")
        check_terminal(t, w, "SUCCESS")
    finally:
        p.stop()


@S.test
def lower_case_https_proxy_too(t, w):
    p = ConnectProxy()
    try:
        r = run(w, {"https_proxy": p.url()})
        check_rc(t, r, 0)
        with p.lock:
            t.eq(len(set(p.connects)), 2, "https_proxy is honoured as well", p.connects)
    finally:
        p.stop()


@S.test
def no_proxy_bypasses(t, w):
    p = ConnectProxy()
    try:
        r = run(w, {"HTTPS_PROXY": p.url(), "NO_PROXY": "127.0.0.1"})
        check_rc(t, r, 0)
        with p.lock:
            t.eq(p.connects, [], "NO_PROXY=127.0.0.1: nothing went through the proxy")
        check_terminal(t, w, "SUCCESS")
    finally:
        p.stop()


S.main()
