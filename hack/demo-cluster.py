#!/usr/bin/env python3
"""The full PeerRelay flow for hack/demo, on embedded defaults: a fresh local Kubernetes cluster on a real node
(hack/cluster: kubelet, containerd, kube-proxy in the cluster's own network namespace), the project image built from
the Containerfile and imported into the node, a tailnet-coordinator on the host, the Helm chart installed with the
Helm SDK (helm-python-sdk; the operator runs as a pod with its ServiceAccount), the sample PeerRelay from
manifests/examples/, a relayctl probe through each published endpoint, and a status table.
Everything it starts is stopped on exit (also on Ctrl-C or a failed step).

Usage: hack/demo-cluster.py BIN_DIR [--keep] [--replicas N]   (normally run by hack/demo, which builds BIN_DIR)
The same recipe, with many more checks, is tests/operator-e2e/e2e.py."""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CLUSTER = os.path.join(ROOT, "hack", "cluster")
NS = "demo"
OPERATOR_NS = "peer-relay-system"
RELEASE = "peer-relay"


class StepFailed(Exception):
    def __init__(self, message, log=None):
        super().__init__(message)
        self.log = log


def bold(text):
    return f"\033[1m{text}\033[0m" if sys.stdout.isatty() else text


def say(text=""):
    for line in str(text).splitlines() or [""]:
        print("   " + line, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pem(certificate_b64):
    lines = [certificate_b64[i:i + 64] for i in range(0, len(certificate_b64), 64)]
    return "-----BEGIN PEERRELAY CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END PEERRELAY CERTIFICATE-----\n"


class Demo:
    def __init__(self, bin_dir, keep, replicas):
        self.bin = bin_dir
        self.keep = keep
        self.replicas = replicas
        self.work = tempfile.mkdtemp(prefix="peerrelay-demo-")
        self.env = dict(os.environ, PEERRELAY_CLUSTER_DIR=os.path.join(self.work, "cluster"))
        self.processes = {}
        self.cluster_started = False
        self.timings = []
        self.coord_port = free_port()
        self.coord_local = f"http://127.0.0.1:{self.coord_port}"
        self.coord_url = None  # what pods use: the host end of the cluster's link (set once the cluster is up)
        self.nodes = []
        self.probes = []

    # --- plumbing -------------------------------------------------------------------------------------------

    def tool(self, name):
        return os.path.join(self.bin, name)

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, *args, timeout=60, input=None, log=None, check=True):
        try:
            result = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout, input=input)
        except subprocess.TimeoutExpired:
            raise StepFailed(f"`{' '.join(args)}` did not finish within {timeout}s", log)
        if check and result.returncode != 0:
            detail = (result.stderr.strip() or result.stdout.strip())[-2000:]
            raise StepFailed(f"`{' '.join(args)}` exited {result.returncode}:\n{detail}", log)
        return result

    def kubectl(self, *args, **kw):
        return self.run("kubectl", *args, **kw)

    def start(self, name, args):
        log = self.path(f"{name}.log")
        out = open(log, "w")
        self.processes[name] = (subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                                 start_new_session=True), log)
        out.close()
        return log

    def alive(self, name):
        proc, log = self.processes[name]
        if proc.poll() is not None:
            raise StepFailed(f"{name} exited with status {proc.returncode}", log)

    def wait_until(self, what, timeout, fn, log=None, interval=0.5, watch=()):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for name in watch:
                self.alive(name)
            try:
                last = fn()
                if last:
                    return last
            except (StepFailed, subprocess.SubprocessError, OSError, ValueError, KeyError, IndexError) as error:
                last = error
            time.sleep(interval)
        raise StepFailed(f"timed out after {timeout}s waiting for {what} (last: {last!r})", log)

    def coord(self, method, path, body=None):
        token = open(self.path("admin.token")).read().strip()
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.coord_local + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def step(self, title, fn):
        print(f"\n{bold('== ' + title)}", flush=True)
        start = time.monotonic()
        fn()
        took = time.monotonic() - start
        self.timings.append((title, took))
        say(f"({took:.1f}s)")

    # --- the steps ------------------------------------------------------------------------------------------

    def cluster(self):
        cluster_log = self.path("cluster.log")
        with open(cluster_log, "w") as out:
            self.cluster_started = True
            result = subprocess.run([CLUSTER, "up"], env=self.env, stdout=out, stderr=subprocess.STDOUT, timeout=240)
        if result.returncode != 0:
            raise StepFailed("hack/cluster up failed", cluster_log)
        for line in self.run(CLUSTER, "env").stdout.split():
            if "=" in line and line != "export":
                key, value = line.split("=", 1)
                self.env[key] = value
        self.coord_url = f"http://{self.env['PEERRELAY_HOST_IP']}:{self.coord_port}"
        say(f"kube-apiserver ready; kubeconfig {self.env.get('KUBECONFIG')}; network namespace {self.env['PEERRELAY_NETNS']}")
        say(self.kubectl("get", "nodes", "-o", "wide").stdout.rstrip())
        self.run(CLUSTER, "load-images", timeout=900, log=cluster_log)
        say("image ghcr.io/peerrelay/peerrelay:0.1.0 built from the Containerfile (hack/image-build) and imported")

    def coordinator(self):
        data = self.path("coordinator")
        coordinator = self.tool("tailnet-coordinator")
        self.run(coordinator, "init", "--data-dir", data, "--tailnet-id", "demo.example",
                 "--admin-token-file", self.path("admin.token"))
        self.run(coordinator, "token", "--data-dir", data, "--kind", "relay-publisher",
                 "--output", self.path("publisher.token"))
        port = str(self.coord_port)
        log = self.start("coordinator", [coordinator, "serve", "--data-dir", data, "--port", port])
        # It serves plain HTTP on loopback only; pods reach it through a TCP forwarder on the host end of the link.
        host_ip = self.env["PEERRELAY_HOST_IP"]
        self.start("forwarder", ["socat", f"TCP-LISTEN:{port},bind={host_ip},fork,reuseaddr", f"TCP:127.0.0.1:{port}"])
        self.wait_until("the coordinator's /healthz", 20,
                        lambda: urllib.request.urlopen(self.coord_url + "/healthz", timeout=2).status == 200,
                        log=log, watch=["coordinator", "forwarder"])
        say(f"tailnet-coordinator on {self.coord_local} (pods use {self.coord_url}), SQLite store in {data}")
        say("admin token and a relay-publisher token issued")

    def operator(self):
        import helm_python as helm
        chart_dir = os.path.join(ROOT, "charts", "peer-relay")
        say(f"$ helm install {RELEASE} charts/peer-relay --namespace {OPERATOR_NS} --create-namespace   (helm-python-sdk)")
        try:
            with helm.Chart.load(chart_dir) as chart, helm.Config(kubeconfig_path=self.env["KUBECONFIG"],
                                                                  namespace=OPERATOR_NS) as config:
                release = config.install(chart, RELEASE, {}, namespace=OPERATOR_NS, create_namespace=True, timeout=120)
        except helm.HelmError as error:
            raise StepFailed(f"helm install failed: {error}")
        info = release.get("info", {}) if isinstance(release, dict) else {}
        say(f"release {RELEASE}: {info.get('status', 'deployed')}, chart {os.path.basename(chart_dir)}")
        self.helm_installed = True
        self.wait_until("the PeerRelay CRD to be established", 30, lambda: self.kubectl(
            "get", "crd", "peerrelays.peerrelay.dev", "-o",
            "jsonpath={.status.conditions[?(@.type=='Established')].status}").stdout == "True")

        def operator_ready():
            pods = json.loads(self.kubectl("get", "pods", "-n", OPERATOR_NS, "-l",
                                           "app.kubernetes.io/component=operator", "-o", "json").stdout)["items"]
            return [p for p in pods if any(c["type"] == "Ready" and c["status"] == "True"
                                           for c in p["status"].get("conditions", []))]
        pod = self.wait_until("the relay-operator pod Ready", 180, operator_ready)[0]["metadata"]["name"]
        say(self.kubectl("get", "pods", "-n", OPERATOR_NS, "-o", "wide").stdout.rstrip())
        self.operator_pod = pod
        self.kubectl("create", "namespace", NS)
        self.kubectl("-n", NS, "create", "secret", "generic", "tailnet-publisher",
                     "--from-file=token=" + self.path("publisher.token"))
        say(f"namespace {NS} with Secret tailnet-publisher (the coordinator's relay-publisher token)")

    def peerrelay(self):
        sample = os.path.join(ROOT, "manifests", "examples", "peerrelay-minimal.yaml")
        text = open(sample).read()
        if "https://coordinator.example.com" not in text or "\nspec:\n" not in text:
            raise StepFailed(f"{sample} no longer has the coordinatorURL placeholder or spec: this script needs updating")
        text = text.replace("https://coordinator.example.com", self.coord_url)
        text = text.replace("\nspec:\n", f"\nspec:\n  replicas: {self.replicas}\n", 1)
        say(f"$ kubectl apply -n {NS} -f manifests/examples/peerrelay-minimal.yaml "
            f"(coordinatorURL {self.coord_url}, replicas {self.replicas})")
        say(self.kubectl("apply", "-n", NS, "-f", "-", input=text).stdout.rstrip())
        log = None

        def ready():
            obj = json.loads(self.kubectl("get", "peerrelay", "minimal", "-n", NS, "-o", "json").stdout)
            status = obj.get("status", {})
            conditions = {c["type"]: c for c in status.get("conditions", [])}
            endpoints = status.get("endpoints", [])
            return (conditions.get("Ready", {}).get("status") == "True"
                    and status.get("observedGeneration") == obj["metadata"]["generation"]
                    and status.get("readyReplicas") == self.replicas
                    and len(endpoints) == self.replicas and all(e.get("published") for e in endpoints)
                    and obj)

        try:
            obj = self.wait_until(f"PeerRelay minimal Ready with {self.replicas} published replicas", 180, ready,
                                  watch=["coordinator"])
        except StepFailed as error:
            status = self.kubectl("get", "peerrelay", "minimal", "-n", NS, "-o", "jsonpath={.status}", check=False)
            logs = self.kubectl("logs", "-n", OPERATOR_NS, self.operator_pod, "--tail=25", check=False)
            raise StepFailed(f"{error}\nstatus: {status.stdout}\noperator pod log:\n{logs.stdout}")
        for e in obj["status"]["endpoints"]:
            say(f"replica {e.get('index')} (pod {e.get('pod')}): {', '.join(e.get('addresses', []))} published")

    def nodes_and_probe(self):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        key = self.coord("POST", "/v1/keys", {"reusable": True, "expiresInSeconds": 3600, "description": "demo"})["key"]
        for name in ("alice", "bob"):
            private = X25519PrivateKey.generate()
            raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
            public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            request = urllib.request.Request(
                self.coord_local + "/v1/register", method="POST",
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
            say(f"node {name} registered with a pre-auth key; the coordinator issued its certificate")
        relays = sorted((r for r in self.coord("GET", "/v1/relays")["relays"] if r["name"] == f"{NS}-minimal"),
                        key=lambda r: r["replica"])
        if len(relays) != self.replicas:
            raise StepFailed(f"the coordinator lists {len(relays)} relays for {NS}-minimal, expected {self.replicas}")
        for relay in relays:
            endpoint = relay["endpoints"][0]
            cert = self.path(f"relay-{relay['replica']}.pem")
            with open(cert, "w") as f:
                f.write(pem(relay["certificate"]))
            args = [self.tool("relayctl"), "probe", "--relay", endpoint, "--relay-cert", cert,
                    "--identity", self.nodes[0], "--identity", self.nodes[1], "--count", "10", "--json",
                    "--local-host", self.env["PEERRELAY_HOST_IP"]]
            say(f"$ relayctl probe --relay {endpoint} --identity alice --identity bob --count 10")
            # kube-proxy installs a new Service's rules up to ~1 s after its endpoint is Ready: retry briefly.
            result = self.wait_until(f"a probe through {endpoint}", 30,
                                     lambda: (lambda r: r if r.returncode == 0 else None)(
                                         self.run(*args, timeout=60, check=False)), interval=1)
            report = json.loads(result.stdout)
            rtts = report.get("rttMilliseconds", [])
            if report.get("failure") is not None or not rtts:
                raise StepFailed(f"probe through {endpoint} failed: {report}")
            self.probes.append((relay["replica"], endpoint, len(rtts), report.get("pingsSent"), min(rtts),
                                sum(rtts) / len(rtts), max(rtts)))
            say(f"  replica {relay['replica']}: VNI {report.get('vni')}, {len(rtts)}/{report.get('pingsSent')} "
                f"sealed pings, rtt min/avg/max {min(rtts):.3f}/{sum(rtts) / len(rtts):.3f}/{max(rtts):.3f} ms")

    def status(self):
        say(f"$ kubectl get pr -n {NS} -o wide")
        say(self.kubectl("get", "pr", "-n", NS, "-o", "wide").stdout.rstrip())
        say("")
        say(f"$ relayctl relays list --coordinator {self.coord_local}")
        say(self.run(self.tool("relayctl"), "relays", "list", "--coordinator", self.coord_local,
                     "--admin-token-file", self.path("admin.token")).stdout.rstrip())
        say("")
        pod = json.loads(self.kubectl("get", "pod", "minimal-0", "-n", NS, "-o", "json").stdout)
        ip = pod.get("status", {}).get("podIP")
        admin = f"http://{ip}:9090"
        result = self.run(self.tool("relayctl"), "sessions", "--admin", admin, check=False, timeout=15) if ip else None
        say(f"$ relayctl sessions --admin {admin}   (replica 0's admin endpoint)")
        if result is not None and result.returncode == 0:
            say(result.stdout.rstrip())
        else:
            say("(admin endpoint not reachable: " + (result.stderr.strip() if result is not None else "no pod IP") + ")")
        say("")
        say(f"$ kubectl logs -n {NS} minimal-0 | head -3")
        say("\n".join(self.kubectl("logs", "-n", NS, "minimal-0").stdout.splitlines()[:3]))

    # --- lifecycle ------------------------------------------------------------------------------------------

    def stop_all(self):
        for name in reversed(list(self.processes)):
            proc, _ = self.processes.pop(name)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            say(f"{name} stopped (exit status {proc.returncode})")
        if self.cluster_started:
            result = subprocess.run([CLUSTER, "down"], env=self.env, capture_output=True, text=True, timeout=120)
            say("local cluster (control plane, kubelet, containerd, kube-proxy, network namespace) stopped" if result.returncode == 0
                else f"hack/cluster down exited {result.returncode}: {result.stderr.strip()}")
            self.cluster_started = False

    def main(self):
        ok = False
        steps = [
            ("3/8 local Kubernetes cluster on a real node (hack/cluster up) and the project image", self.cluster),
            ("4/8 tailnet-coordinator on the host", self.coordinator),
            ("5/8 helm install charts/peer-relay (Helm SDK): the operator as a pod; publisher Secret", self.operator),
            (f"6/8 sample PeerRelay ({self.replicas} replicas) until Ready and published", self.peerrelay),
            ("7/8 register two nodes, relayctl probe through each published endpoint", self.nodes_and_probe),
            ("8/8 status", self.status),
        ]
        try:
            for title, fn in steps:
                self.step(title, fn)
            ok = True
        except StepFailed as error:
            print(f"\nhack/demo: step failed: {error}", file=sys.stderr, flush=True)
            if error.log and os.path.exists(error.log):
                print(f"hack/demo: last lines of {error.log}:", file=sys.stderr)
                with open(error.log, errors="replace") as f:
                    for line in f.readlines()[-25:]:
                        print("   " + line.rstrip(), file=sys.stderr)
            self.keep = True
        except KeyboardInterrupt:
            print("\nhack/demo: interrupted", file=sys.stderr)
        finally:
            print(f"\n{bold('== stop everything')}", flush=True)
            self.stop_all()
            if self.keep:
                say(f"kept {self.work} (logs, tokens, node keys)")
            else:
                shutil.rmtree(self.work, ignore_errors=True)
        if ok:
            print(f"\n{bold('== What happened')}")
            for title, took in self.timings:
                say(f"{took:6.1f}s  {title.split(' ', 1)[1]}")
            say(f"- the chart's operator pod reconciled a PeerRelay with {self.replicas} replicas into relay-server pods "
                "(started by the kubelet) with LoadBalancer endpoints (routed by kube-proxy) and published them")
            for replica, endpoint, got, sent, lo, avg, hi in self.probes:
                say(f"- replica {replica} at {endpoint}: {got}/{sent} sealed pings between alice and bob, "
                    f"rtt min/avg/max {lo:.3f}/{avg:.3f}/{hi:.3f} ms")
            say("- everything started was stopped")
        print("\n   demo " + ("OK" if ok else "FAILED"))
        return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--replicas", type=int, default=2, choices=[1, 2, 3])
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(Demo(options.bin_dir, options.keep, options.replicas).main())
