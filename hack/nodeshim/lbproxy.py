"""User-space forwarding from LoadBalancer addresses (127.0.2.N:port) to a ready pod (podIP:targetPort).

Used when the pod binds its own pod IP (so two pods can use the same port). When the pod binds 0.0.0.0
instead, the LB address already reaches it and binding the proxy fails with EADDRINUSE; the shim then
leaves that port alone ("direct"). One thread serves every forwarder through a selector.

UDP: one upstream socket per client address (like a NAT), so the pod sees a distinct source per client
(127.0.0.1:<ephemeral>), not the client's own address; mappings idle for 120 s are dropped.
TCP: each accepted connection gets its own upstream connection; bytes are copied both ways.
"""

import errno
import selectors
import socket
import threading
import time

UDP_IDLE_SECONDS = 120
MAX_DATAGRAM = 65535


class Forwarder:
    def __init__(self, proto, listen, backend):
        self.proto = proto
        self.listen = listen
        self.backend = backend  # (ip, port) or None; replaced by the shim's loop, read by the proxy thread
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if proto == "UDP" else socket.SOCK_STREAM)
        try:
            self.sock.bind(listen)
            if proto == "TCP":
                self.sock.listen(64)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)
        self.udp_clients = {}  # client addr -> [upstream socket, last activity]
        self.tcp_pairs = {}  # socket -> peer socket


class LBProxy:
    def __init__(self, log):
        self.log = log
        self.sel = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.forwarders = {}  # key -> Forwarder
        self.direct = set()  # keys whose port is served directly by a pod bound to 0.0.0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lb-proxy", daemon=True)
        self.thread.start()

    def ensure(self, key, proto, listen, backend):
        """Creates or updates the forwarder `key`; returns 'proxy', 'direct', 'waiting' or an error string."""
        with self.lock:
            f = self.forwarders.get(key)
            if f is not None:
                f.backend = backend
                return "proxy"
            if key in self.direct:
                return "direct"
            if backend is None:
                # bind only once a pod is Ready: binding first would take the port from a pod on 0.0.0.0
                return "waiting"
            try:
                f = Forwarder(proto, listen, backend)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    self.direct.add(key)
                    self.log(f"{listen[0]}:{listen[1]}/{proto}: port in use (a pod binds 0.0.0.0?); not forwarding")
                    return "direct"
                return f"cannot bind {listen[0]}:{listen[1]}/{proto}: {e}"
            self.forwarders[key] = f
            self.sel.register(f.sock, selectors.EVENT_READ, ("listen", f))
            self.log(f"{key[1] if key[1] in ('nodePort', 'hostPort') else 'lb'} {listen[0]}:{listen[1]}/{proto} -> "
                     f"{backend[0]}:{backend[1]} (proxy)")
            return "proxy"

    def retain(self, keys):
        """Closes every forwarder whose key is not in `keys`."""
        with self.lock:
            self.direct &= set(keys)
            for key in [k for k in self.forwarders if k not in keys]:
                self._close_forwarder(self.forwarders.pop(key))

    def close(self):
        self.stop.set()
        self.thread.join(5)
        with self.lock:
            for f in self.forwarders.values():
                self._close_forwarder(f)
            self.forwarders.clear()
        self.sel.close()

    # --- proxy thread ------------------------------------------------------------------------------------

    def _unregister_close(self, s):
        try:
            self.sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()

    def _close_forwarder(self, f):
        for up, _ in f.udp_clients.values():
            self._unregister_close(up)
        for s in list(f.tcp_pairs):
            self._unregister_close(s)
        f.udp_clients.clear()
        f.tcp_pairs.clear()
        self._unregister_close(f.sock)

    def _run(self):
        last_sweep = time.monotonic()
        while not self.stop.is_set():
            try:
                events = self.sel.select(timeout=0.2)
            except (OSError, ValueError):
                events = []
                time.sleep(0.2)
            with self.lock:
                for key, _ in events:
                    kind, f = key.data[0], key.data[1]
                    try:
                        if kind == "listen" and f.proto == "UDP":
                            self._udp_from_client(f)
                        elif kind == "listen":
                            self._tcp_accept(f)
                        elif kind == "udp-up":
                            self._udp_from_backend(f, key.data[2], key.fileobj)
                        elif kind == "tcp":
                            self._tcp_copy(f, key.fileobj)
                    except OSError:
                        pass
                now = time.monotonic()
                if now - last_sweep > 10:
                    last_sweep = now
                    for f in self.forwarders.values():
                        for addr, (up, seen) in list(f.udp_clients.items()):
                            if now - seen > UDP_IDLE_SECONDS:
                                self._unregister_close(up)
                                del f.udp_clients[addr]

    def _udp_from_client(self, f):
        for _ in range(64):  # bounded batch per wake-up
            try:
                data, addr = f.sock.recvfrom(MAX_DATAGRAM)
            except BlockingIOError:
                return
            backend = f.backend
            if backend is None:
                continue
            entry = f.udp_clients.get(addr)
            if entry is None:
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                up.setblocking(False)
                up.connect(backend)
                self.sel.register(up, selectors.EVENT_READ, ("udp-up", f, addr))
                entry = f.udp_clients[addr] = [up, 0.0]
            entry[1] = time.monotonic()
            try:
                entry[0].send(data)
            except OSError:
                pass

    def _udp_from_backend(self, f, addr, up):
        for _ in range(64):
            try:
                data = up.recv(MAX_DATAGRAM)
            except BlockingIOError:
                return
            except OSError:  # e.g. ECONNREFUSED from an earlier send: the backend is not listening
                return
            f.sock.sendto(data, addr)
            if addr in f.udp_clients:
                f.udp_clients[addr][1] = time.monotonic()

    def _tcp_accept(self, f):
        conn, _ = f.sock.accept()
        backend = f.backend
        if backend is None:
            conn.close()
            return
        try:
            up = socket.create_connection(backend, timeout=2)
        except OSError:
            conn.close()
            return
        for s in (conn, up):
            s.setblocking(False)
        f.tcp_pairs[conn], f.tcp_pairs[up] = up, conn
        self.sel.register(conn, selectors.EVENT_READ, ("tcp", f))
        self.sel.register(up, selectors.EVENT_READ, ("tcp", f))

    def _tcp_copy(self, f, s):
        peer = f.tcp_pairs.get(s)
        if peer is None:
            return
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            try:
                peer.setblocking(True)
                peer.settimeout(5)
                peer.sendall(data)
                peer.setblocking(False)
                return
            except OSError:
                pass
        for x in (s, peer):
            f.tcp_pairs.pop(x, None)
            self._unregister_close(x)
