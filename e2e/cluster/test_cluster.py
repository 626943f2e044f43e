"""The local cluster on a real node, end to end: `hack/cluster up` (control plane, containerd, runc, CNI, kubelet,
kube-proxy and the test-only LoadBalancer address allocator, all in the cluster's own network namespace), kubectl
as admin and as an unprivileged user, a CRD, the project image built from the Containerfile and imported without
a registry, the real relay-server as pods reached through a LoadBalancer address, a NodePort and a HostPort with
`relayctl probe`, `externalTrafficPolicy: Local` keeping the client address (and Cluster masquerading it),
`kubectl logs`/`exec`, a Secret update reaching a running pod, a liveness probe restarting a relay, the
Service-environment regression (relay-server beside a Service named `relay-0`), pods surviving an apiserver
restart, nothing in the host's iptables, and `hack/cluster down` leaving nothing behind.

The suite starts its own cluster in a temporary PEERRELAY_CLUSTER_DIR, so it can run next to another cluster.
Steps run in order (test_NN_ names) and share the cluster.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import CLUSTER, DEBUG_BIN, ROOT, process_running, wait_until  # noqa: E402
IMAGE = "ghcr.io/peerrelay/peerrelay:0.1.0"
RELAY_PORT, ADMIN_PORT = 40000, 9090

# A UDP echo that answers "<source ip>:<source port>" - to see which client address reaches the pod. perl is in
# every Debian base image (perl-base is Essential), so it runs in the project image.
ECHO = ("use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => 7000, Proto => 'udp') or die $!; "
        "$| = 1; print \"udp echo on 7000\\n\"; while (1) { my $d; my $peer = $s->recv($d, 2048); "
        "my ($port, $ip) = sockaddr_in($peer); $s->send(inet_ntoa($ip) . ':' . $port); }")


class KubectlError(AssertionError):
    """kubectl failed; wait_until retries on it (e.g. NotFound before a controller created the object)."""


def have_debug_build():
    return all(os.access(os.path.join(DEBUG_BIN, b), os.X_OK)
               for b in ("relay-server", "relayctl", "relay-operator", "tailnet-coordinator"))


class RealNodeClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="peerrelay-cluster-test-")
        cls.state = os.path.join(cls.tmp, "state")
        cls.env = dict(os.environ, PEERRELAY_CLUSTER_DIR=cls.state)
        cls.env.pop("KUBECONFIG", None)
        t0 = time.monotonic()
        subprocess.run([CLUSTER, "up"], env=cls.env, check=True, timeout=300)
        cls.up_seconds = time.monotonic() - t0
        out = subprocess.run([CLUSTER, "env"], env=cls.env, capture_output=True, text=True, check=True).stdout
        cls.cluster_env = dict(w.split("=", 1) for w in out.split() if "=" in w)
        cls.env.update(cls.cluster_env)
        cls.node_ip = cls.cluster_env["PEERRELAY_NODE_IP"]
        cls.host_ip = cls.cluster_env["PEERRELAY_HOST_IP"]
        cls.netns = cls.cluster_env["PEERRELAY_NETNS"]
        cls.ns = "nodetest"
        cls.images_loaded = False

    @classmethod
    def tearDownClass(cls):
        if os.path.isdir(cls.state):
            subprocess.run([CLUSTER, "down"], env=cls.env, timeout=180)
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

    def pod_ready(self, name):
        p = self.get("pod", "-n", self.ns, name)
        conds = {c["type"]: c["status"] for c in p["status"].get("conditions") or []}
        return p if p["status"].get("phase") == "Running" and conds.get("Ready") == "True" else None

    def pods(self, selector):
        return self.get("pods", "-n", self.ns, "-l", selector)["items"]

    def need_images(self):
        if not have_debug_build():
            self.skipTest(f"no debug build of the four products in {DEBUG_BIN} (run swift build first)")
        if not RealNodeClusterTest.images_loaded:
            t0 = time.monotonic()
            subprocess.run([CLUSTER, "load-images"], env=self.env, check=True, timeout=600)
            print(f"\n  hack/cluster load-images took {time.monotonic() - t0:.1f} s")
            RealNodeClusterTest.images_loaded = True

    def keys(self):
        keys = os.path.join(self.tmp, "keys")
        if os.path.isdir(keys):
            return keys
        ctl = os.path.join(DEBUG_BIN, "relayctl")

        def run(*args):
            subprocess.run([ctl, *args], check=True, capture_output=True, timeout=60)
        run("ca", "init", "--tailnet", "cluster-test", "--out", os.path.join(keys, "ca"))
        run("cert", "issue", "--ca", os.path.join(keys, "ca"), "--role", "relay", "--name", "relay",
            "--out", os.path.join(keys, "relay"))
        for side in ("a", "b"):
            run("cert", "issue", "--ca", os.path.join(keys, "ca"), "--role", "node", "--name", f"node-{side}",
                "--out", os.path.join(keys, side))
        self.kubectl("create", "secret", "generic", "relay-keys", "-n", self.ns,
                     f"--from-file=relay.key={keys}/relay.key", f"--from-file=relay.crt={keys}/relay.crt",
                     f"--from-file=ca.pub={keys}/ca/ca.pub")
        return keys

    def relay_container(self, advertise, extra=None):
        container = {
            "name": "relay", "image": IMAGE, "imagePullPolicy": "Never", "command": ["relay-server"],
            "args": ["--listen=0.0.0.0", f"--port={RELAY_PORT}", "--admin-address=0.0.0.0",
                     f"--admin-port={ADMIN_PORT}", "--sockets=1", "--private-key-file=/etc/peerrelay/relay.key",
                     "--certificate-file=/etc/peerrelay/relay.crt", "--ca-key-file=/etc/peerrelay/ca.pub",
                     f"--advertise={advertise}"],
            "ports": [{"name": "relay", "containerPort": RELAY_PORT, "protocol": "UDP"},
                      {"name": "admin", "containerPort": ADMIN_PORT}],
            "readinessProbe": {"httpGet": {"path": "/readyz", "port": "admin"}, "periodSeconds": 1},
            "volumeMounts": [{"name": "keys", "mountPath": "/etc/peerrelay", "readOnly": True}]}
        container.update(extra or {})
        return container

    def relay_deployment(self, name, advertise, pod_extra=None, container_extra=None):
        self.keys()  # the relay-keys Secret
        spec = {"containers": [self.relay_container(advertise, container_extra)],
                "volumes": [{"name": "keys", "secret": {"secretName": "relay-keys", "defaultMode": 0o444}}]}
        spec.update(pod_extra or {})
        self.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": self.ns},
                    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                             "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})

    def probe(self, endpoint, timeout=45):
        keys = self.keys()

        def attempt():
            r = subprocess.run([os.path.join(DEBUG_BIN, "relayctl"), "probe", "--relay", endpoint, "--relay-cert",
                                f"{keys}/relay.crt", "--ca", f"{keys}/ca", "--identity", f"{keys}/a",
                                "--identity", f"{keys}/b", "--count", "3", "--local-host", self.host_ip],
                               capture_output=True, text=True, timeout=60)
            return r if r.returncode == 0 else None
        # kube-proxy installs a new Service's rules up to ~1 s after its endpoint is Ready: retry.
        result = wait_until(f"relayctl probe through {endpoint}", timeout, attempt, interval=1)
        print(f"\n  probe {endpoint}: " + result.stdout.strip().replace("\n", "\n  "))
        return result.stdout

    def udp_ask(self, ip, port):
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((self.host_ip, 0))
            s.settimeout(1)
            s.sendto(b"who", (ip, port))
            return s.recv(256).decode()

    def ns_run(self, *args):
        return subprocess.run([CLUSTER, "exec", *args], env=self.env, capture_output=True, text=True, timeout=30)

    # --- steps ---------------------------------------------------------------------------------------------

    def test_01_up_kubectl_and_node(self):
        print(f"\n  hack/cluster up took {self.up_seconds:.1f} s")
        version = json.loads(self.kubectl("version", "-o", "json", check=False) or "{}")
        self.assertEqual(version.get("serverVersion", {}).get("gitVersion"), "v1.20.2")
        for key in ("PEERRELAY_KUBECONFIG", "PEERRELAY_ETCD_ENDPOINT", "PEERRELAY_NODE_IP", "PEERRELAY_LB_CIDR"):
            self.assertIn(key, self.cluster_env)
        self.assertEqual(self.cluster_env["PEERRELAY_KUBECONFIG"], f"{self.state}/kubeconfig")
        status = subprocess.run([CLUSTER, "status"], env=self.env, capture_output=True, text=True)
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        r = subprocess.run(["kubectl", "--kubeconfig", os.path.join(self.state, "kubeconfig-unprivileged"),
                            "get", "pods"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("forbidden", r.stderr.lower())
        node = self.get("node", "peerrelay-node")
        info = node["status"]["nodeInfo"]
        self.assertEqual(info["kubeletVersion"], "v1.20.2")
        self.assertEqual(info["kubeProxyVersion"], "v1.20.2")
        self.assertTrue(info["containerRuntimeVersion"].startswith("containerd://1.6"), info)
        self.assertIn({"type": "InternalIP", "address": self.node_ip}, node["status"]["addresses"])
        self.assertEqual({c["type"]: c["status"] for c in node["status"]["conditions"]}["Ready"], "True")
        self.assertFalse(node["spec"].get("taints"), node["spec"])
        self.kubectl("create", "namespace", self.ns)
        wait_until("default ServiceAccount token in the test namespace", 60, lambda: self.get(
            "serviceaccount", "-n", self.ns, "default").get("secrets"))

    def test_02_crd_established(self):
        crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.test.peerrelay.dev"},
               "spec": {"group": "test.peerrelay.dev", "scope": "Namespaced",
                        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                        "versions": [{"name": "v1", "served": True, "storage": True,
                                      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                          "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
        self.apply(crd)
        self.kubectl("wait", "--for", "condition=established", "--timeout=60s", "crd/widgets.test.peerrelay.dev")
        self.apply({"apiVersion": "test.peerrelay.dev/v1", "kind": "Widget",
                    "metadata": {"name": "w1", "namespace": self.ns}, "spec": {"size": 3}})
        self.assertEqual(self.get("widget", "-n", self.ns, "w1")["spec"]["size"], 3)
        r = self.kubectl("apply", "-f", "-", check=False, stdin=json.dumps(
            {"apiVersion": "test.peerrelay.dev/v1", "kind": "Widget", "metadata": {"name": "w2", "namespace": self.ns},
             "spec": {"size": "big"}}))
        self.assertEqual(r, "")

    def test_03_isolated_in_its_own_network_namespace(self):
        host = subprocess.run(["iptables-save"], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("KUBE-", host, "kube-proxy/kubelet rules leaked into the host's iptables")
        self.assertNotIn(self.cluster_env["PEERRELAY_POD_CIDR"], host, "CNI rules leaked into the host's iptables")
        inside = self.ns_run("iptables-save")
        self.assertEqual(inside.returncode, 0, inside.stderr)
        self.assertIn("KUBE-SERVICES", inside.stdout)
        # No default route in the node: another cluster's block (another 10.200.X.0/24) is unreachable from here.
        n = int(self.node_ip.split(".")[2])
        other = f"10.200.{n % 250 + 1}.2"
        r = self.ns_run("ip", "route", "get", other)
        self.assertNotEqual(r.returncode, 0, f"the node can route to {other}: {r.stdout}")
        for name in ("kubelet", "containerd", "kube-proxy", "kube-apiserver"):
            with open(os.path.join(self.state, "pids", f"{name}.pid")) as f:
                pid = f.read().strip()
            ns = os.stat(f"/proc/{pid}/ns/net")
            self.assertEqual(ns.st_ino, os.stat(f"/run/netns/{self.netns}").st_ino, f"{name} is not in the cluster's netns")
            self.assertNotEqual(ns.st_ino, os.stat("/proc/self/ns/net").st_ino, name)

    def test_04_project_image_imported_under_the_manifests_name(self):
        self.need_images()
        with open(os.path.join(ROOT, "manifests", "03-operator.yaml")) as f:
            self.assertIn(f"image: {IMAGE}", f.read(), "the test image name must be the one manifests/ use")
        r = self.ns_run("ctr", "-a", self.cluster_env["PEERRELAY_CONTAINERD_SOCK"], "-n", "k8s.io", "images", "ls", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = r.stdout.split()
        self.assertIn(IMAGE, names)
        self.assertIn("localhost/peerrelay/pause:1.0", names)

    def test_05_relay_behind_load_balancer_with_client_address_kept(self):
        self.need_images()
        self.relay_deployment("lb-relay", "0.0.0.0:1")
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb-relay", "namespace": self.ns},
                    "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "selector": {"app": "lb-relay"},
                             "ports": [{"name": "relay", "port": RELAY_PORT, "targetPort": "relay", "protocol": "UDP"}]}})
        wait_until("lb-relay pod Ready (its /readyz)", 120,
                   lambda: [p for p in self.pods("app=lb-relay") if self.pod_ready(p["metadata"]["name"])])
        lb_ip = wait_until("a LoadBalancer address from the pool", 30, lambda: (
            self.get("service", "-n", self.ns, "lb-relay")["status"].get("loadBalancer", {}).get("ingress") or [{}])[0].get("ip"))
        self.assertTrue(lb_ip.startswith(self.cluster_env["PEERRELAY_LB_CIDR"].rsplit(".", 1)[0] + "."), lb_ip)
        out = self.probe(f"{lb_ip}:{RELAY_PORT}")
        self.assertIn("3/3", out)
        pod = self.pods("app=lb-relay")[0]["metadata"]["name"]
        logs = self.kubectl("logs", "-n", self.ns, pod)
        self.assertIn("relay-server started", logs)

    def test_06_external_traffic_policy_local_keeps_the_client_address(self):
        self.need_images()
        for name, policy, kind in (("echo-local", "Local", "LoadBalancer"), ("echo-cluster", "Cluster", "NodePort")):
            self.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": self.ns},
                        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{
                                     "name": "echo", "image": IMAGE, "imagePullPolicy": "Never",
                                     "command": ["perl", "-e", ECHO]}]}}}})
            self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": self.ns},
                        "spec": {"type": kind, "externalTrafficPolicy": policy, "selector": {"app": name},
                                 "ports": [{"port": 7000, "protocol": "UDP"}]}})
        for name in ("echo-local", "echo-cluster"):
            wait_until(f"{name} running", 90, lambda: [p for p in self.pods(f"app={name}")
                                                       if self.pod_ready(p["metadata"]["name"])])
        lb_ip = wait_until("echo-local's LoadBalancer address", 30, lambda: (
            self.get("service", "-n", self.ns, "echo-local")["status"].get("loadBalancer", {}).get("ingress") or [{}])[0].get("ip"))
        seen = wait_until("an answer through the LoadBalancer address", 30, lambda: self.udp_ask(lb_ip, 7000))
        self.assertEqual(seen.split(":")[0], self.host_ip, "externalTrafficPolicy: Local must keep the client address")
        node_port = self.get("service", "-n", self.ns, "echo-cluster")["spec"]["ports"][0]["nodePort"]
        seen = wait_until("an answer through the NodePort", 30, lambda: self.udp_ask(self.node_ip, node_port))
        self.assertNotEqual(seen.split(":")[0], self.host_ip,
                            "externalTrafficPolicy: Cluster masquerades the client (kube-proxy SNAT)")
        print(f"\n  Local: pod saw {self.host_ip}; Cluster NodePort: pod saw {seen}")

    def test_07_node_port_and_host_port_relays_carry_a_probe(self):
        self.need_images()
        self.relay_deployment("np-relay", "0.0.0.0:1")
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np-relay", "namespace": self.ns},
                    "spec": {"type": "NodePort", "selector": {"app": "np-relay"},
                             "ports": [{"port": RELAY_PORT, "targetPort": "relay", "protocol": "UDP"}]}})
        host_port = 40100
        self.relay_deployment("hp-relay", f"{self.node_ip}:{host_port}", container_extra={
            "ports": [{"name": "relay", "containerPort": RELAY_PORT, "hostPort": host_port, "protocol": "UDP"},
                      {"name": "admin", "containerPort": ADMIN_PORT}]})
        for name in ("np-relay", "hp-relay"):
            wait_until(f"{name} Ready", 120, lambda: [p for p in self.pods(f"app={name}")
                                                      if self.pod_ready(p["metadata"]["name"])])
        node_port = self.get("service", "-n", self.ns, "np-relay")["spec"]["ports"][0]["nodePort"]
        self.assertIn("3/3", self.probe(f"{self.node_ip}:{node_port}"))
        self.assertIn("3/3", self.probe(f"{self.node_ip}:{host_port}"))

    def test_08_service_environment_does_not_crash_relay_server(self):
        """Regression: kubelet injects RELAY_0_PORT etc. for a Service named relay-0; relay-server in a plain
        Deployment (enableServiceLinks left at its default, true) must start and stay up. In its own namespace, so
        the other steps' pods do not get those variables."""
        self.need_images()
        ns = "svcenv"
        self.kubectl("create", "namespace", ns)
        wait_until("default ServiceAccount token in svcenv", 60,
                   lambda: self.get("serviceaccount", "-n", ns, "default").get("secrets"))
        keys = self.keys()
        self.kubectl("create", "secret", "generic", "relay-keys", "-n", ns,
                     f"--from-file=relay.key={keys}/relay.key", f"--from-file=relay.crt={keys}/relay.crt",
                     f"--from-file=ca.pub={keys}/ca/ca.pub")
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "relay-0", "namespace": ns},
                    "spec": {"selector": {"app": "nothing"}, "ports": [{"port": RELAY_PORT, "protocol": "UDP"}]}})
        saved, self.ns = self.ns, ns
        try:
            self.relay_deployment("plain-relay", "0.0.0.0:1")
            pod = wait_until("plain-relay Ready", 120, lambda: [p for p in self.pods("app=plain-relay")
                                                                if self.pod_ready(p["metadata"]["name"])])[0]
            name = pod["metadata"]["name"]
            env = self.kubectl("exec", "-n", ns, name, "--", "env")
            self.assertIn("RELAY_0_PORT=", env, "kubelet should have injected the Service environment")
            time.sleep(3)
            status = self.get("pod", "-n", ns, name)["status"]["containerStatuses"][0]
            self.assertEqual(status["restartCount"], 0, status)
            logs = self.kubectl("logs", "-n", ns, name)
            self.assertIn("relay-server started", logs)
            self.assertIn("ignoring environment variable RELAY_0_PORT", logs, "the unknown variable must be named")
        finally:
            self.ns = saved

    def test_09_secret_update_reaches_a_running_pod_and_exec_works(self):
        self.need_images()
        self.kubectl("create", "secret", "generic", "rotating", "-n", self.ns, "--from-literal=value=one")
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "reader", "namespace": self.ns},
                    "spec": {"containers": [{"name": "reader", "image": IMAGE, "imagePullPolicy": "Never",
                                             "command": ["sleep", "3600"],
                                             "volumeMounts": [{"name": "s", "mountPath": "/s"}]}],
                             "terminationGracePeriodSeconds": 1,
                             "volumes": [{"name": "s", "secret": {"secretName": "rotating"}}]}})
        wait_until("reader Ready", 90, lambda: self.pod_ready("reader"))
        self.assertEqual(self.kubectl("exec", "-n", self.ns, "reader", "--", "cat", "/s/value"), "one")
        self.kubectl("patch", "secret", "rotating", "-n", self.ns, "-p", '{"stringData": {"value": "two"}}')
        wait_until("the new Secret value in the pod", 90,
                   lambda: self.kubectl("exec", "-n", self.ns, "reader", "--", "cat", "/s/value") == "two", interval=1)

    def test_10_liveness_probe_failure_restarts_the_relay(self):
        self.need_images()
        self.relay_deployment("live-relay", "0.0.0.0:1", container_extra={
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 9999}, "initialDelaySeconds": 2,
                              "periodSeconds": 1, "failureThreshold": 2}})
        pod = wait_until("live-relay restarted by its liveness probe", 120, lambda: [
            p for p in self.pods("app=live-relay")
            if (p["status"].get("containerStatuses") or [{}])[0].get("restartCount", 0) >= 1])[0]
        name = pod["metadata"]["name"]
        self.assertIn("relay-server started", self.kubectl("logs", "-n", self.ns, name, "--previous"))
        events = self.get("events", "-n", self.ns, "--field-selector", f"involvedObject.name={name}")["items"]
        self.assertTrue(any(e["reason"] == "Unhealthy" and "Liveness" in e["message"] for e in events),
                        [e["message"] for e in events])

    def test_11_pods_survive_an_apiserver_restart(self):
        before = {p["metadata"]["uid"] for p in self.get("pods", "-n", self.ns)["items"]}
        subprocess.run([CLUSTER, "restart-apiserver", "1"], env=self.env, check=True, timeout=120)
        after = {p["metadata"]["uid"] for p in self.get("pods", "-n", self.ns)["items"]}
        self.assertEqual(before, after)
        if have_debug_build():
            self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "after-restart", "namespace": self.ns},
                        "spec": {"containers": [{"name": "c", "image": IMAGE, "imagePullPolicy": "Never",
                                                 "command": ["sleep", "60"]}], "terminationGracePeriodSeconds": 1}})
            wait_until("a new pod Running after the restart", 90, lambda: self.pod_ready("after-restart"))

    def test_12_down_leaves_nothing(self):
        pids = []
        for f in os.listdir(os.path.join(self.state, "pids")):
            if f.endswith(".pid"):
                with open(os.path.join(self.state, "pids", f)) as fh:
                    pids.append(int(fh.read()))
        t0 = time.monotonic()
        subprocess.run([CLUSTER, "down"], env=self.env, check=True, timeout=180)
        print(f"\n  hack/cluster down took {time.monotonic() - t0:.1f} s")
        for pid in pids:
            # A component restarted by `hack/cluster restart-apiserver` is nobody's child here: once it exits it can
            # stay a zombie until init reaps it, which is stopped, not running.
            self.assertFalse(process_running(pid), f"pid {pid} still running")
        leftover = subprocess.run(["pgrep", "-f", self.state], capture_output=True, text=True).stdout
        self.assertEqual(leftover.strip(), "", "processes of the cluster still running")
        self.assertFalse(os.path.exists(f"/run/netns/{self.netns}"))
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        self.assertNotIn(f"prc{self.node_ip.split('.')[2]}:", links)
        with open("/proc/self/mountinfo") as f:
            self.assertNotIn(self.state, f.read())
        self.assertFalse(os.path.exists(self.state))


if __name__ == "__main__":
    unittest.main()
