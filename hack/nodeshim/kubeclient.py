"""A small Kubernetes REST client (standard library only) for the node shim.

Reads the token-auth kubeconfigs that hack/cluster writes; keeps one HTTPS connection alive and
reconnects on failure. Every request has a timeout.
"""

import base64
import http.client
import json
import os
import ssl
import urllib.parse


class KubeError(Exception):
    """A non-2xx answer from the API server (status carries the HTTP code) or a transport failure (status 0)."""

    def __init__(self, status, message, reason=""):
        super().__init__(f"HTTP {status} {reason}: {message}" if status else message)
        self.status = status
        self.reason = reason


def _scalar(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def load_kubeconfig(path):
    """Returns (server, ca_pem_or_None, token, insecure) from a kubeconfig with one cluster and a token user.

    Only the flat fields are read (server, certificate-authority[-data], insecure-skip-tls-verify, token);
    kubeconfigs with several clusters/users or exec/client-cert auth are rejected with a clear message.
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit(f"node-shim: cannot read kubeconfig {path}: {e}")
    fields = {}
    for line in text.splitlines():
        stripped = line.strip().lstrip("- ").strip()
        if ":" not in stripped:
            continue
        key, _, value = stripped.partition(":")
        key = key.strip()
        if key in ("server", "certificate-authority-data", "certificate-authority", "token",
                   "insecure-skip-tls-verify"):
            if key in fields:
                raise SystemExit(f"node-shim: kubeconfig {path} has several '{key}' entries; "
                                 "give it a kubeconfig with one cluster and one token user (hack/cluster writes one)")
            fields[key] = _scalar(value)
    if "server" not in fields or "token" not in fields:
        raise SystemExit(f"node-shim: kubeconfig {path} needs a cluster 'server' and a user 'token' "
                         "(use <state>/kubeconfig written by hack/cluster up)")
    ca = None
    if "certificate-authority-data" in fields:
        ca = base64.b64decode(fields["certificate-authority-data"]).decode()
    elif "certificate-authority" in fields:
        with open(os.path.join(os.path.dirname(path), fields["certificate-authority"]), encoding="utf-8") as f:
            ca = f.read()
    insecure = fields.get("insecure-skip-tls-verify", "false").lower() == "true"
    return fields["server"], ca, fields["token"], insecure


class KubeClient:
    def __init__(self, server, ca_pem, token, insecure=False, timeout=10.0):
        url = urllib.parse.urlsplit(server)
        if url.scheme != "https":
            raise SystemExit(f"node-shim: server {server} must be https")
        self.host = url.hostname
        self.port = url.port or 443
        self.token = token
        self.timeout = timeout
        if insecure:
            self.ctx = ssl._create_unverified_context()
        else:
            self.ctx = ssl.create_default_context(cadata=ca_pem) if ca_pem else ssl.create_default_context()
        self.ca_pem = ca_pem
        self.server = server
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=self.timeout)
        return self.conn

    def request(self, method, path, body=None, content_type="application/json", query=None):
        if query:
            path = path + "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "User-Agent": "peerrelay-node-shim"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (OSError, http.client.HTTPException) as e:
                self.close()
                if attempt == 2:
                    raise KubeError(0, f"{method} {path}: {e}")
        payload = None
        if raw:
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"message": raw[:200].decode(errors="replace")}
        if resp.status >= 300:
            message = (payload or {}).get("message", "")
            raise KubeError(resp.status, f"{method} {path}: {message}", (payload or {}).get("reason", ""))
        return payload

    def get(self, path, query=None):
        return self.request("GET", path, query=query)

    def get_or_none(self, path):
        try:
            return self.get(path)
        except KubeError as e:
            if e.status == 404:
                return None
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None
