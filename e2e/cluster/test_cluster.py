"""The local cluster end to end: hack/cluster up, kubectl, CRDs, a StatefulSet whose pods the real
controller-manager creates, the real scheduler binds and the node shim runs as local processes; Secret
volume updates, LoadBalancer status, deletion with grace periods, apiserver restart, Node liveness past
the node-lifecycle controller's 40 s grace, and `hack/cluster down` leaving no process behind.

The suite starts its own cluster in a temporary PEERRELAY_CLUSTER_DIR (free ports), so it can run next to
another cluster. Steps run in order (test_NN_ names) and share the cluster.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import CLUSTER, DEBUG_BIN, free_port, process_running, wait_until  # noqa: E402


class KubectlError(AssertionError):
    """kubectl failed; wait_until retries on it (e.g. NotFound before a controller created the object)."""


# echo HOST PORT NAME: answers each UDP datagram and each TCP line with "NAME:<data>" (TCP also serves as
# the readiness check).
ECHO_SERVER = """#!/usr/bin/env python3
import socket, sys, threading
host, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((host, port))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind((host, port)); t.listen(8)
def tcp():
    while True:
        c, _ = t.accept()
        with c:
            c.settimeout(5)
            try:
                c.sendall(name + b":" + c.recv(1024))
            except OSError:
                pass
threading.Thread(target=tcp, daemon=True).start()
print("echo on", host, port, flush=True)
while True:
    data, addr = u.recvfrom(2048)
    u.sendto(name + b":" + data, addr)
"""


class LocalClusterTest(unittest.TestCase):
    state = None
    env = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="peerrelay-cluster-test-")
        cls.state = os.path.join(cls.tmp, "state")
        cls.env = dict(os.environ, PEERRELAY_CLUSTER_DIR=cls.state)
        cls.env.pop("KUBECONFIG", None)
        cls.up_seconds = None
        t0 = time.monotonic()
        subprocess.run([CLUSTER, "up"], env=cls.env, check=True, timeout=240)
        cls.up_seconds = time.monotonic() - t0
        cls.env["KUBECONFIG"] = os.path.join(cls.state, "kubeconfig")
        # an image map: example.test/tools:* -> a directory with a `serve` wrapper around python's http.server
        bindir = os.path.join(cls.tmp, "bin")
        os.makedirs(bindir)
        with open(os.path.join(bindir, "serve"), "w") as f:
            f.write('#!/bin/sh\necho "serve $*"\nexec python3 -m http.server "$@"\n')
        os.chmod(os.path.join(bindir, "serve"), 0o755)
        with open(os.path.join(bindir, "echo"), "w") as f:
            f.write(ECHO_SERVER)
        os.chmod(os.path.join(bindir, "echo"), 0o755)
        cls.image_map = os.path.join(cls.tmp, "image-map.json")
        with open(cls.image_map, "w") as f:
            json.dump({"example.test/tools:*": bindir + "/", "ghcr.io/peerrelay/*": DEBUG_BIN + "/"}, f)
        cls.ns = "shimtest"
        # Own loopback blocks, so a node shim of another cluster on this machine (default 127.0.1.0/24 pods,
        # 127.0.2.0/24 load balancers) never hands out the same addresses.
        cls.net = f"127.{random.randint(16, 250)}"
        cls.external_ip = cls.net + ".3.9"
        cls.shim_args = ["--external-ip", cls.external_ip, "--image-map", cls.image_map,
                         "--pod-cidr", cls.net + ".1.0/24", "--lb-cidr", cls.net + ".2.0/24"]
        cls.pids_seen = set()

    @classmethod
    def tearDownClass(cls):
        if os.path.isdir(cls.state):
            subprocess.run([CLUSTER, "down"], env=cls.env, timeout=120)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------------------------

    def kubectl(self, *args, stdin=None, check=True, timeout=60):
        r = subprocess.run(["kubectl", *args], env=self.env, input=stdin, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise KubectlError(f"kubectl {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    def get(self, *args):
        return json.loads(self.kubectl("get", "-o", "json", *args))

    def apply(self, obj):
        return self.kubectl("apply", "-f", "-", stdin=json.dumps(obj))

    def pod(self, name):
        return self.get("pod", "-n", self.ns, name)

    def pod_ready(self, name):
        p = self.pod(name)
        conds = {c["type"]: c["status"] for c in p["status"].get("conditions") or []}
        return p if p["status"].get("phase") == "Running" and conds.get("Ready") == "True" else None

    def pod_pid(self, pod):
        cid = pod["status"]["containerStatuses"][0]["containerID"]
        self.assertTrue(cid.startswith("shim://"), cid)
        pid = int(cid[len("shim://"):])
        self.pids_seen.add(pid)
        return pid

    def pod_dir(self, pod):
        m = pod["metadata"]
        return os.path.join(self.state, "node", "pods", f"{m['namespace']}_{m['name']}_{m['uid']}")

    # --- steps ---------------------------------------------------------------------------------------------

    def test_01_up_and_kubectl(self):
        print(f"\n  hack/cluster up took {self.up_seconds:.1f} s")
        version = json.loads(self.kubectl("version", "-o", "json", check=False) or "{}")
        self.assertEqual(version.get("serverVersion", {}).get("gitVersion"), "v1.20.2")
        names = {n["metadata"]["name"] for n in self.get("namespaces")["items"]}
        self.assertTrue({"default", "kube-system", "kube-node-lease"} <= names, names)
        env_out = subprocess.run([CLUSTER, "env"], env=self.env, capture_output=True, text=True, check=True).stdout
        self.assertIn(f"PEERRELAY_KUBECONFIG={self.state}/kubeconfig", env_out)
        self.assertIn("PEERRELAY_ETCD_ENDPOINT=http://127.0.0.1:", env_out)
        status = subprocess.run([CLUSTER, "status"], env=self.env, capture_output=True, text=True)
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        # the unprivileged user authenticates but RBAC denies it
        r = subprocess.run(["kubectl", "--kubeconfig", os.path.join(self.state, "kubeconfig-unprivileged"),
                            "get", "pods"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("forbidden", r.stderr.lower())
        self.kubectl("create", "namespace", self.ns)
        wait_until("default ServiceAccount token in the test namespace", 60, lambda: self.get(
            "serviceaccount", "-n", self.ns, "default").get("secrets"))

    def test_02_crd_established(self):
        crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.test.peerrelay.dev"},
               "spec": {"group": "test.peerrelay.dev", "scope": "Namespaced",
                        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                        "versions": [{"name": "v1", "served": True, "storage": True,
                                      "subresources": {"status": {}},
                                      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                          "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                                          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                                      }}}}]}}
        self.apply(crd)
        self.kubectl("wait", "--for", "condition=established", "--timeout=60s", "crd/widgets.test.peerrelay.dev")
        self.apply({"apiVersion": "test.peerrelay.dev/v1", "kind": "Widget",
                    "metadata": {"name": "w1", "namespace": self.ns}, "spec": {"size": 3}})
        self.assertEqual(self.get("widget", "-n", self.ns, "w1")["spec"]["size"], 3)
        r = self.kubectl("apply", "-f", "-", check=False, stdin=json.dumps(
            {"apiVersion": "test.peerrelay.dev/v1", "kind": "Widget", "metadata": {"name": "w2", "namespace": self.ns},
             "spec": {"size": "big"}}))
        self.assertNotIn("created", r, "schema validation must reject a string size")

    def test_03_node_shim_registers_ready_node(self):
        subprocess.run([CLUSTER, "node-up", *self.shim_args],
                       env=self.env, check=True, timeout=120)
        type(self).shim_started = time.monotonic()
        node = wait_until("Node Ready without taints", 60, lambda: (lambda n: n if any(
            c["type"] == "Ready" and c["status"] == "True" for c in n["status"]["conditions"]) and not
            n["spec"].get("taints") else None)(self.get("node", "peerrelay-node-1")))
        addrs = {a["type"]: a["address"] for a in node["status"]["addresses"]}
        self.assertEqual(addrs["InternalIP"], "127.0.0.1")
        self.assertEqual(addrs["ExternalIP"], self.external_ip)
        lease = self.get("lease", "-n", "kube-node-lease", "peerrelay-node-1")
        self.assertEqual(lease["spec"]["holderIdentity"], "peerrelay-node-1")

    def test_04_statefulset_pods_run_as_processes_and_get_ready(self):
        type(self).port = port = free_port()
        self.apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web", "namespace": self.ns},
                    "stringData": {"greeting": "hello-v1"}})
        self.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web", "namespace": self.ns},
                    "data": {"MODE": "demo"}})
        self.apply({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": self.ns},
            "spec": {"serviceName": "web", "replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                         "terminationGracePeriodSeconds": 5,
                         "containers": [{
                             "name": "http", "image": "example.test/tools:1",
                             "command": ["serve", "$(PORT)", "--bind", "$(POD_IP)", "--directory", "/srv/web"],
                             "env": [{"name": "PORT", "value": str(port)},
                                     {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                                     {"name": "GREETING", "valueFrom": {"secretKeyRef": {"name": "web",
                                                                                          "key": "greeting"}}},
                                     {"name": "GREETING_FILE", "value": "/srv/web/greeting"}],
                             "envFrom": [{"configMapRef": {"name": "web"}, "prefix": "CFG_"}],
                             "ports": [{"name": "http", "containerPort": port}],
                             "readinessProbe": {"httpGet": {"path": "/greeting", "port": "http"},
                                                "periodSeconds": 1},
                             "volumeMounts": [{"name": "content", "mountPath": "/srv/web"}]}],
                         "volumes": [{"name": "content", "secret": {"secretName": "web"}}]}}}})
        pods = [wait_until(f"pod web-{i} Running and Ready", 90, lambda i=i: self.pod_ready(f"web-{i}"))
                for i in range(2)]
        ips = [p["status"]["podIP"] for p in pods]
        self.assertEqual(len(set(ips)), 2, ips)
        for p in pods:
            self.assertEqual(p["spec"]["nodeName"], "peerrelay-node-1")  # bound by the real scheduler
            self.assertTrue(p["status"]["podIP"].startswith(self.net + ".1."), p["status"]["podIP"])
            self.assertEqual(p["metadata"]["ownerReferences"][0]["kind"], "StatefulSet")
            pid = self.pod_pid(p)
            self.assertTrue(process_running(pid))
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
            self.assertEqual(environ[b"GREETING"], b"hello-v1")
            self.assertEqual(environ[b"CFG_MODE"], b"demo")
            self.assertEqual(environ[b"POD_IP"].decode(), p["status"]["podIP"])
            self.assertEqual(environ[b"GREETING_FILE"].decode(),
                             os.path.join(self.pod_dir(p), "containers/http/rootfs/srv/web/greeting"))
            body = urllib.request.urlopen(f"http://{p['status']['podIP']}:{port}/greeting", timeout=5).read()
            self.assertEqual(body, b"hello-v1")

    def test_05_secret_update_reaches_pod_dir(self):
        p = self.pod("web-0")
        path = os.path.join(self.pod_dir(p), "volumes", "content", "greeting")
        self.kubectl("patch", "secret", "-n", self.ns, "web", "-p", '{"stringData":{"greeting":"hello-v2"}}')

        def updated():
            with open(path, "rb") as f:
                return f.read() == b"hello-v2"
        wait_until("updated secret in the pod directory", 20, updated)
        url = f"http://{p['status']['podIP']}:{self.port}/greeting"
        self.assertEqual(urllib.request.urlopen(url, timeout=5).read(), b"hello-v2")
        self.assertTrue(os.path.islink(os.path.join(self.pod_dir(p), "volumes", "content", "..data")))

    def test_06_load_balancer_service_gets_loopback_ingress(self):
        port = free_port()
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "lb-target", "namespace": self.ns,
                                                                  "labels": {"app": "lb"}},
                    "spec": {"containers": [{"name": "http", "image": "example.test/tools:1",
                                             "command": ["serve", str(port), "--bind", "0.0.0.0",
                                                         "--directory", "/srv"],
                                             "readinessProbe": {"tcpSocket": {"port": port}, "periodSeconds": 1},
                                             "volumeMounts": [{"name": "c", "mountPath": "/srv"}]}],
                             "volumes": [{"name": "c", "configMap": {"name": "web"}}]}})
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb", "namespace": self.ns},
                    "spec": {"type": "LoadBalancer", "selector": {"app": "lb"},
                             "ports": [{"port": port, "targetPort": port, "protocol": "TCP"}]}})
        pod = wait_until("lb-target Ready", 60, lambda: self.pod_ready("lb-target"))
        self.pod_pid(pod)
        ip = wait_until("load-balancer ingress", 30, lambda: (self.get("service", "-n", self.ns, "lb")["status"]
                                                              .get("loadBalancer", {}).get("ingress") or [{}])[0]
                        .get("ip"))
        self.assertTrue(ip.startswith(self.net + ".2."), ip)
        self.assertEqual(urllib.request.urlopen(f"http://{ip}:{port}/MODE", timeout=5).read(), b"demo")

    def test_07_per_pod_load_balancers_forward_udp_and_tcp(self):
        port = free_port()
        self.apply({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "echo", "namespace": self.ns},
            "spec": {"serviceName": "echo", "replicas": 2, "selector": {"matchLabels": {"app": "echo"}},
                     "template": {"metadata": {"labels": {"app": "echo"}}, "spec": {"containers": [{
                         "name": "echo", "image": "example.test/tools:1",
                         "command": ["echo", "$(POD_IP)", str(port), "$(POD_NAME)"],
                         "env": [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                                 {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                         "ports": [{"name": "relay", "containerPort": port, "protocol": "UDP"}],
                         "readinessProbe": {"tcpSocket": {"port": port}, "periodSeconds": 1}}]}}}})
        # Kubernetes 1.20 rejects LoadBalancers mixing protocols: one UDP Service per pod, plus one TCP Service
        for i in range(2):
            self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"echo-{i}", "namespace": self.ns},
                        "spec": {"type": "LoadBalancer",
                                 "selector": {"statefulset.kubernetes.io/pod-name": f"echo-{i}"},
                                 "ports": [{"port": port, "targetPort": "relay", "protocol": "UDP"}]}})
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "echo-tcp-1", "namespace": self.ns},
                    "spec": {"type": "LoadBalancer", "selector": {"statefulset.kubernetes.io/pod-name": "echo-1"},
                             "ports": [{"port": port, "protocol": "TCP"}]}})
        for i in range(2):
            self.pod_pid(wait_until(f"echo-{i} Ready", 90, lambda i=i: self.pod_ready(f"echo-{i}")))
        for i in range(2):
            ip = wait_until("load-balancer ingress", 30, lambda i=i: (self.get(
                "service", "-n", self.ns, f"echo-{i}")["status"].get("loadBalancer", {}).get("ingress") or [{}])[0]
                .get("ip"))
            self.assertTrue(ip.startswith(self.net + ".2."), ip)

            def udp_roundtrip(ip=ip):
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.settimeout(1)
                    u.sendto(b"ping", (ip, port))
                    try:
                        return u.recvfrom(2048)
                    except (socket.timeout, ConnectionRefusedError):
                        return None
            data, src = wait_until(f"UDP answer via {ip}:{port}", 30, udp_roundtrip)
            self.assertEqual(data, f"echo-{i}:ping".encode())
            self.assertEqual(src, (ip, port), "the answer must come from the load-balancer address")
        tcp_ip = wait_until("TCP load-balancer ingress", 30, lambda: (self.get(
            "service", "-n", self.ns, "echo-tcp-1")["status"].get("loadBalancer", {}).get("ingress") or [{}])[0]
            .get("ip"))

        def tcp_roundtrip():
            with socket.create_connection((tcp_ip, port), timeout=5) as t:
                t.sendall(b"hello")
                return t.recv(1024)
        self.assertEqual(wait_until(f"TCP answer via {tcp_ip}:{port}", 30, tcp_roundtrip), b"echo-1:hello")

    def test_07a_real_relay_server_pod_behind_load_balancer(self):
        relayctl = os.path.join(DEBUG_BIN, "relayctl")
        if not all(os.access(os.path.join(DEBUG_BIN, b), os.X_OK) for b in ("relay-server", "relayctl")):
            self.skipTest(f"no debug build of relay-server/relayctl in {DEBUG_BIN} (run swift build first)")
        keys = os.path.join(self.tmp, "keys")

        def ctl(*args):
            subprocess.run([relayctl, *args], check=True, capture_output=True, timeout=60)
        ctl("ca", "init", "--tailnet", "cluster-test", "--out", os.path.join(keys, "ca"))
        ctl("cert", "issue", "--ca", os.path.join(keys, "ca"), "--role", "relay", "--name", "relay-0",
            "--out", os.path.join(keys, "relay"))
        for side in ("a", "b"):
            ctl("cert", "issue", "--ca", os.path.join(keys, "ca"), "--role", "node", "--name", f"node-{side}",
                "--out", os.path.join(keys, side))
        self.kubectl("create", "secret", "generic", "relay-keys", "-n", self.ns,
                     f"--from-file=relay.key={keys}/relay.key", f"--from-file=relay.crt={keys}/relay.crt",
                     f"--from-file=ca.pub={keys}/ca/ca.pub")
        port, admin, lb_ip = free_port(), free_port(), self.net + ".2.200"
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "relay-0", "namespace": self.ns,
                                                                  "labels": {"app": "relay"}},
                    "spec": {"containers": [{
                        "name": "relay", "image": "ghcr.io/peerrelay/peerrelay:test", "command": ["relay-server"],
                        "args": ["--listen=$(POD_IP)", f"--port={port}", "--admin-address=$(POD_IP)",
                                 f"--admin-port={admin}", "--sockets=1",
                                 "--private-key-file=/etc/peerrelay/relay.key",
                                 "--certificate-file=/etc/peerrelay/relay.crt",
                                 "--ca-key-file=/etc/peerrelay/ca.pub", f"--advertise={lb_ip}:{port}"],
                        "env": [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
                        "ports": [{"name": "relay", "containerPort": port, "protocol": "UDP"},
                                  {"name": "admin", "containerPort": admin}],
                        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "admin"}, "periodSeconds": 1},
                        "volumeMounts": [{"name": "keys", "mountPath": "/etc/peerrelay", "readOnly": True}]}],
                        "volumes": [{"name": "keys", "secret": {"secretName": "relay-keys", "defaultMode": 0o400}}]}})
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "relay-0", "namespace": self.ns},
                    "spec": {"type": "LoadBalancer", "loadBalancerIP": lb_ip, "selector": {"app": "relay"},
                             "ports": [{"port": port, "targetPort": "relay", "protocol": "UDP"}]}})
        pod = wait_until("relay-0 Ready (its /readyz)", 90, lambda: self.pod_ready("relay-0"))
        self.pod_pid(pod)
        wait_until("load-balancer ingress", 30, lambda: (self.get("service", "-n", self.ns, "relay-0")["status"]
                                                         .get("loadBalancer", {}).get("ingress") or [{}])[0]
                   .get("ip") == lb_ip)

        def probe():
            r = subprocess.run([relayctl, "probe", "--relay", f"{lb_ip}:{port}", "--relay-cert",
                                f"{keys}/relay.crt", "--ca", f"{keys}/ca", "--identity", f"{keys}/a",
                                "--identity", f"{keys}/b", "--count", "3"], capture_output=True, text=True,
                               timeout=60)
            return r if r.returncode == 0 else None
        result = wait_until(f"relayctl probe through {lb_ip}:{port}", 30, probe, interval=1)
        print("\n  " + result.stdout.strip().replace("\n", "\n  "))
        with open(os.path.join(self.state, "logs", "node-shim.log")) as f:
            self.assertIn(f"lb {lb_ip}:{port}/UDP -> {pod['status']['podIP']}:{port} (proxy)", f.read(),
                          "the probe must have gone through the shim's load-balancer forwarding")

    def test_07c_node_ports_and_host_ports_reach_pods(self):
        node_port = self.get("service", "-n", self.ns, "echo-0")["spec"]["ports"][0]["nodePort"]
        port, host_port = free_port(), free_port()
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hp", "namespace": self.ns},
                    "spec": {"containers": [{
                        "name": "echo", "image": "example.test/tools:1",
                        "command": ["echo", "$(POD_IP)", str(port), "hp"],
                        "env": [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
                        "ports": [{"containerPort": port, "hostPort": host_port, "protocol": "UDP"}],
                        "readinessProbe": {"tcpSocket": {"port": port}, "periodSeconds": 1}}]}})
        self.pod_pid(wait_until("hp Ready", 60, lambda: self.pod_ready("hp")))

        def udp(addr):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.settimeout(1)
                u.sendto(b"ping", addr)
                try:
                    return u.recvfrom(2048)[0]
                except (socket.timeout, ConnectionRefusedError):
                    return None
        for node_ip in ("127.0.0.1", self.external_ip):  # InternalIP and the configured ExternalIP
            self.assertEqual(wait_until(f"nodePort {node_ip}:{node_port}", 30,
                                        lambda a=(node_ip, node_port): udp(a)), b"echo-0:ping")
            self.assertEqual(wait_until(f"hostPort {node_ip}:{host_port}", 30,
                                        lambda a=(node_ip, host_port): udp(a)), b"hp:ping")

    def test_07d_deletion_stops_the_process(self):
        pid = self.pod_pid(self.pod("web-1"))
        pod_dir = self.pod_dir(self.pod("web-1"))
        self.kubectl("scale", "statefulset", "-n", self.ns, "web", "--replicas=1")
        wait_until("web-1 gone", 30, lambda: "NotFound" in subprocess.run(
            ["kubectl", "get", "pod", "-n", self.ns, "web-1"], env=self.env, capture_output=True,
            text=True).stderr)
        self.assertFalse(process_running(pid), f"pid {pid} still runs after its pod was deleted")
        self.assertFalse(os.path.exists(pod_dir), "pod directory must be removed")

    def test_08_grace_period_then_sigkill(self):
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stubborn", "namespace": self.ns},
                    "spec": {"terminationGracePeriodSeconds": 3, "containers": [{
                        "name": "c", "image": "busybox",
                        "command": ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"]}]}})
        pid = self.pod_pid(wait_until("stubborn Ready", 60, lambda: self.pod_ready("stubborn")))
        t0 = time.monotonic()
        self.kubectl("delete", "pod", "-n", self.ns, "stubborn", "--wait=true", "--timeout=60s")
        took = time.monotonic() - t0
        self.assertFalse(process_running(pid))
        self.assertGreaterEqual(took, 2.5, "a process ignoring SIGTERM must get its grace period")
        self.assertLess(took, 15, "after the grace period the process must be killed")

    def test_08b_init_containers_restart_policy_and_exit_codes(self):
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "once", "namespace": self.ns},
                    "spec": {"restartPolicy": "Never",
                             "initContainers": [{"name": "prepare", "image": "busybox", "command": [
                                 "/bin/sh", "-c", "echo prepared > /work/state"],
                                 "volumeMounts": [{"name": "w", "mountPath": "/work"}]}],
                             "containers": [{"name": "main", "image": "busybox", "command": [
                                 "/bin/sh", "-c", "cat /work/state; exit 3"],
                                 "volumeMounts": [{"name": "w", "mountPath": "/work"}]}],
                             "volumes": [{"name": "w", "emptyDir": {}}]}})
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crasher", "namespace": self.ns},
                    "spec": {"containers": [{"name": "c", "image": "busybox",
                                             "command": ["/bin/sh", "-c", "exit 1"]}]}})
        once = wait_until("pod 'once' Failed", 60, lambda: (lambda p: p if p["status"].get("phase") == "Failed"
                                                             else None)(self.pod("once")))
        init = once["status"]["initContainerStatuses"][0]["state"]["terminated"]
        main = once["status"]["containerStatuses"][0]["state"]["terminated"]
        self.assertEqual((init["exitCode"], main["exitCode"]), (0, 3))
        with open(os.path.join(self.pod_dir(once), "main.log")) as f:
            self.assertEqual(f.read(), "prepared\n", "main must run after init, on the same emptyDir")
        crasher = wait_until("crasher restarted twice", 60, lambda: (lambda p: p if p["status"].get(
            "containerStatuses", [{}])[0].get("restartCount", 0) >= 2 else None)(self.pod("crasher")))
        st = crasher["status"]["containerStatuses"][0]
        self.assertEqual(st["lastState"]["terminated"]["exitCode"], 1)
        self.assertFalse(st["ready"])
        self.kubectl("delete", "pod", "-n", self.ns, "once", "crasher", "--wait=true", "--timeout=60s")

    def test_09_apiserver_restart(self):
        pid = self.pod_pid(self.pod("web-0"))
        subprocess.run([CLUSTER, "restart-apiserver", "3"], env=self.env, check=True, timeout=120)
        self.kubectl("scale", "statefulset", "-n", self.ns, "web", "--replicas=2")
        wait_until("web-1 Ready again after the restart", 90, lambda: self.pod_ready("web-1"))
        self.pod_pid(self.pod("web-1"))
        self.assertTrue(process_running(pid), "running pods must survive an apiserver restart")

    def test_10_node_stays_ready_past_lifecycle_grace(self):
        remaining = 65 - (time.monotonic() - self.shim_started)
        if remaining > 0:
            time.sleep(remaining)
        node = self.get("node", "peerrelay-node-1")
        ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
        self.assertEqual(ready["status"], "True")
        self.assertFalse(node["spec"].get("taints"), node["spec"].get("taints"))
        for name in ("web-0", "web-1", "lb-target"):
            self.assertIsNotNone(self.pod_ready(name), f"{name} must still be Running and Ready")
            self.assertIsNone(self.pod(name)["metadata"].get("deletionTimestamp"), f"{name} was evicted")

    def test_10b_killed_shim_leaves_no_orphans_and_a_new_one_adopts_the_pods(self):
        old = {name: self.pod_pid(self.pod(name)) for name in ("web-0", "web-1")}
        with open(os.path.join(self.state, "pids", "node-shim.pid")) as f:
            shim = int(f.read())
        os.kill(shim, signal.SIGKILL)
        wait_until("pod processes killed with their shim", 10,
                   lambda: not any(process_running(p) for p in old.values()))
        subprocess.run([CLUSTER, "node-up", *self.shim_args],
                       env=self.env, check=True, timeout=120)

        def restarted():
            pods = [self.pod_ready(n) for n in old]
            return all(pods) and all(self.pod_pid(p) != old[p["metadata"]["name"]] for p in pods) and pods
        pods = wait_until("pods running again under the new shim", 60, restarted)
        for p in pods:
            self.assertTrue(process_running(self.pod_pid(p)))

    def test_11_down_leaves_no_process(self):
        pids = set(self.pids_seen)
        for f in os.listdir(os.path.join(self.state, "pids")):
            if f.endswith(".pid"):
                with open(os.path.join(self.state, "pids", f)) as fh:
                    pids.add(int(fh.read().strip()))
        self.assertGreaterEqual(len(pids), 8)
        subprocess.run([CLUSTER, "down"], env=self.env, check=True, timeout=120)
        left = [p for p in pids if process_running(p)]
        self.assertEqual(left, [], f"processes still running after down: {left}")
        self.assertFalse(os.path.exists(self.state))


if __name__ == "__main__":
    unittest.main(verbosity=2)
