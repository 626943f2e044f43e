#!/usr/bin/env python3
"""Loopback HTTP(S) server for the CurlHTTP tests.

  test_server.py certs DIR                 write ca/server/client PEM files into DIR (openssl)
  test_server.py serve [--tls DIR [--require-client-cert]]
      binds 127.0.0.1 on a free port, prints the port on stdout, serves until killed.
Endpoints: /echo (method, path, headers, body, client port as JSON), /status/NNN, /stream?n=N&delay=MS
(chunked lines), /slow?ms=MS, /hang (one chunk, then holds the response open).
"""
import json
import os
import ssl
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_certs(d):
    def run(*args):
        subprocess.run(args, check=True, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), ("client", "extendedKeyUsage=clientAuth")):
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        run("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="application/json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/echo":
            info = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"), "clientPort": self.client_address[1]}
            self._send(200, json.dumps(info).encode())
        elif url.path.startswith("/status/"):
            code = int(url.path.split("/")[2])
            self._send(code, b'{"code":%d}' % code, extra=(("Retry-After", "1"), ("X-Multi", "a"), ("X-Multi", "b")))
        elif url.path == "/stream":
            count, delay = int(q.get("n", "10")), int(q.get("delay", "0"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(count):
                self._chunk(b'{"n":%d}\n' % i)
                if delay:
                    time.sleep(delay / 1000)
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/slow":
            time.sleep(int(q.get("ms", "3000")) / 1000)
            self._send(200, b"late")
        elif url.path == "/hang":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(b"first\n")
            try:
                for _ in range(600):  # bounded: at most 60 s
                    time.sleep(0.1)
                    self._chunk(b" ")
            except OSError:
                pass
        else:
            self._send(404, b'{"error":"no such path"}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that hang up early (timeouts, cancellation) are part of the tests


def serve(args):
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if "--tls" in args:
        d = args[args.index("--tls") + 1]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(d, "server.crt"), os.path.join(d, "server.key"))
        if "--require-client-cert" in args:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(os.path.join(d, "ca.crt"))
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    # The parent may have spawned us with signals blocked; make SIGTERM work.
    import signal
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.argv[1] == "certs":
        make_certs(sys.argv[2])
    else:
        serve(sys.argv[2:])
