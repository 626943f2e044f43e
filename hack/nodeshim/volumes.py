"""Pod volumes on the host: Secret, ConfigMap, downwardAPI, projected, emptyDir, hostPath.

Content volumes are written like kubelet's AtomicWriter: the files live in a timestamped directory
`..<stamp>`, `..data` is a symlink to it, and each user-visible name is a symlink `name -> ..data/name`.
An update writes a new timestamped directory and swaps `..data` with one rename(2), so a reader sees
either the old or the new set of files, never a mix.
"""

import base64
import os
import shutil
import time


class VolumeNotReady(Exception):
    """A referenced Secret/ConfigMap/key does not exist (yet); the pod waits like kubelet does."""


class UnsupportedVolume(Exception):
    """The pod uses a volume type the shim cannot provide."""


def _items(data, items, source, optional):
    """Maps key->bytes to relative path->bytes honouring `items` (key, path)."""
    if items:
        out = {}
        for item in items:
            key = item["key"]
            if key not in data:
                if optional:
                    continue
                raise VolumeNotReady(f"key '{key}' not found in {source}")
            out[item["path"]] = (data[key], item.get("mode"))
        return out
    return {key: (value, None) for key, value in data.items()}


def _field(pod, path):
    meta = pod["metadata"]
    if path == "metadata.name":
        return meta["name"]
    if path == "metadata.namespace":
        return meta["namespace"]
    if path == "metadata.uid":
        return meta["uid"]
    if path == "metadata.labels":
        return "\n".join(f'{k}="{v}"' for k, v in sorted((meta.get("labels") or {}).items()))
    if path == "metadata.annotations":
        return "\n".join(f'{k}="{v}"' for k, v in sorted((meta.get("annotations") or {}).items()))
    if path.startswith("metadata.labels['") and path.endswith("']"):
        return (meta.get("labels") or {}).get(path[len("metadata.labels['"):-2], "")
    if path.startswith("metadata.annotations['") and path.endswith("']"):
        return (meta.get("annotations") or {}).get(path[len("metadata.annotations['"):-2], "")
    raise UnsupportedVolume(f"fieldRef '{path}' is not supported by the node shim")


class VolumeSource:
    """Resolves the files of one content volume from the API."""

    def __init__(self, client, pod, volume, token_source):
        self.client = client
        self.pod = pod
        self.volume = volume
        self.ns = pod["metadata"]["namespace"]
        self.token_source = token_source

    def _secret(self, spec):
        name = spec.get("secretName") or spec.get("name")
        obj = self.client.get_or_none(f"/api/v1/namespaces/{self.ns}/secrets/{name}")
        if obj is None:
            if spec.get("optional"):
                return {}
            raise VolumeNotReady(f"secret '{name}' not found")
        data = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
        return _items(data, spec.get("items"), f"secret '{name}'", spec.get("optional"))

    def _configmap(self, spec):
        name = spec["name"]
        obj = self.client.get_or_none(f"/api/v1/namespaces/{self.ns}/configmaps/{name}")
        if obj is None:
            if spec.get("optional"):
                return {}
            raise VolumeNotReady(f"configmap '{name}' not found")
        data = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
        data.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
        return _items(data, spec.get("items"), f"configmap '{name}'", spec.get("optional"))

    def _downward(self, spec):
        out = {}
        for item in spec.get("items") or []:
            if "fieldRef" not in item:
                raise UnsupportedVolume("downwardAPI resourceFieldRef is not supported by the node shim")
            out[item["path"]] = (_field(self.pod, item["fieldRef"]["fieldPath"]).encode(), item.get("mode"))
        return out

    def files(self):
        """Returns {relative path: (bytes, mode or None)} and the volume's default mode."""
        v = self.volume
        if "secret" in v:
            return self._secret(v["secret"]), v["secret"].get("defaultMode", 0o644)
        if "configMap" in v:
            return self._configmap(v["configMap"]), v["configMap"].get("defaultMode", 0o644)
        if "downwardAPI" in v:
            return self._downward(v["downwardAPI"]), v["downwardAPI"].get("defaultMode", 0o644)
        if "projected" in v:
            out = {}
            for src in v["projected"].get("sources") or []:
                if "secret" in src:
                    out.update(self._secret(src["secret"]))
                elif "configMap" in src:
                    out.update(self._configmap(src["configMap"]))
                elif "downwardAPI" in src:
                    out.update(self._downward(src["downwardAPI"]))
                elif "serviceAccountToken" in src:
                    t = src["serviceAccountToken"]
                    token = self.token_source(self.pod, t.get("audience"), t.get("expirationSeconds", 3600))
                    out[t["path"]] = (token.encode(), None)
                else:
                    raise UnsupportedVolume(f"projected source {sorted(src)} is not supported by the node shim")
            return out, v["projected"].get("defaultMode", 0o644)
        raise UnsupportedVolume(f"volume '{v['name']}' type {sorted(k for k in v if k != 'name')} "
                                "is not supported by the node shim")


def is_content_volume(volume):
    return any(k in volume for k in ("secret", "configMap", "downwardAPI", "projected"))


def write_atomic(target_dir, files, default_mode):
    """Writes files into target_dir with the ..data symlink swap; returns True when something changed."""
    os.makedirs(target_dir, exist_ok=True)
    data_link = os.path.join(target_dir, "..data")
    current = {}
    if os.path.islink(data_link):
        base = os.path.join(target_dir, os.readlink(data_link))
        for rel in _walk(base):
            with open(os.path.join(base, rel), "rb") as f:
                current[rel] = f.read()
    wanted = {rel: content for rel, (content, _) in files.items()}
    if os.path.islink(data_link) and current == wanted:
        return False
    stamp = "..%s.%d" % (time.strftime("%Y_%m_%d_%H_%M_%S"), time.monotonic_ns())
    new_dir = os.path.join(target_dir, stamp)
    os.makedirs(new_dir)
    for rel, (content, mode) in files.items():
        path = os.path.join(new_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, mode if mode is not None else default_mode)
    old_target = os.readlink(data_link) if os.path.islink(data_link) else None
    tmp_link = os.path.join(target_dir, "..data_tmp")
    if os.path.lexists(tmp_link):
        os.unlink(tmp_link)
    os.symlink(stamp, tmp_link)
    os.rename(tmp_link, data_link)
    # user-visible top-level names -> ..data/<name>
    top = {rel.split("/", 1)[0] for rel in files}
    for name in top:
        link = os.path.join(target_dir, name)
        if not os.path.islink(link):
            os.symlink(os.path.join("..data", name), link)
    for name in os.listdir(target_dir):
        if not name.startswith("..") and name not in top:
            os.unlink(os.path.join(target_dir, name))
    if old_target:
        shutil.rmtree(os.path.join(target_dir, old_target), ignore_errors=True)
    return True


def _walk(base):
    out = []
    for root, _, names in os.walk(base):
        for n in names:
            out.append(os.path.relpath(os.path.join(root, n), base))
    return out
