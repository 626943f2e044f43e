"""Readiness/liveness probes (httpGet, tcpSocket, exec), run against the pod's IP on the host network."""

import http.client
import socket
import ssl
import subprocess
import time


def resolve_port(port, container):
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return p["containerPort"]
    raise ValueError(f"probe port '{port}' is not a named port of container '{container['name']}'")


def run_probe(probe, container, pod_ip, argv_rewrite, env):
    """Returns (ok, message). Never raises; bounded by the probe's timeoutSeconds."""
    timeout = float(probe.get("timeoutSeconds", 1))
    try:
        if "httpGet" in probe:
            h = probe["httpGet"]
            host = h.get("host") or pod_ip
            port = resolve_port(h["port"], container)
            if h.get("scheme", "HTTP").upper() == "HTTPS":
                conn = http.client.HTTPSConnection(host, port, timeout=timeout,
                                                   context=ssl._create_unverified_context())
            else:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            try:
                headers = {x["name"]: x["value"] for x in h.get("httpHeaders") or []}
                headers.setdefault("User-Agent", "kube-probe/1.20")
                conn.request("GET", h.get("path", "/"), headers=headers)
                resp = conn.getresponse()
                resp.read(1024)
                if 200 <= resp.status < 400:
                    return True, ""
                return False, f"HTTP probe failed with statuscode: {resp.status}"
            finally:
                conn.close()
        if "tcpSocket" in probe:
            t = probe["tcpSocket"]
            with socket.create_connection((t.get("host") or pod_ip, resolve_port(t["port"], container)),
                                          timeout=timeout):
                return True, ""
        if "exec" in probe:
            argv = argv_rewrite(probe["exec"]["command"])
            r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=timeout)
            return r.returncode == 0, f"exec probe exited {r.returncode}" if r.returncode else ""
        return False, "probe has no httpGet/tcpSocket/exec handler"
    except subprocess.TimeoutExpired:
        return False, f"probe timed out after {timeout}s"
    except (OSError, ValueError, http.client.HTTPException) as e:
        return False, f"probe failed: {e}"


class ProbeState:
    """Tracks one probe's schedule and success/failure thresholds."""

    def __init__(self, probe, started_at, initially_ok):
        self.probe = probe
        self.next_at = started_at + probe.get("initialDelaySeconds", 0)
        self.ok = initially_ok
        self.successes = 0
        self.failures = 0
        self.message = ""

    def due(self, now):
        return now >= self.next_at

    def record(self, ok, message, now):
        self.next_at = now + self.probe.get("periodSeconds", 10)
        if ok:
            self.successes += 1
            self.failures = 0
            if self.successes >= self.probe.get("successThreshold", 1):
                self.ok = True
        else:
            self.failures += 1
            self.successes = 0
            self.message = message
            if self.failures >= self.probe.get("failureThreshold", 3):
                self.ok = False
        return self.ok


def now():
    return time.monotonic()
