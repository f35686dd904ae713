"""Shared plumbing for the fakes: a threaded HTTP/1.1 server on 127.0.0.1
with optional TLS, a record of every connection and request, and fault
injection.

A fake subclasses FakeServer and implements:
    route_of(req)   -> a name for the request ("RequestCertificate",
                       "patch_run", ...) used to pick scripted faults
    handle(req)     -> Response
    fault_body(status) -> (bytes, headers) for a "status" fault without
                       an explicit body, in the service's own error shape

Faults (FakeServer.fault) are consumed first-in first-out per route name;
"*" matches any route and is consulted after the route's own queue.
"""

import functools
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The specification data the fakes check against lives in the repository
# (tests/data, see its README): botocore's models and Port's schemas.
MODELS_DIR = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "data", "botocore")
PORT_OPENAPI_DIR = os.path.join(os.path.dirname(MODELS_DIR), "port-openapi")


FAULT_KINDS = ("reset", "slow", "truncate", "garbage", "status")

# Anything larger is answered without reading it; both real services
# reject far smaller bodies (Port: 1 MiB), so this only bounds memory.
READ_LIMIT = 8 * 1024 * 1024


class Request:
    """One HTTP request as it arrived on the wire."""

    def __init__(self, method, target, version, header_items, body, conn,
                 scheme, chunked):
        self.method = method
        self.target = target  # the raw request-target, still encoded
        raw_path, _, raw_query = target.partition("?")
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        self.version = version
        # (name, value) in arrival order with the client's spelling;
        # duplicates kept because SigV4 joins repeated headers.
        self.header_items = header_items
        self.body = body
        self.conn = conn
        self.scheme = scheme
        self.chunked = chunked
        self.time = time.time()

    def header(self, name, default=None):
        """First value of a header, case-insensitive."""
        lname = name.lower()
        for k, v in self.header_items:
            if k.lower() == lname:
                return v
        return default

    def header_all(self, name):
        lname = name.lower()
        return [v for k, v in self.header_items if k.lower() == lname]

    @property
    def headers(self):
        """Lower-case name -> value (the last one wins)."""
        return {k.lower(): v for k, v in self.header_items}

    def query1(self, name, default=None):
        vals = self.query.get(name)
        return vals[-1] if vals else default

    def json(self):
        """The body parsed as JSON; raises ValueError when it is not."""
        return json.loads(self.body.decode("utf-8"))

    def record(self):
        return {
            "method": self.method,
            "path": self.raw_path,
            "query": self.query,
            "target": self.target,
            "headers": self.headers,
            "header_items": list(self.header_items),
            "body": self.body,
            "conn": self.conn,
            "time": self.time,
            "chunked": self.chunked,
        }


class Response:
    def __init__(self, status, body=b"", headers=None, content_type=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            content_type = content_type or "application/json"
        elif isinstance(body, str):
            body = body.encode()
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if content_type and not any(k.lower() == "content-type"
                                    for k, _ in self.headers):
            self.headers.append(("Content-Type", content_type))


class _Fault:
    def __init__(self, kind, count, kw):
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        if kind == "status" and "status" not in kw:
            raise ValueError("a 'status' fault needs status=")
        self.kind = kind
        self.count = count
        self.kw = kw


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, fake, addr):
        self.fake = fake
        super().__init__(addr, _Handler)

    def get_request(self):
        sock, addr = super().get_request()
        # Counted here, before TLS, so that a refused handshake (wrong
        # CA, expired certificate) still shows up as a connection.
        conn = self.fake._accepted(sock, addr)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.fake.ssl_context is not None and self.fake._take_handshake_fault():
            # A reset in the middle of the TLS handshake: the ClientHello
            # has arrived, and the answer is an RST.
            sock.settimeout(5)
            try:
                sock.recv(1, socket.MSG_PEEK)
            except OSError:
                pass
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            self.fake._conn_note(conn, tls="reset")
            self.fake._closed(conn)
            raise OSError("scripted reset during the TLS handshake")
        if self.fake.ssl_context is not None:
            sock = self.fake.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False)
        self.fake._conn_of[id(sock)] = conn
        self.fake._live[conn] = sock
        return sock, addr

    def handle_error(self, request, client_address):
        # Clients that hang up mid-request are part of the tests.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        fake = self.server.fake
        self.fake = fake
        self.conn = fake._conn_of.pop(id(self.request), 0)
        self.request.settimeout(fake.idle_timeout)
        if isinstance(self.request, ssl.SSLSocket):
            try:
                self.request.do_handshake()
                fake._conn_note(self.conn, tls="ok",
                                tls_version=self.request.version())
            except (ssl.SSLError, OSError) as e:
                fake._conn_note(self.conn, tls="failed", tls_error=str(e))
                self.handshake_failed = True
        super().setup()

    def handle(self):
        if getattr(self, "handshake_failed", False):
            return
        try:
            super().handle()
        except (OSError, ssl.SSLError):
            pass

    def finish(self):
        try:
            super().finish()
        except (OSError, ssl.SSLError):
            pass
        self.fake._closed(self.conn)

    def version_string(self):
        return self.server.fake.name

    def log_message(self, fmt, *args):
        if self.fake.verbose:
            super().log_message(fmt, *args)

    # Every method goes through one dispatcher; routing is the fake's job.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out), True
                out += self.rfile.read(size)
                self.rfile.readline(65537)
                if len(out) > READ_LIMIT:
                    raise ValueError("body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > READ_LIMIT:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b"", False

    def _dispatch(self):
        fake = self.fake
        try:
            body, chunked = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(Response(413, b"", [("Connection", "close")]))
            return
        req = Request(self.command, self.path, self.request_version,
                      list(self.headers.items()), body, self.conn,
                      "https" if fake.ssl_context else "http", chunked)
        route = fake.route_of(req)
        rec = req.record()
        rec["route"] = route
        fault = fake._take_fault(route)
        rec["fault"] = fault.kind if fault else None
        with fake.lock:
            fake.requests.append(rec)
            fake._conn_note(self.conn, requests=1)

        with fake.lock:
            n = fake.in_flight[route] = fake.in_flight.get(route, 0) + 1
            fake.max_in_flight[route] = max(fake.max_in_flight.get(route, 0), n)
        try:
            if fake.latency_on_top:  # the old model, for comparison
                time.sleep(fake.latency)
            if fault is None or fault.kw.get("after"):
                resp = fake.handle(req)
            else:
                resp = None
            # A distant service: the answer leaves `latency` after the
            # request arrived, the fake's own work (Python, checking
            # every body) done within it rather than added on top, so
            # that a benchmark's floor (each answer exactly `latency`)
            # measures the client and not this interpreter. Work that
            # takes longer sends the answer when done ("sent" below).
            left = req.time + fake.latency - time.time()
            if left > 0:
                time.sleep(left)
        finally:
            with fake.lock:
                fake.in_flight[route] -= 1
        rec["status"] = resp.status if resp else None
        if fault is None:
            self._send(resp)
        else:
            self._apply_fault(fault, resp, rec, req)
        rec["sent"] = time.time()

    def _send(self, resp, content_length=None):
        self.log_request(resp.status)
        reason = self.responses.get(resp.status, ("",))[0]
        lines = [f"HTTP/1.1 {resp.status} {reason}",
                 f"Server: {self.version_string()}",
                 "Date: " + self.date_time_string(
                     time.time() + self.fake.clock_skew)]
        for k, v in resp.headers:
            lines.append(f"{k}: {v}")
            if k.lower() == "connection" and v.lower() == "close":
                self.close_connection = True
        n = len(resp.body) if content_length is None else content_length
        lines.append(f"Content-Length: {n}")
        if self.close_connection:
            lines.append("Connection: close")
        # One write for head and body: two small writes would meet Nagle
        # and delayed ACK and add ~40 ms to every answer, which would
        # swamp the benchmark's figures.
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
                         + resp.body)
        self.wfile.flush()

    def _apply_fault(self, fault, resp, rec, req):
        fake = self.fake
        kw = fault.kw
        if fault.kind == "reset":
            self.close_connection = True
            self.wfile.flush()
            if kw.get("rst", True):
                # SO_LINGER 0 turns close() into an RST, which the client
                # sees as "connection reset by peer".
                try:
                    self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                            struct.pack("ii", 1, 0))
                except OSError:
                    pass
            self._hard_close()
            return
        if fault.kind == "slow":
            # Wakes early on stop() so shutting down never waits 30 s.
            fake._stopping.wait(kw.get("seconds", 30))
            if fake._stopping.is_set():
                self.close_connection = True
                self._hard_close()
                return
            if resp is None:
                resp = fake.handle(req)
                rec["status"] = resp.status
            self._send(resp)
            return
        if fault.kind == "truncate":
            if resp is None:
                resp = fake.truncate_template()
            cut = resp.body[: max(1, len(resp.body) // 2)]
            self.close_connection = True
            self._send(Response(resp.status, cut, resp.headers),
                       content_length=len(resp.body) + kw.get("missing", 64))
            self._hard_close()
            return
        if fault.kind == "garbage":
            body = kw.get("body", b"<html><body>502 Bad Gateway from a proxy"
                                  b"</body></html>")
            self._send(Response(kw.get("status", 200), body,
                                kw.get("headers", [("Content-Type", "text/html")])))
            return
        if fault.kind == "status":
            status = kw["status"]
            if "body" in kw:
                body, headers = kw["body"], []
            else:
                body, headers = fake.fault_body(status)
            headers = list(headers) + list(_header_list(kw.get("headers")))
            self._send(Response(status, body, headers))
            return

    def _hard_close(self):
        try:
            self.rfile.close()
        except OSError:
            pass
        try:
            self.request.close()
        except OSError:
            pass


def _header_list(h):
    if not h:
        return []
    if isinstance(h, dict):
        return list(h.items())
    return list(h)


def once(fn):
    """fn() made at the first call and kept (a service model): under a
    lock, as a fake's threads may ask for it at the same time."""
    lock = threading.Lock()
    made = []

    @functools.wraps(fn)
    def get():
        with lock:
            if not made:
                made.append(fn())
            return made[0]
    return get


def take_queued(queues, name, at):
    """The first entry queued for name, else for "*" (first in, first
    out), with one of its uses taken: entry[at] counts the uses left, and
    the entry leaves its queue with the last. None when nothing is
    queued. The caller holds the fake's lock."""
    for key in (name, "*"):
        q = queues.get(key)
        if q:
            f = q[0]
            f[at] -= 1
            if f[at] <= 0:
                q.pop(0)
            return f
    return None


def serve_standalone(fake, report=None, file=None):
    """A fake's standalone run (its main()): prints where it listens
    (what start() returns; host:port for a (host, port) pair), serves
    until Ctrl-C, stops, then prints the lines report(fake) yields (what
    it was asked, e.g. one line a call) on `file` (stderr)."""
    where = fake.start()
    if isinstance(where, tuple):
        where = "%s:%d" % where
    print(where, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    fake.stop()
    for line in report(fake) if report else ():
        print(line, file=file or sys.stderr, flush=True)


class FakeServer:
    """Base class of the fakes. Not useful on its own."""

    name = "fake"

    def __init__(self, tls=None, host="127.0.0.1", port=0, verbose=False,
                 idle_timeout=60):
        self.tls = tls
        # Seconds this service's wall clock is ahead of the machine's
        # (its Date header, and SigV4's time window in the AWS fakes).
        self.clock_skew = 0
        self.host = host
        self.port = port
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        self.lock = threading.RLock()
        self.requests = []  # every request, faults included
        self.conn_log = []  # one dict per accepted TCP connection
        self._faults = {}
        self._conn_of = {}
        self._live = {}
        self._stopping = threading.Event()
        # Every answer leaves this long (seconds) after its request
        # arrived, e.g. to model a distant service in the benchmark (see
        # _dispatch; each request's record has "time" and "sent");
        # in-flight counts per route show how many requests a client
        # kept open at once.
        self.latency = 0.0
        # True: `latency` is slept first and the fake's own work added on
        # top (how the bench measured before 2026-12-07; its
        # --latency-on-top), to compare the two models.
        self.latency_on_top = False
        self.in_flight = {}
        self.max_in_flight = {}
        self._httpd = None
        self._thread = None
        self.ssl_context = None
        if tls:
            cert, key = tls
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(cert, key)
            self.ssl_context = ctx

    # --- life cycle -------------------------------------------------------
    def start(self):
        """Starts serving in a thread and returns the base URL."""
        self._httpd = _HTTPServer(self, (self.host, self.port))
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"{self.name}:{self.port}",
                                        daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self):
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def stop(self):
        """Stops accepting, then closes every open (keep-alive) connection."""
        self._stopping.set()
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        with self.lock:
            socks = list(self._live.values())
            self._live.clear()
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
        self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- faults -----------------------------------------------------------
    def fault(self, route, kind, count=1, **kw):
        """Scripts the next `count` requests to `route` ("*" = any) to fail.

        kind: "reset"    close without answering (RST unless rst=False)
              "slow"     sleep seconds= (30) then answer normally
              "truncate" Content-Length larger than the body, then close
              "garbage"  200 (or status=) with a non-JSON body (body=)
              "status"   answer status= with body= / headers= (the service's
                         own error body when body= is not given)
        after=True processes the request first (state changes) and then
        spoils the answer: a lost response, not a lost request.
        route "handshake" with kind "reset" (TLS fakes only) resets the
        next `count` connections in the middle of the TLS handshake.
        """
        with self.lock:
            self._faults.setdefault(route, []).append(_Fault(kind, count, kw))

    def clear_faults(self):
        with self.lock:
            self._faults.clear()

    def _take_handshake_fault(self):
        with self.lock:
            q = self._faults.get("handshake")
            if not q:
                return False
            q[0].count -= 1
            if q[0].count <= 0:
                q.pop(0)
            return True

    def _take_fault(self, route):
        with self.lock:
            for key in (route, "*"):
                q = self._faults.get(key)
                if not q:
                    continue
                f = q[0]
                f.count -= 1
                if f.count <= 0:
                    q.pop(0)
                return f
        return None

    # --- connection book-keeping ------------------------------------------
    def _accepted(self, sock, addr):
        with self.lock:
            conn = len(self.conn_log) + 1
            self.conn_log.append({"id": conn, "peer": addr, "opened": time.time(),
                                  "closed": None, "requests": 0, "tls": None})
            return conn

    def _conn_note(self, conn, requests=0, **kw):
        with self.lock:
            if 1 <= conn <= len(self.conn_log):
                c = self.conn_log[conn - 1]
                c["requests"] += requests
                c.update(kw)

    def _closed(self, conn):
        with self.lock:
            self._live.pop(conn, None)
            if 1 <= conn <= len(self.conn_log):
                self.conn_log[conn - 1]["closed"] = time.time()

    @property
    def connections(self):
        """Number of TCP connections accepted so far."""
        with self.lock:
            return len(self.conn_log)

    def reset_records(self):
        """Forgets requests and connections (state is kept)."""
        with self.lock:
            self.requests.clear()
            self.conn_log.clear()

    # --- to be provided by the fake ---------------------------------------
    def route_of(self, req):
        return "*"

    def handle(self, req):
        return Response(404, b"")

    def fault_body(self, status):
        return b"", []

    def truncate_template(self):
        """A plausible body to cut in half when nothing was processed."""
        return Response(200, b'{"ok": true, "padding": "' + b"x" * 64 + b'"}',
                        content_type="application/json")
