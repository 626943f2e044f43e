"""One pod on the shim's node: its directory, volumes, containers as local processes, probes and status."""

import ctypes
import datetime
import fnmatch
import os
import re
import shutil
import signal
import subprocess
import time

from envresolve import ConfigError, EnvResolver, expand
from kubeclient import KubeError
from probes import ProbeState, run_probe
from volumes import UnsupportedVolume, VolumeNotReady, VolumeSource, is_content_volume, write_atomic

MAX_GRACE_SECONDS = 60  # upper bound on any termination wait, whatever the pod asks for


def rfc3339(ts=None):
    return datetime.datetime.fromtimestamp(ts if ts is not None else time.time(), datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


SETPRIV = shutil.which("setpriv")


def _die_with_parent():
    """Fallback without setpriv: runs in the child before exec; SIGKILL when the shim dies (no orphans)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(argv, **kwargs):
    """Starts argv in its own session, to be SIGKILLed if the shim dies. util-linux `setpriv --pdeathsig`
    sets that before exec without running Python code in the forked child (the LB proxy thread makes a
    preexec_fn unsafe); the pid is the container process' own (setpriv execs it)."""
    if SETPRIV:
        return subprocess.Popen([SETPRIV, "--pdeathsig", "KILL", "--", *argv], start_new_session=True, **kwargs)
    return subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent, **kwargs)


class ImageMap:
    """image pattern -> a directory holding binaries (command[0]'s basename is looked up there), an executable
    file (the image's entrypoint), or {"dir": ..., "entrypoint": [...]}. Patterns use fnmatch ('*')."""

    def __init__(self, mapping):
        self.mapping = mapping

    def lookup(self, image):
        if image in self.mapping:
            return self.mapping[image]
        for pattern, value in self.mapping.items():
            if fnmatch.fnmatchcase(image, pattern):
                return value
        return None

    def argv(self, container):
        image = container.get("image", "")
        entry = self.lookup(image)
        directory, entrypoint = None, None
        if isinstance(entry, dict):
            directory, entrypoint = entry.get("dir"), entry.get("entrypoint")
        elif isinstance(entry, str):
            if entry.endswith("/") or os.path.isdir(entry):
                directory = entry
            else:
                entrypoint = [entry]
        command = list(container.get("command") or [])
        args = list(container.get("args") or [])
        if command:
            argv = command + args
        elif entrypoint:
            argv = list(entrypoint) + args
        else:
            raise ConfigError(f"image '{image}' has no entrypoint in the image map and the container has no "
                              "command; give the container a command or map the image to an executable file")
        argv0 = argv[0]
        candidates = []
        if directory:
            candidates.append(os.path.join(directory, os.path.basename(argv0)))
        if os.path.isabs(argv0):
            candidates.append(argv0)
        elif entry is None or directory is None:
            found = shutil.which(argv0)
            if found:
                candidates.append(found)
        for c in candidates:
            if os.path.isfile(c) and os.access(c, os.X_OK):
                return [c] + argv[1:], c
        if entry is None:
            raise ConfigError(f"image '{image}' is not in the image map and '{argv0}' is not an executable on "
                              "this host; add the image to the node shim's --image-map")
        raise ConfigError(f"'{argv0}' not found as an executable for image '{image}' (looked at {candidates}); "
                          "build the binary or fix the image map")


class Container:
    def __init__(self, spec, init=False):
        self.spec = spec
        self.name = spec["name"]
        self.init = init
        self.proc = None
        self.pid = None
        self.binary = ""
        self.restart_count = 0
        self.started_at = None
        self.waiting = ("ContainerCreating", "")
        self.terminated = None  # dict: exitCode, reason, startedAt, finishedAt, message
        self.last_terminated = None
        self.next_start = 0.0
        self.backoff = 0.0
        self.readiness = None
        self.liveness = None
        self.ever_started = False

    @property
    def running(self):
        return self.proc is not None

    def ready(self):
        if not self.running:
            return False
        return self.readiness.ok if self.readiness else True


class PodRuntime:
    def __init__(self, shim, pod, pod_ip):
        self.shim = shim
        self.client = shim.client
        self.pod = pod
        meta = pod["metadata"]
        self.uid = meta["uid"]
        self.ns, self.name = meta["namespace"], meta["name"]
        self.dir = os.path.join(shim.work_dir, "pods", f"{self.ns}_{self.name}_{self.uid}")
        self.ip = pod_ip
        self.init_containers = [Container(c, True) for c in pod["spec"].get("initContainers") or []]
        self.containers = [Container(c) for c in pod["spec"]["containers"]]
        self.volumes_ready = False
        self.volume_error = None
        self.fatal = None  # (reason, message) that keeps the pod from starting
        self.start_time = rfc3339()
        self.conditions = {}
        self.last_status = None
        self.terminating_deadline = None
        self.finalized = False
        self.tokens = {}
        os.makedirs(self.dir, exist_ok=True)

    def spec_host_network(self):
        return bool(self.pod["spec"].get("hostNetwork"))

    # --- paths -----------------------------------------------------------------------------------------

    def log(self, msg):
        self.shim.log(f"pod {self.ns}/{self.name}: {msg}")

    def volume_dir(self, name):
        return os.path.join(self.dir, "volumes", name)

    def rootfs(self, container):
        return os.path.join(self.dir, "containers", container.name, "rootfs")

    def mounts(self, container):
        """mountPath -> path under the container's rootfs (a symlink to the volume or its subPath)."""
        out = {}
        for m in container.spec.get("volumeMounts") or []:
            out[m["mountPath"].rstrip("/") or "/"] = os.path.join(self.rootfs(container), m["mountPath"].lstrip("/"))
        return out

    def rewrite(self, text, mounts):
        """Replaces every occurrence of a mountPath (as a whole path component) with its rootfs path."""
        for mount in sorted(mounts, key=len, reverse=True):
            pattern = r"(?<![\w./-])" + re.escape(mount) + r"(?=/|$|[^\w.-])"
            text = re.sub(pattern, lambda _m, p=mounts[mount]: p, text)
        return text

    # --- volumes -----------------------------------------------------------------------------------------

    def token_source(self, pod, audience, expiration):
        key = (audience, expiration)
        cached = self.tokens.get(key)
        if cached and time.time() < cached[1]:
            return cached[0]
        sa = pod["spec"].get("serviceAccountName") or "default"
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                "spec": {"audiences": [audience] if audience else None, "expirationSeconds": expiration,
                         "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": self.name, "uid": self.uid}}}
        if not audience:
            del body["spec"]["audiences"]
        r = self.client.request("POST", f"/api/v1/namespaces/{self.ns}/serviceaccounts/{sa}/token", body)
        token = r["status"]["token"]
        self.tokens[key] = (token, time.time() + expiration * 0.8)
        return token

    def sync_volumes(self):
        """Writes/updates all volumes; returns True when every volume is present."""
        try:
            for v in self.pod["spec"].get("volumes") or []:
                target = self.volume_dir(v["name"])
                if is_content_volume(v):
                    files, mode = VolumeSource(self.client, self.pod, v, self.token_source).files()
                    if write_atomic(target, files, mode) and self.volumes_ready:
                        self.log(f"volume '{v['name']}' updated")
                elif "emptyDir" in v:
                    os.makedirs(target, exist_ok=True)
                elif "hostPath" in v:
                    path = v["hostPath"]["path"]
                    if v["hostPath"].get("type") in ("DirectoryOrCreate",):
                        os.makedirs(path, exist_ok=True)
                    if not os.path.lexists(target):
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        os.symlink(path, target)
                else:
                    raise UnsupportedVolume(f"volume '{v['name']}' type {sorted(k for k in v if k != 'name')} "
                                            "is not supported by the node shim")
            if not self.volumes_ready:
                for c in self.init_containers + self.containers:
                    self._link_mounts(c)
            self.volumes_ready = True
            self.volume_error = None
            return True
        except VolumeNotReady as e:
            self.volume_error = str(e)
            return False
        except UnsupportedVolume as e:
            self.fatal = ("UnsupportedVolume", str(e))
            return False
        except KubeError as e:
            self.volume_error = f"API error while reading volumes: {e}"
            return False

    def _link_mounts(self, c):
        root = self.rootfs(c)
        names = {v["name"] for v in self.pod["spec"].get("volumes") or []}
        for m in c.spec.get("volumeMounts") or []:
            if m["name"] not in names:
                raise UnsupportedVolume(f"container '{c.name}' mounts unknown volume '{m['name']}'")
            src = self.volume_dir(m["name"])
            if m.get("subPath"):
                src = os.path.join(src, m["subPath"])
                volume = next(v for v in self.pod["spec"]["volumes"] if v["name"] == m["name"])
                if "emptyDir" in volume:
                    os.makedirs(src, exist_ok=True)
            link = os.path.join(root, m["mountPath"].lstrip("/"))
            os.makedirs(os.path.dirname(link), exist_ok=True)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink(src, link)

    # --- containers --------------------------------------------------------------------------------------

    def base_env(self, c):
        shim = self.shim
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOSTNAME": self.name,
            "HOME": os.path.join(self.dir, "home"),
            "KUBERNETES_SERVICE_HOST": shim.api_host,
            "KUBERNETES_SERVICE_PORT": str(shim.api_port),
            "KUBERNETES_SERVICE_PORT_HTTPS": str(shim.api_port),
            "PEERRELAY_SHIM_ROOT": self.rootfs(c),
            "PEERRELAY_SHIM_POD_DIR": self.dir,
            "PEERRELAY_SHIM_POD_IP": self.ip,
        }

    def _pod_with_ip(self):
        p = dict(self.pod)
        p["status"] = dict(p.get("status") or {}, podIP=self.ip, podIPs=[{"ip": self.ip}])
        return p

    def container_env(self, c):
        resolver = EnvResolver(self.client, self._pod_with_ip(), self.shim.node_ip, self.shim.allocatable)
        env = resolver.resolve(c.spec, self.base_env(c))
        mounts = self.mounts(c)
        return {k: self.rewrite(v, mounts) for k, v in env.items()}, mounts

    def start_container(self, c, now):
        try:
            env, mounts = self.container_env(c)
            argv, binary = self.shim.image_map.argv(c.spec)
        except ConfigError as e:
            c.waiting = ("CreateContainerConfigError", str(e))
            c.next_start = now + 2
            return
        except KubeError as e:
            c.waiting = ("CreateContainerConfigError", f"API error: {e}")
            c.next_start = now + 2
            return
        argv = [argv[0]] + [self.rewrite(expand(a, env), mounts) for a in argv[1:]]
        cwd = self.rewrite(c.spec["workingDir"], mounts) if c.spec.get("workingDir") else self.dir
        os.makedirs(env["HOME"], exist_ok=True)
        log_path = os.path.join(self.dir, f"{c.name}.log")
        try:
            os.makedirs(cwd, exist_ok=True)
            with open(log_path, "ab") as logf:
                c.proc = spawn(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                               stderr=subprocess.STDOUT)
        except OSError as e:
            c.proc = None
            c.waiting = ("RunContainerError", f"starting {argv[0]}: {e}")
            c.next_start = now + 5
            return
        c.pid, c.binary = c.proc.pid, binary
        c.started_at = rfc3339()
        c.started_mono = now
        c.ever_started = True
        c.waiting = None
        c.terminated = None
        c.env, c.mounts = env, mounts
        rp = c.spec.get("readinessProbe")
        c.readiness = ProbeState(rp, now, False) if rp and not c.init else None
        lp = c.spec.get("livenessProbe")
        c.liveness = ProbeState(lp, now, True) if lp and not c.init else None
        self.log(f"started container {c.name}: pid {c.pid}: {' '.join(argv)} (log {log_path})")

    def _reap(self, c, now):
        code = c.proc.poll()
        if code is None:
            return False
        if code < 0:
            reason = "Error"
            exit_code = 128 - code
        else:
            reason = "Completed" if code == 0 else "Error"
            exit_code = code
        c.terminated = {"exitCode": exit_code, "reason": reason, "startedAt": c.started_at,
                        "finishedAt": rfc3339(), "containerID": f"shim://{c.pid}"}
        c.proc = None
        self.log(f"container {c.name} (pid {c.pid}) exited with {exit_code}")
        return True

    def _maybe_restart(self, c, now):
        policy = self.pod["spec"].get("restartPolicy", "Always")
        code = c.terminated["exitCode"] if c.terminated else 0
        if c.init:
            if code == 0:
                return False
            if policy == "Never":
                return False
        elif policy == "Never" or (policy == "OnFailure" and code == 0):
            return False
        ran_for = now - getattr(c, "started_mono", now)
        c.backoff = 1.0 if ran_for > 60 or c.backoff == 0 else min(c.backoff * 2, 60.0)
        c.next_start = now + c.backoff
        c.restart_count += 1
        c.last_terminated = c.terminated
        c.waiting = ("CrashLoopBackOff", f"back-off {c.backoff:.0f}s restarting failed container={c.name}")
        return True

    def signal_all(self, sig):
        for c in self.init_containers + self.containers:
            if c.proc is not None:
                try:
                    os.killpg(c.pid, sig)
                except ProcessLookupError:
                    pass

    # --- lifecycle ---------------------------------------------------------------------------------------

    def tick(self, now):
        """Advances the pod one step: volumes, init containers, containers, probes, termination."""
        if self.terminating_deadline is not None:
            return self.tick_terminating(now)
        for c in self.init_containers + self.containers:
            if c.proc is not None and self._reap(c, now):
                waiting_restart = self._maybe_restart(c, now)
                if not waiting_restart:
                    c.waiting = None
        if self.fatal:
            return
        if not self.volumes_ready and not self.sync_volumes():
            for c in self.init_containers + self.containers:
                if not c.ever_started:
                    c.waiting = ("ContainerCreating", self.volume_error or (self.fatal or ("", ""))[1])
            return
        # init containers run one after another, each to success
        for c in self.init_containers:
            if c.terminated and c.terminated["exitCode"] == 0:
                continue
            if c.proc is None and now >= c.next_start and (c.waiting is not None):
                self.start_container(c, now)
            return
        for c in self.containers:
            if c.proc is None and c.waiting is not None and now >= c.next_start:
                self.start_container(c, now)
            if c.proc is not None:
                self._probe(c, now)

    def _probe(self, c, now):
        for state, kind in ((c.readiness, "readiness"), (c.liveness, "liveness")):
            if state is None or not state.due(now):
                continue
            ok, message = run_probe(state.probe, c.spec, self.ip,
                                    lambda argv, c=c: [self.rewrite(expand(a, c.env), c.mounts) for a in argv],
                                    c.env)
            before = state.ok
            state.record(ok, message, now)
            if before != state.ok:
                self.log(f"container {c.name} {kind} {'succeeded' if state.ok else 'failed: ' + message}")
            if kind == "liveness" and not state.ok:
                self.log(f"container {c.name} failed its liveness probe; killing it to restart")
                try:
                    os.killpg(c.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                state.ok = True
                state.failures = 0

    def begin_termination(self, grace):
        if self.terminating_deadline is not None:
            return
        grace = max(0, min(int(grace), MAX_GRACE_SECONDS))
        self.log(f"terminating (grace {grace}s)")
        self.terminating_deadline = time.monotonic() + grace
        self.killed = False
        self.signal_all(signal.SIGTERM)

    def tick_terminating(self, now):
        for c in self.init_containers + self.containers:
            if c.proc is not None:
                self._reap(c, now)
                if c.proc is None and c.terminated:
                    c.waiting = None
        alive = [c for c in self.init_containers + self.containers if c.proc is not None]
        if alive and now >= self.terminating_deadline and not self.killed:
            self.log(f"grace period over; SIGKILL to {[c.name for c in alive]}")
            self.signal_all(signal.SIGKILL)
            self.killed = True
        return not alive

    def all_stopped(self):
        return all(c.proc is None for c in self.init_containers + self.containers)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- status ------------------------------------------------------------------------------------------

    def _container_status(self, c):
        st = {"name": c.name, "image": c.spec.get("image", ""), "imageID": f"shim://{c.binary}" if c.binary else "",
              "restartCount": c.restart_count, "ready": c.ready() if not c.init else bool(
                  c.terminated and c.terminated["exitCode"] == 0), "started": c.running}
        if c.running:
            st["state"] = {"running": {"startedAt": c.started_at}}
            st["containerID"] = f"shim://{c.pid}"
        elif c.waiting is not None:
            st["state"] = {"waiting": {"reason": c.waiting[0], "message": c.waiting[1]} if c.waiting[1]
                           else {"reason": c.waiting[0]}}
        elif c.terminated:
            st["state"] = {"terminated": c.terminated}
            st["containerID"] = c.terminated["containerID"]
        else:
            st["state"] = {"waiting": {"reason": "ContainerCreating"}}
        if c.last_terminated:
            st["lastState"] = {"terminated": c.last_terminated}
        return st

    def phase(self):
        policy = self.pod["spec"].get("restartPolicy", "Always")
        if self.fatal:
            return "Failed" if policy == "Never" else "Pending"
        inits_done = all(c.terminated and c.terminated["exitCode"] == 0 for c in self.init_containers)
        if any(c.terminated and c.terminated["exitCode"] != 0 and c.waiting is None for c in self.init_containers):
            return "Failed"
        if not inits_done:
            return "Pending"
        if any(c.running for c in self.containers):
            return "Running"
        if not all(c.ever_started for c in self.containers):
            return "Pending"
        finished = [c for c in self.containers if c.terminated and c.waiting is None]
        if len(finished) == len(self.containers):
            return "Succeeded" if all(c.terminated["exitCode"] == 0 for c in finished) else "Failed"
        return "Running"

    def _condition(self, ctype, ok, reason=""):
        status = "True" if ok else "False"
        prev = self.conditions.get(ctype)
        if prev is None or prev["status"] != status:
            prev = {"type": ctype, "status": status, "lastProbeTime": None, "lastTransitionTime": rfc3339()}
            if reason:
                prev["reason"] = reason
            self.conditions[ctype] = prev
        return prev

    def status(self):
        phase = self.phase()
        inits_done = all(c.terminated and c.terminated["exitCode"] == 0 for c in self.init_containers)
        ready = phase == "Running" and all(c.ready() for c in self.containers)
        conds = [self._condition("Initialized", inits_done, "" if inits_done else "ContainersNotInitialized"),
                 self._condition("Ready", ready, "" if ready else "ContainersNotReady"),
                 self._condition("ContainersReady", ready, "" if ready else "ContainersNotReady"),
                 self._condition("PodScheduled", True)]
        st = {"phase": phase, "conditions": conds, "hostIP": self.shim.node_ip, "podIP": self.ip,
              "podIPs": [{"ip": self.ip}], "startTime": self.start_time,
              "containerStatuses": [self._container_status(c) for c in self.containers]}
        if self.init_containers:
            st["initContainerStatuses"] = [self._container_status(c) for c in self.init_containers]
        if self.fatal:
            st["reason"], st["message"] = self.fatal
        return st

    def report(self):
        st = self.status()
        if st == self.last_status:
            return
        try:
            self.client.request("PATCH", f"/api/v1/namespaces/{self.ns}/pods/{self.name}/status",
                                {"metadata": {"uid": self.uid}, "status": st},
                                content_type="application/merge-patch+json")
            if self.last_status is None or self.last_status["phase"] != st["phase"] or \
                    self.status_ready(self.last_status) != self.status_ready(st):
                self.log(f"status: phase {st['phase']}, ready {self.status_ready(st)}")
            self.last_status = st
        except KubeError as e:
            if e.status not in (404, 409):
                self.log(f"status update failed: {e}")

    @staticmethod
    def status_ready(st):
        return next((c["status"] for c in st["conditions"] if c["type"] == "Ready"), "False") == "True"
