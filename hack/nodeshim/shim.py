"""The node shim's main loop: Node + Lease heartbeats, pods bound to the node, LoadBalancer Services."""

import argparse
import ipaddress
import json
import os
import signal
import sys
import time
import urllib.parse

from kubeclient import KubeClient, KubeError, load_kubeconfig
from lbproxy import LBProxy
from podruntime import ImageMap, PodRuntime, rfc3339

LEASE_SECONDS = 40
HEARTBEAT_SECONDS = 10
POD_SYNC_SECONDS = 1.0
VOLUME_SYNC_SECONDS = 2.0
SERVICE_SYNC_SECONDS = 2.0
TICK_SECONDS = 0.2


def micro_time():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


class Shim:
    def __init__(self, args):
        server, ca, token, insecure = load_kubeconfig(args.kubeconfig)
        self.client = KubeClient(server, ca, token, insecure)
        url = urllib.parse.urlsplit(server)
        self.api_host, self.api_port = url.hostname, url.port or 443
        self.node = args.node_name
        self.node_ip = args.internal_ip
        self.external_ip = args.external_ip
        self.labels = dict(kv.split("=", 1) for kv in args.label)
        self.work_dir = os.path.abspath(args.work_dir)
        self.allocatable = {"cpu": args.cpu, "memory": args.memory, "pods": str(args.max_pods),
                            "ephemeral-storage": "100Gi"}
        self.image_map = ImageMap(self._load_image_map(args.image_map))
        self.pod_net = ipaddress.ip_network(args.pod_cidr)
        self.lb_net = ipaddress.ip_network(args.lb_cidr)
        self.shutdown_grace = args.shutdown_grace
        self.lb_proxy = None if args.no_lb_proxy else LBProxy(self.log)
        self.pods = {}  # uid -> PodRuntime
        self.stopping = False
        self.ready_conditions_since = rfc3339()
        for net, flag in ((self.pod_net, "--pod-cidr"), (self.lb_net, "--lb-cidr")):
            if not net.is_loopback:
                raise SystemExit(f"node-shim: {flag} {net} must be inside 127.0.0.0/8 (loopback only)")
        os.makedirs(os.path.join(self.work_dir, "pods"), exist_ok=True)

    @staticmethod
    def _load_image_map(path):
        if not path:
            return {}
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            raise SystemExit(f"node-shim: cannot read image map {path}: {e} "
                             '(expected JSON like {"ghcr.io/peerrelay/peerrelay:*": "/abs/.build/debug/"})')
        if not isinstance(data, dict):
            raise SystemExit(f"node-shim: image map {path} must be a JSON object of image pattern -> path")
        return data

    def log(self, msg):
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} node-shim[{self.node}] {msg}\n")
        sys.stderr.flush()

    # --- node and lease --------------------------------------------------------------------------------

    def _addresses(self):
        addrs = [{"type": "InternalIP", "address": self.node_ip}, {"type": "Hostname", "address": self.node}]
        if self.external_ip:
            addrs.insert(1, {"type": "ExternalIP", "address": self.external_ip})
        return addrs

    def _conditions(self):
        now = rfc3339()
        since = self.ready_conditions_since
        conds = [("Ready", "True", "KubeletReady", "peerrelay node shim is posting ready status")]
        for t, reason in (("MemoryPressure", "KubeletHasSufficientMemory"), ("DiskPressure", "KubeletHasNoDiskPressure"),
                          ("PIDPressure", "KubeletHasSufficientPID")):
            conds.append((t, "False", reason, "node shim"))
        return [{"type": t, "status": s, "reason": r, "message": m, "lastHeartbeatTime": now,
                 "lastTransitionTime": since} for t, s, r, m in conds]

    def register(self):
        existing = self.client.get_or_none(f"/api/v1/nodes/{self.node}")
        labels = {"kubernetes.io/hostname": self.node, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                  "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64", **self.labels}
        if existing is None:
            self.client.request("POST", "/api/v1/nodes", {
                "apiVersion": "v1", "kind": "Node", "metadata": {"name": self.node, "labels": labels}, "spec": {}})
            self.log("registered Node")
        else:
            self.client.request("PATCH", f"/api/v1/nodes/{self.node}", {"metadata": {"labels": labels}},
                                content_type="application/strategic-merge-patch+json")
            self.log("Node exists; taking it over")
        self.heartbeat(first=True)

    def heartbeat(self, first=False):
        status = {"conditions": self._conditions(), "addresses": self._addresses(),
                  "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}}}
        if first:
            status.update({
                "capacity": self.allocatable, "allocatable": self.allocatable,
                "nodeInfo": {"machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": os.uname().release,
                             "osImage": "peerrelay node shim", "containerRuntimeVersion": "shim://local-processes",
                             "kubeletVersion": "v1.20.2", "kubeProxyVersion": "v1.20.2", "operatingSystem": "linux",
                             "architecture": "amd64"}})
            # addresses are replaced as a whole (a merge by type would keep a stale ExternalIP)
            node = self.client.get(f"/api/v1/nodes/{self.node}")
            node["status"] = {**(node.get("status") or {}), **status}
            self.client.request("PUT", f"/api/v1/nodes/{self.node}/status", node)
        else:
            self.client.request("PATCH", f"/api/v1/nodes/{self.node}/status", {"status": status},
                                content_type="application/strategic-merge-patch+json")
        self.renew_lease()

    def renew_lease(self):
        path = f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{self.node}"
        lease = self.client.get_or_none(path)
        if lease is None:
            node = self.client.get(f"/api/v1/nodes/{self.node}")
            self.client.request("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": self.node, "namespace": "kube-node-lease",
                             "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": self.node,
                                                  "uid": node["metadata"]["uid"]}]},
                "spec": {"holderIdentity": self.node, "leaseDurationSeconds": LEASE_SECONDS,
                         "renewTime": micro_time()}})
        else:
            lease["spec"].update({"holderIdentity": self.node, "leaseDurationSeconds": LEASE_SECONDS,
                                  "renewTime": micro_time()})
            self.client.request("PUT", path, lease)

    # --- pods ---------------------------------------------------------------------------------------------

    def _allocate_ip(self, pod):
        if pod["spec"].get("hostNetwork"):
            return self.node_ip
        used = {p.ip for p in self.pods.values()}
        previous = (pod.get("status") or {}).get("podIP")
        if previous and ipaddress.ip_address(previous) in self.pod_net and previous not in used:
            return previous
        for host in self.pod_net.hosts():
            if str(host) not in used:
                return str(host)
        raise RuntimeError(f"pod address range {self.pod_net} exhausted")

    def sync_pods(self):
        items = self.client.get("/api/v1/pods", {"fieldSelector": f"spec.nodeName={self.node}"})["items"]
        seen = set()
        for pod in items:
            uid = pod["metadata"]["uid"]
            seen.add(uid)
            rt = self.pods.get(uid)
            phase = (pod.get("status") or {}).get("phase")
            deleting = pod["metadata"].get("deletionTimestamp")
            if rt is None:
                if phase in ("Succeeded", "Failed"):
                    if deleting:
                        self._finalize(pod)
                    continue
                if deleting:
                    self._finalize(pod)
                    continue
                rt = PodRuntime(self, pod, self._allocate_ip(pod))
                self.pods[uid] = rt
                rt.log(f"accepted (pod IP {rt.ip})")
            rt.pod = pod
            if deleting:
                grace = pod["metadata"].get("deletionGracePeriodSeconds")
                if grace is None:
                    grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
                rt.begin_termination(grace)
        for uid in list(self.pods):
            if uid not in seen:
                rt = self.pods[uid]
                rt.log("pod object is gone; stopping its processes")
                rt.begin_termination(2)
                rt.finalized = True

    def _finalize(self, pod):
        meta = pod["metadata"]
        try:
            self.client.request("DELETE", f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}",
                                {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                                 "preconditions": {"uid": meta["uid"]}})
            self.log(f"pod {meta['namespace']}/{meta['name']}: deleted")
        except KubeError as e:
            if e.status not in (404, 409):
                raise

    def tick_pods(self, now, refresh_volumes):
        for uid, rt in list(self.pods.items()):
            try:
                if rt.terminating_deadline is not None:
                    if rt.tick_terminating(now):
                        if not rt.finalized:
                            rt.report()
                            self._finalize(rt.pod)
                        rt.cleanup()
                        del self.pods[uid]
                    continue
                if refresh_volumes and rt.volumes_ready:
                    rt.sync_volumes()
                rt.tick(now)
                rt.report()
            except KubeError as e:
                rt.log(f"API error: {e}")

    # --- LoadBalancer services ----------------------------------------------------------------------------

    def _backend(self, service, port):
        """(podIP, targetPort) of the first Ready pod of this node that the Service selects, or None."""
        selector = service["spec"].get("selector")
        if not selector:
            return None
        ns = service["metadata"]["namespace"]
        for rt in sorted(self.pods.values(), key=lambda r: r.name):
            labels = rt.pod["metadata"].get("labels") or {}
            if rt.ns != ns or rt.terminating_deadline is not None or rt.last_status is None \
                    or not rt.status_ready(rt.last_status) or any(labels.get(k) != v for k, v in selector.items()):
                continue
            target = port.get("targetPort", port["port"])
            if isinstance(target, str) and not target.isdigit():
                named = [p["containerPort"] for c in rt.pod["spec"]["containers"] for p in c.get("ports") or []
                         if p.get("name") == target]
                if not named:
                    continue
                target = named[0]
            return rt.ip, int(target)
        return None

    def _proxy(self, service, ip, keys):
        if self.lb_proxy is None:
            return
        for port in service["spec"].get("ports") or []:
            proto = port.get("protocol", "TCP")
            if proto not in ("TCP", "UDP"):
                continue
            key = (service["metadata"]["uid"], ip, port["port"], proto)
            keys.add(key)
            result = self.lb_proxy.ensure(key, proto, (ip, port["port"]), self._backend(service, port))
            if result not in ("proxy", "direct", "waiting"):
                self.log(f"service {service['metadata']['namespace']}/{service['metadata']['name']}: {result}")

    def sync_services(self):
        services = self.client.get("/api/v1/services")["items"]
        used = set()
        keys = set()
        for s in services:
            for ing in ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                if ing.get("ip"):
                    used.add(ing["ip"])
        for s in services:
            if s["spec"].get("type") != "LoadBalancer":
                continue
            ingress = ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            existing = next((i["ip"] for i in ingress if i.get("ip")), None)
            if existing:
                if ipaddress.ip_address(existing) in self.lb_net:
                    self._proxy(s, existing, keys)
                continue
            wanted = s["spec"].get("loadBalancerIP")
            if wanted:
                try:
                    ok = ipaddress.ip_address(wanted) in self.lb_net
                except ValueError:
                    ok = False
                if not ok:
                    self.log(f"service {s['metadata']['namespace']}/{s['metadata']['name']}: loadBalancerIP "
                             f"{wanted} is outside {self.lb_net}; leaving it pending")
                    continue
                ip = wanted
            else:
                ip = next((str(h) for h in self.lb_net.hosts() if str(h) not in used), None)
                if ip is None:
                    self.log(f"load-balancer range {self.lb_net} exhausted")
                    continue
            used.add(ip)
            m = s["metadata"]
            self.client.request("PATCH", f"/api/v1/namespaces/{m['namespace']}/services/{m['name']}/status",
                                {"status": {"loadBalancer": {"ingress": [{"ip": ip}]}}},
                                content_type="application/merge-patch+json")
            self.log(f"service {m['namespace']}/{m['name']}: load-balancer ingress {ip}")
            self._proxy(s, ip, keys)
        if self.lb_proxy is not None:
            self._node_ports(services, keys)
            self._host_ports(keys)
            self.lb_proxy.retain(keys)

    def _node_addresses(self):
        return [a for a in (self.node_ip, self.external_ip) if a]

    def _node_ports(self, services, keys):
        """nodeIP:nodePort -> ready pod of this node, for every NodePort/LoadBalancer Service port."""
        for s in services:
            if s["spec"].get("type") not in ("NodePort", "LoadBalancer"):
                continue
            for port in s["spec"].get("ports") or []:
                proto = port.get("protocol", "TCP")
                if not port.get("nodePort") or proto not in ("TCP", "UDP"):
                    continue
                backend = self._backend(s, port)
                for addr in self._node_addresses():
                    key = (s["metadata"]["uid"], "nodePort", addr, port["nodePort"], proto)
                    keys.add(key)
                    self.lb_proxy.ensure(key, proto, (addr, port["nodePort"]), backend)

    def _host_ports(self, keys):
        """hostIP:hostPort -> podIP:containerPort for Ready pods that ask for a hostPort."""
        for rt in self.pods.values():
            if rt.spec_host_network() or rt.terminating_deadline is not None:
                continue
            ready = rt.last_status is not None and rt.status_ready(rt.last_status)
            for c in rt.pod["spec"]["containers"]:
                for p in c.get("ports") or []:
                    proto = p.get("protocol", "TCP")
                    if not p.get("hostPort") or proto not in ("TCP", "UDP"):
                        continue
                    addrs = [p["hostIP"]] if p.get("hostIP") and p["hostIP"] != "0.0.0.0" else self._node_addresses()
                    for addr in addrs:
                        key = (rt.uid, "hostPort", addr, p["hostPort"], proto)
                        keys.add(key)
                        self.lb_proxy.ensure(key, proto, (addr, p["hostPort"]),
                                             (rt.ip, p["containerPort"]) if ready else None)

    # --- main loop ---------------------------------------------------------------------------------------

    def run(self):
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        ready_file = os.path.join(self.work_dir, "ready")
        deadline = time.monotonic() + 60
        while not self.stopping:
            try:
                self.register()
                break
            except KubeError as e:
                if time.monotonic() > deadline:
                    raise SystemExit(f"node-shim: cannot register Node '{self.node}' within 60 s: {e}")
                self.log(f"registering Node failed ({e}); retrying")
                time.sleep(1)
        with open(ready_file, "w") as f:
            f.write(f"{self.node}\n")
        self.log(f"ready (InternalIP {self.node_ip}, ExternalIP {self.external_ip or '-'}, pods {self.pod_net}, "
                 f"load balancers {self.lb_net})")
        next_hb = time.monotonic() + HEARTBEAT_SECONDS
        next_pods = next_vol = next_svc = 0.0
        try:
            while not self.stopping:
                now = time.monotonic()
                try:
                    if now >= next_hb:
                        next_hb = now + HEARTBEAT_SECONDS
                        self.heartbeat()
                    if now >= next_pods:
                        next_pods = now + POD_SYNC_SECONDS
                        self.sync_pods()
                    refresh = now >= next_vol
                    if refresh:
                        next_vol = now + VOLUME_SYNC_SECONDS
                    self.tick_pods(now, refresh)
                    if now >= next_svc:
                        next_svc = now + SERVICE_SYNC_SECONDS
                        self.sync_services()
                except KubeError as e:
                    self.log(f"API error: {e}")
                time.sleep(TICK_SECONDS)
        finally:
            self.log(f"stopping {len(self.pods)} pod(s)")
            for rt in self.pods.values():
                rt.begin_termination(self.shutdown_grace)
            deadline = time.monotonic() + min(self.shutdown_grace, 60) + 5
            while self.pods and time.monotonic() < deadline:
                for uid, rt in list(self.pods.items()):
                    if rt.tick_terminating(time.monotonic()):
                        del self.pods[uid]
                time.sleep(0.1)
            if self.lb_proxy is not None:
                self.lb_proxy.close()
            try:
                os.unlink(ready_file)
            except OSError:
                pass
            self.client.close()
            self.log("stopped")

    def _on_signal(self, signum, _frame):
        self.stopping = True


def main(argv=None):
    p = argparse.ArgumentParser(prog="node-shim", description="Registers a Node and runs its pods as local "
                                "processes (test infrastructure; see docs/local-cluster.md).")
    p.add_argument("--kubeconfig", default=os.environ.get("PEERRELAY_KUBECONFIG"),
                   help="kubeconfig with a token user (default $PEERRELAY_KUBECONFIG)")
    p.add_argument("--node-name", default="peerrelay-node-1")
    p.add_argument("--internal-ip", default="127.0.0.1")
    p.add_argument("--external-ip", default="", help="Node ExternalIP address to report (optional)")
    p.add_argument("--label", action="append", default=[], help="extra Node label key=value (repeatable)")
    p.add_argument("--image-map", default="", help="JSON file: image pattern -> binary dir or executable")
    p.add_argument("--work-dir", required=True, help="per-pod directories go under <work-dir>/pods")
    p.add_argument("--pod-cidr", default="127.0.1.0/24", help="pod IPs (loopback range)")
    p.add_argument("--lb-cidr", default="127.0.2.0/24", help="LoadBalancer ingress IPs (loopback range)")
    p.add_argument("--no-lb-proxy", action="store_true",
                   help="never forward LoadBalancer addresses to pod IPs (pods must bind 0.0.0.0)")
    p.add_argument("--cpu", default="8")
    p.add_argument("--memory", default="16Gi")
    p.add_argument("--max-pods", type=int, default=110)
    p.add_argument("--shutdown-grace", type=int, default=10, help="seconds to wait for pods at shim shutdown")
    args = p.parse_args(argv)
    if not args.kubeconfig:
        p.error("--kubeconfig (or PEERRELAY_KUBECONFIG) is required")
    for kv in args.label:
        if "=" not in kv:
            p.error(f"--label '{kv}' must be key=value")
    for flag, value in (("--internal-ip", args.internal_ip), ("--external-ip", args.external_ip)):
        if value:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                p.error(f"{flag} '{value}' is not an IP address")
    Shim(args).run()
