"""Helpers shared by the script suites (e2e/*), the demo (hack/demo) and the benchmarks (Benchmarks/bench-*).

Import it with `sys.path.insert(0, <repo>/hack/lib)`, then `import peerrelay`. Standard library only, so the
cluster suite runs without hack/deps; the node-identity helpers import `cryptography` when first called.

- free_port, wait_until, process_running, pem, skip: the small pieces every suite needs.
- Stack: the end-to-end recipe (local cluster on a real node with the project image, a tailnet-coordinator on the
  host or the chart's in the cluster, manifests or the Helm chart with the operator as a pod, PeerRelay objects,
  node identities, `relayctl probe`) with the processes it started, so e2e/operator-e2e and hack/demo run the
  same steps and stop everything they started.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLUSTER = os.path.join(ROOT, "hack", "cluster")
DEBUG_BIN = os.path.join(ROOT, ".build", "debug")

# Exit status of a suite that could not run its real component (hack/test counts it as skipped, never passed).
SKIPPED_EXIT = 77

# What wait_until treats as "not yet": failed checks, failed commands, refused connections, incomplete objects.
NOT_YET = (AssertionError, subprocess.SubprocessError, OSError, ValueError, KeyError, IndexError, TypeError)


def free_port(host="127.0.0.1"):
    """A TCP port on host that is free right now (and, in practice, its UDP twin too)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until(what, timeout, fn, interval=0.5, alive=()):
    """Calls fn until it returns something truthy (returned) or timeout seconds pass (AssertionError naming what
    was awaited and the last result or error). `alive` names (label, Popen) pairs that must keep running: when one
    exits the wait fails at once instead of running into the timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for label, proc in alive:
            if proc.poll() is not None:
                raise AssertionError(f"{label} exited with status {proc.returncode} while waiting for {what}")
        try:
            last = fn()
            if last:
                return last
        except NOT_YET as error:
            last = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def process_running(pid):
    """True when pid exists and is not a zombie (an exited child nobody reaped yet is not running)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pem(certificate_b64):
    """A PeerRelay certificate (base64 DER-like bytes from the coordinator) in its PEM armor."""
    lines = [certificate_b64[i:i + 64] for i in range(0, len(certificate_b64), 64)]
    return "-----BEGIN PEERRELAY CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END PEERRELAY CERTIFICATE-----\n"


def skip(suite, reason):
    """Ends a suite that cannot run its real component: prints why and exits SKIPPED_EXIT (counted as skipped)."""
    print(f"{suite}: SKIPPED: {reason}", flush=True)
    sys.exit(SKIPPED_EXIT)


class Steps:
    """A script suite's steps: each runs in order, a failure is counted with its traceback and the run goes on;
    `summary()` prints the "<suite>: N passed, M failed" line hack/test reads."""

    def __init__(self, suite):
        self.suite = suite
        self.passed, self.failed = [], []

    def log(self, message):
        print(f"[{self.suite} {time.strftime('%H:%M:%S')}] {message}", flush=True)

    def run(self, name, fn):
        start = time.monotonic()
        try:
            fn()
            self.passed.append(name)
            self.log(f"PASS {name} ({time.monotonic() - start:.1f}s)")
        except Exception as error:  # noqa: BLE001 - every failure is reported and counted
            self.failed.append(name)
            self.log(f"FAIL {name} ({time.monotonic() - start:.1f}s): {error}")
            traceback.print_exc(limit=3)

    def summary(self):
        print(f"{self.suite}: {len(self.passed)} passed, {len(self.failed)} failed", flush=True)


class CommandFailed(AssertionError):
    """A command exited non-zero (or timed out); the message has the command and its last output."""

    def __init__(self, message, log=None):
        super().__init__(message)
        self.log = log


class Stack:
    """The PeerRelay stack on a fresh local cluster, in its own temporary directory (logs, tokens, keys).

    Every process started goes into `processes` (name -> Popen) with its log in `logs`; `down()` stops them
    and the cluster. Methods raise AssertionError (CommandFailed for commands) with what went wrong."""

    def __init__(self, name, namespace, tailnet_id, bin_dir=DEBUG_BIN):
        self.bin = bin_dir
        self.ns = namespace
        self.tailnet_id = tailnet_id
        self.work = tempfile.mkdtemp(prefix=f"{name}-")
        self.env = dict(os.environ, PEERRELAY_CLUSTER_DIR=self.path("cluster"))
        self.processes = {}
        self.logs = {}
        self.cluster_started = False
        self.coord_port = free_port()
        # Pods reach the coordinator on the host end of the cluster's link (set by cluster_up), and so does the host.
        self.coord_url = f"http://127.0.0.1:{self.coord_port}"
        self.nodes = []
        self.operator_kubeconfig = None

    # --- plumbing -------------------------------------------------------------------------------------------

    def path(self, name):
        return os.path.join(self.work, name)

    def tool(self, name):
        return os.path.join(self.bin, name)

    def require_tools(self, *names):
        for name in names:
            if not os.access(self.tool(name), os.X_OK):
                raise AssertionError(f"{self.tool(name)} is missing: run `swift build --product {name}` first")

    def run(self, *args, check=True, timeout=60, input=None, log=None):
        try:
            result = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout, input=input)
        except subprocess.TimeoutExpired:
            raise CommandFailed(f"`{' '.join(args)}` did not finish within {timeout}s", log)
        if check and result.returncode != 0:
            detail = (result.stderr.strip() or result.stdout.strip())[-2000:]
            raise CommandFailed(f"`{' '.join(args)}` exited {result.returncode}: {detail}", log)
        return result

    def kubectl(self, *args, **kw):
        return self.run("kubectl", *args, **kw)

    def kget(self, *args):
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def start(self, name, args, log_name=None):
        log = self.path(log_name or f"{name}.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = proc
        self.logs[name] = log
        return proc

    def stop(self, name, sig=signal.SIGTERM, timeout=15):
        """Signals a started process and waits; SIGKILL after timeout. Returns its exit status (None if killed)."""
        proc = self.processes.pop(name, None)
        if proc is None:
            return None
        if proc.poll() is not None:
            return proc.returncode
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return None

    def wait_until(self, what, timeout, fn, interval=0.5, watch=()):
        """wait_until that fails at once when one of the named started processes exits."""
        return wait_until(what, timeout, fn, interval, alive=[(n, self.processes[n]) for n in watch])

    def down(self, timeout=15):
        """Stops every started process (newest first), then the cluster. Returns [(name, exit status)]."""
        stopped = [(name, self.stop(name, timeout=timeout)) for name in reversed(list(self.processes))]
        if self.cluster_started:
            self.run(CLUSTER, "down", check=False, timeout=120)
            self.cluster_started = False
        return stopped

    # --- cluster (real node) and the project image ---------------------------------------------------------

    def cluster_up(self, timeout=300, images=True):
        """hack/cluster up in this stack's own state dir (control plane, kubelet, containerd, kube-proxy in the
        cluster's network namespace); KUBECONFIG and friends go into self.env. With images, the project image
        (ghcr.io/peerrelay/peerrelay:0.1.0, the manifests' name) is built from the Containerfile with this stack's
        binaries and imported into the node."""
        self.cluster_started = True
        log = self.path("cluster.log")
        with open(log, "w") as out:
            result = subprocess.run([CLUSTER, "up"], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    timeout=timeout)
        if result.returncode != 0:
            raise CommandFailed(f"hack/cluster up exited {result.returncode}", log)
        for line in self.run(CLUSTER, "env").stdout.split():
            if "=" in line and line != "export":
                key, value = line.split("=", 1)
                self.env[key] = value
        self.host_ip = self.env["PEERRELAY_HOST_IP"]
        self.node_ip = self.env["PEERRELAY_NODE_IP"]
        self.coord_url = f"http://{self.host_ip}:{self.coord_port}"
        if images:
            with open(log, "a") as out:
                result = subprocess.run([CLUSTER, "load-images", "--bin-dir", self.bin], env=self.env, stdout=out,
                                        stderr=subprocess.STDOUT, timeout=900)
            if result.returncode != 0:
                raise CommandFailed(f"hack/cluster load-images exited {result.returncode}", log)

    # --- tailnet-coordinator and node identities ------------------------------------------------------------

    def coordinator_up(self):
        """A tailnet-coordinator on the host end of the cluster's link (outside the cluster; plain HTTP allowed
        there with --allow-plain-http) with an admin token (admin.token) and a relay-publisher token
        (publisher.token)."""
        coordinator, data = self.tool("tailnet-coordinator"), self.path("coordinator")
        self.run(coordinator, "init", "--data-dir", data, "--tailnet-id", self.tailnet_id,
                 "--admin-token-file", self.path("admin.token"))
        self.run(coordinator, "token", "--data-dir", data, "--kind", "relay-publisher",
                 "--output", self.path("publisher.token"))
        self.start_coordinator()

    def start_coordinator(self):
        host = self.coord_url.split("//", 1)[1].rsplit(":", 1)[0]
        self.start("coordinator", [self.tool("tailnet-coordinator"), "serve", "--data-dir", self.path("coordinator"),
                                   "--host", host, "--port", str(self.coord_port),
                                   *(["--allow-plain-http"] if not host.startswith("127.") else [])])
        self.wait_until("the coordinator's /healthz", 20,
                        lambda: urllib.request.urlopen(self.coord_url + "/healthz", timeout=2).status == 200,
                        watch=["coordinator"])

    def coord(self, method, path, body=None, token_file="admin.token"):
        token = open(self.path(token_file)).read().strip()
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.coord_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def pre_auth_key(self, description):
        return self.coord("POST", "/v1/keys", {"reusable": True, "expiresInSeconds": 3600,
                                               "description": description})["key"]

    def register_node(self, name, key):
        """Registers a fresh X25519 identity with a pre-auth key; returns the path prefix of NAME.key/NAME.crt."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        private = X25519PrivateKey.generate()
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        request = urllib.request.Request(
            self.coord_url + "/v1/register", method="POST",
            data=json.dumps({"preAuthKey": key, "publicKey": base64.b64encode(public).decode(),
                             "name": name}).encode())
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        prefix = self.path(name)
        with open(prefix + ".key", "w") as f:
            f.write(base64.b64encode(raw).decode() + "\n")
        os.chmod(prefix + ".key", 0o600)
        with open(prefix + ".crt", "w") as f:
            f.write(pem(answer["certificate"]))
        self.nodes.append(prefix)
        return prefix

    def agent_scene(self, expect_relay, timeout=300, extra=()):
        """hack/agent-scene against this stack: the NAT lab with two hard-NAT nodes running tailnet-agent (this
        stack's bin dir), linked to the cluster's network namespace by a veth with routes to the LoadBalancer pool,
        the pods, the Services and the host end of the cluster's link (a coordinator on the host or in the cluster);
        both must choose a relay named expect_relay* and ping through the tunnel. `extra`: more agent-scene
        arguments (--kill-relay, --upgrade-direct).
        On a timeout or an exception (SIGTERM) the scene gets SIGTERM, never SIGKILL first, so that it removes the
        namespaces, veth and processes it made. Returns (exit status, stdout, stderr); 77: it could not run."""
        args = [os.path.join(ROOT, "hack", "agent-scene"), "--bin", self.bin, "--coordinator", self.coord_url,
                "--pre-auth-key", self.pre_auth_key("agent-scene"), "--cluster-netns", self.env["PEERRELAY_NETNS"],
                "--route", self.env["PEERRELAY_LB_CIDR"], "--route", self.env["PEERRELAY_POD_CIDR"],
                "--route", self.env["PEERRELAY_SERVICE_CIDR"], "--route", f"{self.host_ip}/32",
                "--expect-relay", expect_relay, *extra]
        proc = subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            return proc.returncode, out, err
        except BaseException:
            proc.terminate()
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            raise

    def relays(self, name):
        """The coordinator's relay records for PeerRelay `name` in this stack's namespace, by replica."""
        return sorted((r for r in self.coord("GET", "/v1/relays")["relays"] if r["name"] == f"{self.ns}-{name}"),
                      key=lambda r: r["replica"])

    def probe(self, endpoint, relay_certificate_b64, count=3, timeout=60):
        """`relayctl probe` between the first two registered nodes through endpoint, sent from the host end of the
        cluster's link; returns its JSON report. AssertionError when the probe fails or no ping came back."""
        cert = self.path("relay.pem")
        with open(cert, "w") as f:
            f.write(pem(relay_certificate_b64))
        local = ["--local-host", self.host_ip] if getattr(self, "host_ip", None) else []
        result = self.run(self.tool("relayctl"), "probe", "--relay", endpoint, "--relay-cert", cert,
                          "--identity", self.nodes[0], "--identity", self.nodes[1], "--count", str(count), "--json",
                          *local, check=False, timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"relayctl probe {endpoint} failed: {result.stdout.strip()} {result.stderr.strip()}")
        report = json.loads(result.stdout)
        if report.get("failure") is not None or not report.get("rttMilliseconds"):
            raise AssertionError(f"relayctl probe {endpoint}: no sealed ping came back: {report}")
        return report

    # --- manifests, operator, PeerRelay objects -------------------------------------------------------------

    def install_manifests(self):
        """`kubectl apply -f manifests/`, as a user does: namespace, CRD, RBAC and the operator Deployment (the
        operator runs as a pod with its ServiceAccount). Waits until the CRD is Established. Returns kubectl's
        output."""
        out = self.kubectl("apply", "-f", os.path.join(ROOT, "manifests")).stdout
        assert "customresourcedefinition.apiextensions.k8s.io/peerrelays.peerrelay.dev" in out, out
        assert "deployment.apps/peer-relay" in out, out
        self.wait_until("the PeerRelay CRD to be established", 30, lambda: self.kubectl(
            "get", "crd", "peerrelays.peerrelay.dev", "-o",
            "jsonpath={.status.conditions[?(@.type=='Established')].status}").stdout == "True")
        return out

    def helm_install(self, values=None, release="peer-relay", namespace="peer-relay-system"):
        """`helm install <release> charts/peer-relay --namespace <namespace> --create-namespace` with the Helm SDK
        (helm-python-sdk). Returns the release summary."""
        import helm_python as helm
        with helm.Chart.load(os.path.join(ROOT, "charts", "peer-relay")) as chart, \
                helm.Config(kubeconfig_path=self.env["KUBECONFIG"], namespace=namespace) as config:
            try:
                return config.install(chart, release, values or {}, namespace=namespace, create_namespace=True,
                                      timeout=120)
            except helm.HelmError as error:
                raise AssertionError(f"helm install {release} failed: {error}") from None

    def hostpath_volume(self, claim_namespace, claim_name, size="1Gi", uid=65532):
        """TEST STAND-IN for a storage provisioner (the local cluster has none; a cloud's, k3s's local-path or
        kind's would create the volume): a hostPath PersistentVolume for claim claim_namespace/claim_name
        (pre-bound through claimRef), its directory under this stack's directory and owned by uid (the kubelet
        applies no fsGroup to hostPath). Returns the directory; the claim's files are there on the host."""
        name = f"{claim_namespace}-{claim_name}"[:63].rstrip("-")
        directory = self.path(f"volume-{name}")
        os.makedirs(directory, exist_ok=True)
        os.chown(directory, uid, uid)
        os.chmod(directory, 0o700)
        manifest = f"""apiVersion: v1
kind: PersistentVolume
metadata: {{name: {name}}}
spec:
  capacity: {{storage: {size}}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  claimRef: {{namespace: {claim_namespace}, name: {claim_name}}}
  hostPath: {{path: {directory}, type: Directory}}
"""
        self.kubectl("apply", "-f", "-", input=manifest)
        return directory

    def use_cluster_coordinator(self, namespace, name, port=8480):
        """Points this stack at the chart's in-cluster tailnet-coordinator (Deployment and Service `name` in
        namespace): coord_url becomes its ClusterIP Service (the host routes Service addresses to the node, where
        kube-proxy forwards them; there is no cluster DNS here, so not <name>.<namespace>.svc), and its admin and
        publisher tokens are read with `kubectl exec`, as the chart's NOTES.txt tells a user to."""
        ip = self.kget("service", name, "-n", namespace)["spec"]["clusterIP"]
        self.coord_url = f"http://{ip}:{port}"
        for token in ("admin.token", "publisher.token"):
            text = self.kubectl("exec", "-n", namespace, f"deploy/{name}", "-c", "coordinator", "--", "cat",
                                f"/data/{token}").stdout.strip()
            if not text:
                raise AssertionError(f"/data/{token} in the coordinator pod is empty")
            with open(self.path(token), "w") as f:
                f.write(text + "\n")
            os.chmod(self.path(token), 0o600)
        return self.coord_url

    def pods(self, namespace, selector, ready_only=False):
        """Pods matching label selector (not being deleted) by name; only Ready ones with ready_only."""
        pods = {}
        for pod in self.kget("pods", "-n", namespace, "-l", selector)["items"]:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            ready = any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
            if ready or not ready_only:
                pods[pod["metadata"]["name"]] = pod
        return pods

    def operator_pods(self, namespace="peer-relay-system", ready_only=False):
        """The operator's pods (not being deleted) by name; only Ready ones with ready_only."""
        return self.pods(namespace, "app.kubernetes.io/component=operator", ready_only)

    def publisher_secret(self, name="tailnet-publisher", key="token"):
        """The namespace and a Secret holding the coordinator's relay-publisher token."""
        if self.kubectl("get", "namespace", self.ns, check=False).returncode != 0:
            self.kubectl("create", "namespace", self.ns)
        self.kubectl("-n", self.ns, "create", "secret", "generic", name,
                     f"--from-file={key}=" + self.path("publisher.token"))

    def apply_peerrelay(self, name, replicas, extra=""):
        manifest = f"""apiVersion: peerrelay.dev/v1alpha1
kind: PeerRelay
metadata: {{name: {name}, namespace: {self.ns}}}
spec:
  replicas: {replicas}
  tailnet:
    coordinatorURL: {self.coord_url}
    publisherTokenSecretRef: {{name: tailnet-publisher}}
{extra}"""
        return self.kubectl("apply", "-f", "-", input=manifest).stdout

    def peerrelay(self, name):
        return self.kget("peerrelay", name, "-n", self.ns)

    def explain(self, name, operator_namespace="peer-relay-system"):
        """What a PeerRelay's status, its pods and the operator leader's last log lines say: attached to a failed
        wait so that a run that could not be repeated still tells why."""
        lines = []
        status = self.kubectl("get", "peerrelay", name, "-n", self.ns, "-o", "jsonpath={.metadata.generation} "
                              "{.status}", check=False)
        lines.append(f"{name} generation+status: {status.stdout.strip() or status.stderr.strip()}")
        pods = self.kubectl("get", "pods", "-n", self.ns, "-l", f"app.kubernetes.io/instance={name}", "-o", "wide",
                            check=False)
        lines.append(f"pods:\n{pods.stdout.strip() or pods.stderr.strip()}")
        services = self.kubectl("get", "services", "-n", self.ns, "-l", f"app.kubernetes.io/instance={name}",
                                check=False)
        lines.append(f"services:\n{services.stdout.strip() or services.stderr.strip()}")
        holder = self.kubectl("get", "lease", "peer-relay-operator", "-n", operator_namespace, "-o",
                              "jsonpath={.spec.holderIdentity}", check=False).stdout.strip()
        if holder:
            tail = self.kubectl("-n", operator_namespace, "logs", holder, "--tail=30", check=False)
            lines.append(f"leader {holder} log:\n{tail.stdout.strip() or tail.stderr.strip()}")
        return "\n".join(lines)

    def wait_ready(self, name, replicas, timeout, what=None):
        """Waits until ready(name, replicas); on timeout the error carries explain(name)."""
        try:
            return self.wait_until(what or f"{name} Ready with {replicas} replicas", timeout,
                                   lambda: self.ready(name, replicas))
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.explain(name)}") from None

    def ready(self, name, replicas):
        """The PeerRelay when it is Ready for its current generation with `replicas` ready and as many endpoints,
        else None."""
        obj = self.peerrelay(name)
        status = obj.get("status", {})
        return (condition(obj, "Ready").get("status") == "True"
                and status.get("observedGeneration") == obj["metadata"]["generation"]
                and status.get("readyReplicas") == replicas
                and len(status.get("endpoints", [])) == replicas
                and obj) or None


def condition(obj, kind):
    """The status condition of type kind of a Kubernetes object ({} when absent)."""
    for c in obj.get("status", {}).get("conditions", []):
        if c["type"] == kind:
            return c
    return {}
