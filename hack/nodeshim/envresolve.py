"""Container environment: env, envFrom, valueFrom (secretKeyRef, configMapKeyRef, fieldRef,
resourceFieldRef) and kubelet's $(VAR) expansion."""

import base64
import re


class ConfigError(Exception):
    """A referenced Secret/ConfigMap/key is missing; reported as CreateContainerConfigError."""


_VAR = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(text, mapping):
    """Kubernetes expansion: $(VAR) -> value when VAR is defined, otherwise left as is; $$ -> $."""
    def repl(m):
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return mapping[name] if name in mapping else m.group(0)
    return _VAR.sub(repl, text)


def field_value(pod, path, node_ip):
    meta, spec, status = pod["metadata"], pod["spec"], pod.get("status") or {}
    simple = {
        "metadata.name": meta["name"], "metadata.namespace": meta["namespace"], "metadata.uid": meta["uid"],
        "spec.nodeName": spec.get("nodeName", ""), "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": node_ip, "status.podIP": status.get("podIP", ""),
        "status.podIPs": ",".join(p["ip"] for p in status.get("podIPs") or []),
    }
    if path in simple:
        return simple[path]
    for prefix, source in (("metadata.labels", "labels"), ("metadata.annotations", "annotations")):
        if path.startswith(prefix + "['") and path.endswith("']"):
            return (meta.get(source) or {}).get(path[len(prefix) + 2:-2], "")
    raise ConfigError(f"fieldRef '{path}' is not supported by the node shim")


def _quantity_value(q, divisor):
    units = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3,
             "Ti": 1024**4}
    def parse(s):
        s = str(s)
        for u in sorted(units, key=len, reverse=True):
            if s.endswith(u):
                return float(s[: -len(u)]) * units[u]
        return float(s)
    import math
    return str(int(math.ceil(parse(q) / parse(divisor or "1"))))


class EnvResolver:
    def __init__(self, client, pod, node_ip, node_allocatable):
        self.client = client
        self.pod = pod
        self.ns = pod["metadata"]["namespace"]
        self.node_ip = node_ip
        self.node_allocatable = node_allocatable
        self._cache = {}

    def _object(self, kind, name):
        key = (kind, name)
        if key not in self._cache:
            self._cache[key] = self.client.get_or_none(f"/api/v1/namespaces/{self.ns}/{kind}/{name}")
        return self._cache[key]

    def _data(self, kind, name, optional):
        obj = self._object(kind, name)
        if obj is None:
            if optional:
                return None
            raise ConfigError(f"{kind[:-1]} \"{name}\" not found")
        if kind == "secrets":
            return {k: base64.b64decode(v).decode(errors="replace") for k, v in (obj.get("data") or {}).items()}
        return dict(obj.get("data") or {})

    def _key(self, kind, ref):
        data = self._data(kind, ref["name"], ref.get("optional"))
        if data is None:
            return None
        if ref["key"] not in data:
            if ref.get("optional"):
                return None
            raise ConfigError(f"couldn't find key {ref['key']} in {kind[:-1]} {self.ns}/{ref['name']}")
        return data[ref["key"]]

    def resolve(self, container, base):
        """Returns the container's environment as an ordered dict, on top of `base` (shim-provided vars)."""
        env = dict(base)
        for src in container.get("envFrom") or []:
            prefix = src.get("prefix", "")
            if "configMapRef" in src:
                data = self._data("configmaps", src["configMapRef"]["name"], src["configMapRef"].get("optional"))
            else:
                data = self._data("secrets", src["secretRef"]["name"], src["secretRef"].get("optional"))
            for k, v in (data or {}).items():
                env[prefix + k] = v
        for e in container.get("env") or []:
            if "valueFrom" not in e:
                env[e["name"]] = expand(e.get("value", ""), env)
                continue
            vf = e["valueFrom"]
            if "secretKeyRef" in vf:
                value = self._key("secrets", vf["secretKeyRef"])
            elif "configMapKeyRef" in vf:
                value = self._key("configmaps", vf["configMapKeyRef"])
            elif "fieldRef" in vf:
                value = field_value(self.pod, vf["fieldRef"]["fieldPath"], self.node_ip)
            elif "resourceFieldRef" in vf:
                r = vf["resourceFieldRef"]
                kind, _, res = r["resource"].partition(".")
                target = container
                if r.get("containerName"):
                    target = next((c for c in self.pod["spec"]["containers"] if c["name"] == r["containerName"]),
                                  container)
                q = ((target.get("resources") or {}).get(kind) or {}).get(res)
                if q is None:
                    q = self.node_allocatable.get(res, "0")
                value = _quantity_value(q, r.get("divisor"))
            else:
                raise ConfigError(f"env {e['name']}: unsupported valueFrom {sorted(vf)}")
            if value is not None:
                env[e["name"]] = value
        return env
