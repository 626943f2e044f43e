#!/usr/bin/env python3
"""The full PeerRelay flow for hack/demo, on embedded defaults: a fresh local Kubernetes cluster on a real node
(hack/cluster: kubelet, containerd, kube-proxy in the cluster's own network namespace), the project image built from
the Containerfile and imported into the node, a hostPath PersistentVolume standing in for the storage provisioner
this cluster lacks, the Helm chart installed with the Helm SDK (helm-python-sdk) with its in-cluster
tailnet-coordinator (SQLite on the volume) and the operator as pods, the sample PeerRelay from manifests/examples/
published to that coordinator, a relayctl probe through each published endpoint, a coordinator restart that keeps
the tailnet, two nodes behind hard NAT running tailnet-agent that reach each other through the sample PeerRelay by
themselves (hack/agent-scene), and a status table.
Everything it starts is stopped on exit (also on Ctrl-C or a failed step).

Usage: hack/demo-cluster.py BIN_DIR [--keep] [--replicas N]   (normally run by hack/demo, which builds BIN_DIR)
The steps are the end-to-end recipe in hack/lib/peerrelay.py (Stack), which e2e/operator-e2e runs with many more
checks; this script only narrates them."""

import argparse
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from peerrelay import ROOT, CommandFailed, Stack  # noqa: E402

NS = "demo"
OPERATOR_NS = "peer-relay-system"
TAILNET = "demo.example"
COORDINATOR = "peer-relay-coordinator"  # the chart's name for release peer-relay


def bold(text):
    return f"\033[1m{text}\033[0m" if sys.stdout.isatty() else text


def say(text=""):
    for line in str(text).splitlines() or [""]:
        print("   " + line, flush=True)


class Demo:
    def __init__(self, bin_dir, keep, replicas):
        self.stack = Stack("peerrelay-demo", NS, TAILNET, bin_dir)
        self.volume = None
        self.keep = keep
        self.replicas = replicas
        self.timings = []
        self.probes = []
        self.agents_summary = ""

    def step(self, title, fn):
        print(f"\n{bold('== ' + title)}", flush=True)
        start = time.monotonic()
        fn()
        took = time.monotonic() - start
        self.timings.append((title, took))
        say(f"({took:.1f}s)")

    # --- the steps ------------------------------------------------------------------------------------------

    def cluster(self):
        self.stack.cluster_up()
        say(f"kube-apiserver ready; kubeconfig {self.stack.env.get('KUBECONFIG')}; network namespace "
            f"{self.stack.env['PEERRELAY_NETNS']}")
        say(self.stack.kubectl("get", "nodes", "-o", "wide").stdout.rstrip())
        say("image ghcr.io/peerrelay/peerrelay:0.1.0 built from the Containerfile (hack/image-build) and imported")

    def storage(self):
        say("This cluster has no storage provisioner (a cloud, k3s or kind has one): a hostPath PersistentVolume")
        say(f"for the chart's claim {OPERATOR_NS}/{COORDINATOR} stands in for it (owned by the image's user 65532).")
        self.volume = self.stack.hostpath_volume(OPERATOR_NS, COORDINATOR)
        say(self.stack.kubectl("get", "pv", "-o", "wide").stdout.rstrip())

    def install(self):
        say(f"$ helm install peer-relay charts/peer-relay --namespace {OPERATOR_NS} --create-namespace \\")
        say(f"    --set coordinator.enabled=true --set coordinator.tailnetID={TAILNET}   (helm-python-sdk)")
        release = self.stack.helm_install({"coordinator": {"enabled": True, "tailnetID": TAILNET}})
        info = release.get("info", {}) if isinstance(release, dict) else {}
        say(f"release peer-relay: {info.get('status', 'deployed')}")
        self.stack.wait_until("the PeerRelay CRD to be established", 30, lambda: self.stack.kubectl(
            "get", "crd", "peerrelays.peerrelay.dev", "-o",
            "jsonpath={.status.conditions[?(@.type=='Established')].status}").stdout == "True")
        self.stack.wait_until(f"the claim {COORDINATOR} Bound", 60, lambda: self.stack.kget(
            "pvc", COORDINATOR, "-n", OPERATOR_NS)["status"].get("phase") == "Bound")
        self.stack.wait_until("the tailnet-coordinator pod Ready", 180, lambda: self.stack.pods(
            OPERATOR_NS, "app.kubernetes.io/component=coordinator", ready_only=True))
        self.stack.wait_until("the relay-operator pod Ready", 180,
                              lambda: self.stack.operator_pods(OPERATOR_NS, ready_only=True))
        say(self.stack.kubectl("get", "pods,pvc", "-n", OPERATOR_NS, "-o", "wide").stdout.rstrip())
        if not os.path.exists(os.path.join(self.volume, "coordinator.sqlite")):
            raise AssertionError(f"coordinator.sqlite is not on the volume ({self.volume}): "
                                 f"{sorted(os.listdir(self.volume))}")
        say(f"the coordinator's SQLite database, CA key and tokens are on the volume: {sorted(os.listdir(self.volume))}")
        url = self.stack.use_cluster_coordinator(OPERATOR_NS, COORDINATOR)
        say(f"$ kubectl -n {OPERATOR_NS} exec deploy/{COORDINATOR} -- cat /data/publisher.token   (and admin.token)")
        say(f"coordinator at {url} (its ClusterIP Service; this cluster has no DNS for {COORDINATOR}.{OPERATOR_NS}.svc)")
        self.stack.publisher_secret()
        say(f"namespace {NS} with Secret tailnet-publisher (the coordinator's relay-publisher token)")

    def peerrelay(self):
        sample = os.path.join(ROOT, "manifests", "examples", "peerrelay-minimal.yaml")
        text = open(sample).read()
        if "https://coordinator.example.com" not in text or "\nspec:\n" not in text:
            raise AssertionError(f"{sample} no longer has the coordinatorURL placeholder or spec: this script needs "
                                 "updating")
        text = text.replace("https://coordinator.example.com", self.stack.coord_url)
        text = text.replace("\nspec:\n", f"\nspec:\n  replicas: {self.replicas}\n", 1)
        say(f"$ kubectl apply -n {NS} -f manifests/examples/peerrelay-minimal.yaml "
            f"(coordinatorURL {self.stack.coord_url}, replicas {self.replicas})")
        say(self.stack.kubectl("apply", "-n", NS, "-f", "-", input=text).stdout.rstrip())

        def published():
            obj = self.stack.ready("minimal", self.replicas)
            return obj if obj and all(e.get("published") for e in obj["status"]["endpoints"]) else None

        try:
            obj = self.stack.wait_until(f"PeerRelay minimal Ready with {self.replicas} published replicas", 180,
                                        published)
        except AssertionError as error:
            status = self.stack.kubectl("get", "peerrelay", "minimal", "-n", NS, "-o", "jsonpath={.status}",
                                        check=False)
            pod = next(iter(self.stack.operator_pods(OPERATOR_NS)), None)
            logs = self.stack.kubectl("logs", "-n", OPERATOR_NS, pod, "--tail=25", check=False).stdout if pod else ""
            raise AssertionError(f"{error}\nstatus: {status.stdout}\noperator pod log:\n{logs}")
        for e in obj["status"]["endpoints"]:
            say(f"replica {e.get('index')} (pod {e.get('pod')}): {', '.join(e.get('addresses', []))} published")

    def nodes_and_probe(self):
        key = self.stack.pre_auth_key("demo")
        for name in ("alice", "bob"):
            self.stack.register_node(name, key)
            say(f"node {name} registered with a pre-auth key; the coordinator issued its certificate")
        relays = self.stack.relays("minimal")
        if len(relays) != self.replicas:
            raise AssertionError(f"the coordinator lists {len(relays)} relays for {NS}-minimal, "
                                 f"expected {self.replicas}")
        for relay in relays:
            endpoint = relay["endpoints"][0]
            say(f"$ relayctl probe --relay {endpoint} --identity alice --identity bob --count 10")
            # kube-proxy installs a new Service's rules up to ~1 s after its endpoint is Ready: retry briefly.
            report = self.stack.wait_until(f"a probe through {endpoint}", 30,
                                           lambda: self.stack.probe(endpoint, relay["certificate"], count=10),
                                           interval=1)
            rtts = report["rttMilliseconds"]
            self.probes.append((relay["replica"], endpoint, len(rtts), report.get("pingsSent"), min(rtts),
                                sum(rtts) / len(rtts), max(rtts)))
            say(f"  replica {relay['replica']}: VNI {report.get('vni')}, {len(rtts)}/{report.get('pingsSent')} "
                f"sealed pings, rtt min/avg/max {min(rtts):.3f}/{sum(rtts) / len(rtts):.3f}/{max(rtts):.3f} ms")

    def coordinator_restart(self):
        stack = self.stack
        before = [(r["replica"], r["endpoints"]) for r in stack.relays("minimal")]
        selector = "app.kubernetes.io/component=coordinator"
        old = next(iter(stack.pods(OPERATOR_NS, selector)))
        say(f"$ kubectl -n {OPERATOR_NS} delete pod {old}")
        stack.kubectl("delete", "pod", "-n", OPERATOR_NS, old, "--wait=true", timeout=120)
        new = stack.wait_until("a new tailnet-coordinator pod Ready", 180,
                               lambda: [n for n in stack.pods(OPERATOR_NS, selector, ready_only=True) if n != old])
        say(f"replacement pod {new[0]} is Ready on the same claim")
        # Same admin token (read before the restart), same relays: the tailnet survived on the volume.
        after = stack.wait_until("the coordinator answering through its Service", 60, lambda: [
            (r["replica"], r["endpoints"]) for r in stack.relays("minimal")] or None, interval=1)
        if after != before:
            raise AssertionError(f"the coordinator lost state across a restart: relays {before} became {after}")
        say(f"the old admin token still works and lists the same {len(after)} relays")
        stack.register_node("carol", stack.pre_auth_key("after the restart"))
        say("node carol registered: the tailnet's CA key is the one from the first start")

    def agents(self):
        say("two nodes behind NAT routers that defeat hole punching, each with wireguard-go and tailnet-agent, "
            "linked to the cluster by a veth (hack/agent-scene); no command typed beyond starting the agents")
        code, out, err = self.stack.agent_scene(f"{NS}-minimal")
        say(out.rstrip())
        if code != 0 or "agent scene OK" not in out:
            raise AssertionError(f"hack/agent-scene exited {code}: {err.strip()[-3000:]}")
        self.agents_summary = next((line.strip() for line in out.splitlines() if "pings through the tunnel" in line),
                                   "")

    def status(self):
        stack = self.stack
        say(f"$ kubectl get pr -n {NS} -o wide")
        say(stack.kubectl("get", "pr", "-n", NS, "-o", "wide").stdout.rstrip())
        say("")
        say(f"$ relayctl relays list --coordinator {stack.coord_url}")
        say(stack.run(stack.tool("relayctl"), "relays", "list", "--coordinator", stack.coord_url,
                      "--admin-token-file", stack.path("admin.token")).stdout.rstrip())
        say("")
        pod = stack.kget("pod", "minimal-0", "-n", NS)
        ip = pod.get("status", {}).get("podIP")
        admin = f"http://{ip}:9090"
        result = stack.run(stack.tool("relayctl"), "sessions", "--admin", admin, check=False, timeout=15) if ip else None
        say(f"$ relayctl sessions --admin {admin}   (replica 0's admin endpoint)")
        if result is not None and result.returncode == 0:
            say(result.stdout.rstrip())
        else:
            say("(admin endpoint not reachable: " + (result.stderr.strip() if result is not None else "no pod IP") + ")")
        say("")
        # The relay keeps the coordinator's last good revocation list in its state emptyDir (read-only root FS).
        say(f"$ kubectl exec -n {NS} minimal-0 -- ls -l /var/lib/peerrelay")
        listing = stack.wait_until("revocations.json in minimal-0's state directory", 30, lambda: (lambda out: (
            out if "revocations.json" in out else None))(stack.kubectl("exec", "-n", NS, "minimal-0", "--", "ls", "-l",
                                                                        "/var/lib/peerrelay").stdout), interval=1)
        say(listing.rstrip())
        say("")
        say(f"$ kubectl logs -n {NS} minimal-0 | head -3")
        say("\n".join(stack.kubectl("logs", "-n", NS, "minimal-0").stdout.splitlines()[:3]))

    # --- lifecycle ------------------------------------------------------------------------------------------

    def stop_all(self):
        cluster = self.stack.cluster_started
        for name, status in self.stack.down(timeout=30):
            say(f"{name} stopped (exit status {status})")
        if cluster:
            say("local cluster (control plane, kubelet, containerd, kube-proxy, network namespace) stopped")

    def main(self):
        ok = False
        steps = [
            ("3/10 local Kubernetes cluster on a real node (hack/cluster up) and the project image", self.cluster,
             "cluster"),
            ("4/10 storage for the coordinator: a hostPath PersistentVolume (stand-in for a provisioner)",
             self.storage, None),
            ("5/10 helm install charts/peer-relay with the coordinator (Helm SDK): operator and coordinator pods",
             self.install, None),
            (f"6/10 sample PeerRelay ({self.replicas} replicas) until Ready and published", self.peerrelay, None),
            ("7/10 register two nodes, relayctl probe through each published endpoint", self.nodes_and_probe, None),
            ("8/10 restart the coordinator pod: the tailnet survives on the volume", self.coordinator_restart, None),
            ("9/10 two NAT'd nodes with tailnet-agent reach each other through the sample PeerRelay", self.agents,
             None),
            ("10/10 status", self.status, None),
        ]
        try:
            for title, fn, log_of in steps:
                try:
                    self.step(title, fn)
                except (AssertionError, OSError, ValueError, KeyError) as error:
                    log = error.log if isinstance(error, CommandFailed) and error.log else (
                        self.stack.path("cluster.log") if log_of == "cluster" else self.stack.logs.get(log_of))
                    print(f"\nhack/demo: step failed: {error}", file=sys.stderr, flush=True)
                    if log and os.path.exists(log):
                        print(f"hack/demo: last lines of {log}:", file=sys.stderr)
                        with open(log, errors="replace") as f:
                            for line in f.readlines()[-25:]:
                                print("   " + line.rstrip(), file=sys.stderr)
                    self.keep = True
                    break
            else:
                ok = True
        except KeyboardInterrupt:
            print("\nhack/demo: interrupted", file=sys.stderr)
        finally:
            print(f"\n{bold('== stop everything')}", flush=True)
            self.stop_all()
            if self.keep:
                say(f"kept {self.stack.work} (logs, tokens, node keys)")
            else:
                shutil.rmtree(self.stack.work, ignore_errors=True)
        if ok:
            print(f"\n{bold('== What happened')}")
            for title, took in self.timings:
                say(f"{took:6.1f}s  {title.split(' ', 1)[1]}")
            say("- one helm install ran the operator and the tailnet-coordinator as pods; the coordinator keeps its "
                "SQLite database, CA key and tokens on a PersistentVolume and kept them across a restart")
            say(f"- the operator reconciled a PeerRelay with {self.replicas} replicas into relay-server pods "
                "(started by the kubelet) with LoadBalancer endpoints (routed by kube-proxy) and published them to "
                "the in-cluster coordinator")
            for replica, endpoint, got, sent, lo, avg, hi in self.probes:
                say(f"- replica {replica} at {endpoint}: {got}/{sent} sealed pings between alice and bob, "
                    f"rtt min/avg/max {lo:.3f}/{avg:.3f}/{hi:.3f} ms")
            if self.agents_summary:
                say(f"- tailnet-agent on two hard-NAT nodes chose the sample PeerRelay by itself: {self.agents_summary}")
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
