"""relay-operator end to end on the real node (see run): the operator runs as the pods of the Deployment in
manifests/ (project image built from the Containerfile, in-cluster config, its ServiceAccount token, the
manifests' RBAC enforced); relay pods are started by the kubelet; LoadBalancer, NodePort and HostPort traffic goes
through kube-proxy and the CNI portmap plugin. The tailnet-coordinator runs on the host, outside the cluster.
Steps run in order and share one cluster; a failed step is counted and the run goes on where that makes sense. The
recipe itself (cluster, coordinator, manifests, PeerRelay objects, probes) is hack/lib/peerrelay.py's Stack, which
hack/demo runs too."""

import base64
import json
import os
import shutil
import signal
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import CLUSTER, ROOT, Stack, Steps, condition, free_port, wait_until  # noqa: E402
from peerrelay import pem as stack_pem  # noqa: E402

NS = "e2e"
LEASE_NS = "peer-relay-system"
LEASE = "peer-relay-operator"
LEASE_SECONDS = 15  # manifests/03-operator.yaml keeps relay-operator's default --lease-duration-seconds

stack = Stack("operator-e2e", NS, "e2e.test")
BIN, work, env, processes = stack.bin, stack.work, stack.env, stack.processes
COORD_PORT, NODES = stack.coord_port, stack.nodes
run, kubectl, kget, start, stop = stack.run, stack.kubectl, stack.kget, stack.start, stack.stop
coord, relays, peerrelay, apply_peerrelay = stack.coord, stack.relays, stack.peerrelay, stack.apply_peerrelay


steps = Steps("operator-e2e")
log, step = steps.log, steps.run
passed, failed = steps.passed, steps.failed


def probe(endpoint, relay_certificate_b64):
    """relayctl probe between node-a and node-b through endpoint, from the host end of the cluster's link; the JSON
    report (fails when no ping returns). Retried briefly: kube-proxy installs a new Service's rules up to ~1 s after
    its endpoint is Ready."""
    return wait_until(f"relayctl probe {endpoint}", 30, lambda: stack.probe(endpoint, relay_certificate_b64), interval=1)


def ready(name, replicas):
    return stack.ready(name, replicas)


def lease_holder():
    lease = kget("lease", LEASE, "-n", LEASE_NS)
    return lease.get("spec", {}).get("holderIdentity")


def operator_pods(ready_only=False):
    return stack.operator_pods(LEASE_NS, ready_only)


def setup():
    stack.require_tools("relay-operator", "relay-server", "tailnet-coordinator", "relayctl")
    stack.cluster_up()
    stack.coordinator_up()
    key = stack.pre_auth_key("e2e")
    stack.register_node("node-a", key)
    stack.register_node("node-b", key)


def test_manifests():
    """kubectl apply -f manifests/ exactly as a user does: namespace, CRD, RBAC and the operator Deployment."""
    stack.install_manifests()
    stack.publisher_secret()


def test_rbac_enforced():
    """The operator's ServiceAccount can do what manifests/02-rbac.yaml grants and nothing else (the operator pods
    run with its token, so this is what they can do)."""
    who = f"--as=system:serviceaccount:{LEASE_NS}:peer-relay"

    def can(*args):
        return kubectl("auth", "can-i", who, *args, check=False).stdout.strip()
    assert can("patch", "peerrelays.peerrelay.dev/status", "-n", NS) == "yes"
    assert can("create", "statefulsets.apps", "-n", NS) == "yes"
    assert can("delete", "pods", "-n", NS) == "no", "the operator must not be able to delete pods"
    assert can("create", "deployments.apps", "-n", NS) == "no"
    assert can("update", "leases.coordination.k8s.io", "-n", "default") == "no", "leases only in its namespace"
    pod = next(iter(operator_pods().values()))
    assert pod["spec"]["serviceAccountName"] == "peer-relay", pod["spec"]


def test_operators_start():
    """Two operator pods (the Deployment scaled to 2): in-cluster config and the ServiceAccount token; one leads."""
    kubectl("-n", LEASE_NS, "scale", "deployment", "peer-relay", "--replicas=2")
    wait_until("two operator pods Ready", 180, lambda: len(operator_pods(ready_only=True)) == 2)
    holder = wait_until("a leader", 30, lease_holder)
    assert holder in operator_pods(), (holder, list(operator_pods()))
    log(f"operator pods {sorted(operator_pods())}; leader {holder}")
    wait_until(f"{holder}'s log to say it leads (kubectl logs)", 30,
               lambda: "leading" in kubectl("-n", LEASE_NS, "logs", holder).stdout)


def test_two_replicas_ready():
    apply_peerrelay("edge", 2)
    obj = stack.wait_ready("edge", 2, 120, "edge Ready with 2 replicas")
    addresses = [e.get("addresses", []) for e in obj["status"]["endpoints"]]
    pool = env["PEERRELAY_LB_CIDR"].rsplit(".", 1)[0] + "."
    assert all(len(a) == 1 and a[0].startswith(pool) and a[0].endswith(":40000") for a in addresses), addresses
    assert addresses[0] != addresses[1], addresses
    log(f"edge endpoints {addresses}")


def test_published():
    obj = peerrelay("edge")
    want = [e["addresses"] for e in obj["status"]["endpoints"]]
    got = wait_until("both replicas published", 30, lambda: (lambda r: r if len(r) == 2 else None)(relays("edge")))
    assert [r["endpoints"] for r in got] == want, (got, want)
    assert [r["replica"] for r in got] == [0, 1]
    assert all(r["labels"].get("uid") == obj["metadata"]["uid"] for r in got)
    assert all(e.get("published") is True for e in obj["status"]["endpoints"])


def test_probe_each_published_endpoint():
    published = relays("edge")
    assert len(published) == 2, f"expected 2 published relays to probe, the coordinator lists {published}"
    for relay in published:
        report = probe(relay["endpoints"][0], relay["certificate"])
        log(f"probe {relay['endpoints'][0]}: {json.dumps(report)[:200]}")
    logs = kubectl("logs", "-n", NS, "edge-0").stdout
    assert "relay-server started" in logs, f"kubectl logs edge-0 has no start-up line: {logs[-1000:]}"


PROMETHEUS_CONFIG = """global: {{scrape_interval: 2s, evaluation_interval: 2s}}
rule_files: [rules.yaml]
scrape_configs:
  - job_name: peer-relay
    http_sd_configs:
      - url: http://127.0.0.1:{sd_port}/targets
        refresh_interval: 2s
    relabel_configs:
      - {{source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component], regex: relay|operator, action: keep}}
      - {{source_labels: [__meta_kubernetes_pod_container_port_name], regex: admin, action: keep}}
      - {{action: labelmap, regex: __meta_kubernetes_pod_label_(.+)}}
      - {{source_labels: [__meta_kubernetes_namespace], target_label: namespace}}
      - {{source_labels: [__meta_kubernetes_pod_name], target_label: pod}}
"""


class PodDiscovery:
    """Kubernetes pod discovery for Prometheus. Debian's Prometheus 2.42 is built without kubernetes_sd_configs
    (its binary has no discovery/kubernetes), so this serves the same thing over http_sd_configs: it lists pods
    from the apiserver with a ServiceAccount token that may only get/list/watch pods, and gives every container
    port the labels kubernetes_sd_configs (role: pod) sets (__meta_kubernetes_namespace, _pod_name,
    _pod_label_<name>, _pod_container_port_name), so the relabel rules are the ones a real cluster uses."""

    def __init__(self, server, token, ca):
        import ssl
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        context = ssl.create_default_context(cafile=ca)
        discovery = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                request = urllib.request.Request(server + "/api/v1/pods")
                request.add_header("Authorization", f"Bearer {token}")
                with urllib.request.urlopen(request, timeout=5, context=context) as response:
                    pods = json.loads(response.read())["items"]
                body = json.dumps(discovery.groups(pods)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @staticmethod
    def groups(pods):
        def name(label):
            return "".join(c if c.isalnum() else "_" for c in label)
        result = []
        for pod in pods:
            ip = pod["status"].get("podIP")
            if not ip or pod["status"].get("phase") != "Running":
                continue
            labels = {"__meta_kubernetes_namespace": pod["metadata"]["namespace"],
                      "__meta_kubernetes_pod_name": pod["metadata"]["name"]}
            labels.update({f"__meta_kubernetes_pod_label_{name(k)}": v
                           for k, v in pod["metadata"].get("labels", {}).items()})
            for container in pod["spec"]["containers"]:
                for port in container.get("ports", []):
                    if port.get("protocol", "TCP") != "TCP":
                        continue
                    result.append({"targets": [f"{ip}:{port['containerPort']}"],
                                   "labels": dict(labels, __meta_kubernetes_pod_container_port_name=port.get("name", ""))})
        return result

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def prometheus_rules(path):
    """The chart's alerting rules, rendered with the Helm SDK (the PrometheusRule's spec is a rule file)."""
    import helm_python as helm
    import yaml
    with helm.Chart.load(os.path.join(ROOT, "charts", "peer-relay")) as chart:
        out = chart.render({"metrics": {"prometheusRule": {"enabled": True}}}, name="peer-relay",
                           namespace=LEASE_NS, is_install=True)
    rule = yaml.safe_load(out["peer-relay/templates/prometheusrule.yaml"])
    with open(path, "w") as f:
        yaml.safe_dump(rule["spec"], f)


def test_prometheus_scrapes_operator_and_relays():
    """Debian's Prometheus, outside the cluster, discovers the operator and relay pods through the Kubernetes API
    (a ServiceAccount allowed only to get/list/watch pods; see PodDiscovery for why over http_sd_configs), scrapes
    their /metrics and loads the chart's alerts; none fires on the healthy cluster."""
    if not shutil.which("prometheus"):
        raise AssertionError("prometheus is not installed (hack/deps installs Debian's package)")
    kubectl("create", "namespace", "monitoring")
    kubectl("-n", "monitoring", "create", "serviceaccount", "prometheus")
    kubectl("create", "clusterrole", "prometheus-pods", "--verb=get,list,watch", "--resource=pods")
    kubectl("create", "clusterrolebinding", "prometheus-pods", "--clusterrole=prometheus-pods",
            "--serviceaccount=monitoring:prometheus")
    secret = wait_until("the prometheus ServiceAccount token", 30,
                        lambda: kget("serviceaccount", "prometheus", "-n", "monitoring").get("secrets", [{}])[0]["name"])
    token = base64.b64decode(kget("secret", secret, "-n", "monitoring")["data"]["token"]).decode()
    prom = os.path.join(work, "prometheus")
    os.makedirs(prom, exist_ok=True)
    with open(os.path.join(prom, "token"), "w") as f:
        f.write(token)
    shutil.copy(os.path.join(env["PEERRELAY_CLUSTER_DIR"], "pki", "ca.crt"), os.path.join(prom, "ca.crt"))
    prometheus_rules(os.path.join(prom, "rules.yaml"))
    discovery = PodDiscovery(f"https://{stack.node_ip}:6443", token, os.path.join(prom, "ca.crt"))
    with open(os.path.join(prom, "prometheus.yml"), "w") as f:
        f.write(PROMETHEUS_CONFIG.format(sd_port=discovery.port))
    port = free_port()
    start("prometheus", ["prometheus", f"--config.file={prom}/prometheus.yml", f"--storage.tsdb.path={prom}/data",
                         f"--web.listen-address=127.0.0.1:{port}"], "prometheus.log")

    def query(q):
        url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())["data"]["result"]

    relay_pods = sorted(pods("edge"))
    operators = sorted(operator_pods())

    def scraped():
        up = {(r["metric"]["app_kubernetes_io_component"], r["metric"]["pod"]): r["value"][1]
              for r in query("up")}
        want = {("relay", p) for p in relay_pods} | {("operator", p) for p in operators}
        return up if want <= set(up) and all(up[k] == "1" for k in want) else None
    up = wait_until("Prometheus scraping every relay and operator pod (up == 1)", 60, scraped, interval=1)
    sessions = {r["metric"]["pod"] for r in query("relay_sessions")}
    assert set(relay_pods) <= sessions, f"relay_sessions missing for {set(relay_pods) - sessions}"
    assert query("relay_operator_leader == 1"), "no operator reports relay_operator_leader 1"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=5) as response:
        rules = [r["name"] for g in json.loads(response.read())["data"]["groups"] for r in g["rules"]]
    assert "PeerRelayRelayDown" in rules and len(rules) == 5, rules
    firing = query('ALERTS{alertstate="firing"}')
    assert not firing, f"alerts firing on a healthy cluster: {firing}"
    log(f"Prometheus scrapes {sorted(up)}; rules {rules}")
    stop("prometheus")
    discovery.close()


def test_kubectl_get_pr():
    out = kubectl("get", "pr", "-n", NS, "edge").stdout.splitlines()
    header, row = out[0].split(), out[1].split()
    assert header[:4] == ["NAME", "READY", "REPLICAS", "ENDPOINTS"], header
    assert row[1] == "True" and row[2] == "2", row
    want = ",".join(r["endpoints"][0] for r in relays("edge"))
    assert row[3] == want, (row, want)
    wide = kubectl("get", "pr", "-n", NS, "edge", "-o", "wide").stdout
    assert "LoadBalancer" in wide and " Ready " in wide, wide


def pods(name):
    return {p["metadata"]["name"]: p for p in kget("pods", "-n", NS, "-l", f"app.kubernetes.io/instance={name}")["items"]}


def test_static_endpoints_reach_running_relays():
    before = pods("edge")
    ips = [before[f"edge-{i}"]["status"]["podIP"] for i in range(2)]
    ids = {n: p["status"]["containerStatuses"][0].get("containerID") for n, p in before.items()}
    static = [f"{ip}:40000" for ip in ips]
    kubectl("patch", "pr", "edge", "-n", NS, "--type=merge", "-p", json.dumps({"spec": {"staticEndpoints": static}}))
    wait_until("the coordinator to list the static endpoints", 60,
               lambda: [r["endpoints"] for r in relays("edge")] == [[s] for s in static])

    def advertised(i):
        with urllib.request.urlopen(f"http://{ips[i]}:9090/debug/config", timeout=3) as response:
            return json.loads(response.read()).get("advertisedEndpoints")

    for i in range(2):
        wait_until(f"relay {i} to advertise {static[i]}", 60, lambda: advertised(i) == [static[i]])
    after = pods("edge")
    for name, pod in after.items():
        status = pod["status"]["containerStatuses"][0]
        assert status.get("containerID") == ids[name], f"{name} was restarted: {ids[name]} -> {status.get('containerID')}"
    wait_until("EndpointsReady=StaticEndpoints", 30,
               lambda: condition(peerrelay("edge"), "EndpointsReady").get("reason") == "StaticEndpoints")
    for relay in relays("edge"):
        probe(relay["endpoints"][0], relay["certificate"])


def test_scale_down_unpublishes():
    kubectl("scale", "pr", "edge", "-n", NS, "--replicas=1")
    stack.wait_ready("edge", 1, 90, "edge Ready with 1 replica")
    wait_until("replica 1 unpublished", 30, lambda: [r["replica"] for r in relays("edge")] == [0])
    wait_until("Service edge-1 removed", 30,
               lambda: kubectl("get", "service", "edge-1", "-n", NS, check=False).returncode != 0)
    assert kubectl("get", "service", "edge-0", "-n", NS, check=False).returncode == 0
    secret = kget("secret", "edge-relay", "-n", NS)
    assert sorted(secret["data"]) == ["edge-0.key", "edge-0.pem"], sorted(secret["data"])
    config = kget("configmap", "edge-config", "-n", NS)
    assert sorted(config["data"]) == ["edge-0.json"], sorted(config["data"])
    wait_until("pod edge-1 gone", 60, lambda: "edge-1" not in pods("edge"))


def test_leader_failover():
    """The leading operator pod is deleted: the other pod takes over within the lease, and the Deployment's
    replacement pod joins as the standby."""
    holder = wait_until("a leader", 20, lease_holder)
    key_before = relays("edge")[0]["publicKey"]
    secret_key_before = kget("secret", "edge-relay", "-n", NS)["data"]["edge-0.key"]
    others = [name for name in operator_pods() if name != holder]
    assert others, operator_pods()
    deleted = time.monotonic()
    kubectl("-n", LEASE_NS, "delete", "pod", holder, "--wait=false")
    new = wait_until("another leader", LEASE_SECONDS * 3,
                     lambda: (lambda h: h if h and h != holder else None)(lease_holder()), interval=0.2)
    took = time.monotonic() - deleted
    log(f"{holder} deleted; {new} leads after {took:.1f}s (lease {LEASE_SECONDS}s)")
    # The standby, or the Deployment's replacement pod if it started first: any operator pod but the deleted one.
    assert new in operator_pods(), (new, list(operator_pods()))
    assert took <= LEASE_SECONDS + 3, f"takeover took {took:.1f}s, lease is {LEASE_SECONDS}s"
    kubectl("scale", "pr", "edge", "-n", NS, "--replicas=2")
    stack.wait_ready("edge", 2, 120, "edge Ready with 2 replicas under the new leader")
    wait_until("both replicas published again", 30, lambda: len(relays("edge")) == 2)
    # The new leader starts from empty caches over the existing key Secret: it must keep replica 0's key, in the
    # Secret and as published (a new one would restart its relay), and add replica 1's beside it.
    secret = kget("secret", "edge-relay", "-n", NS)["data"]
    assert secret["edge-0.key"] == secret_key_before, "the new leader rewrote edge-0's key in Secret edge-relay"
    assert secret.get("edge-1.key") and secret["edge-1.key"] != secret_key_before, sorted(secret)
    assert relays("edge")[0]["publicKey"] == key_before, "the new leader gave edge-0 a new key"
    restarts = kget("pod", "edge-0", "-n", NS)["status"]["containerStatuses"][0]["restartCount"]
    assert restarts == 0, f"edge-0 restarted {restarts} times across the leader change"
    wait_until("the replacement operator pod Ready", 120,
               lambda: len(operator_pods(ready_only=True)) == 2 and holder not in operator_pods())


def converging(name, replicas):
    """The operator is mid-reconcile for `name`: it has written the StatefulSet, the PeerRelay is not Ready yet."""
    created = kubectl("get", "statefulset", name, "-n", NS, check=False).returncode == 0
    return created and not ready(name, replicas)


def events_regarding(name):
    return [e for e in kget("events.v1.events.k8s.io", "-n", NS)["items"] if e.get("regarding", {}).get("name") == name]


def test_apiserver_restart_mid_reconcile():
    """The restart begins while edge2's reconcile is observed in flight (children written, not yet Ready), not
    after a sleep; afterwards nothing exists twice: objects, coordinator registrations, Events."""
    apply_peerrelay("edge2", 2)
    wait_until("edge2 mid-reconcile (StatefulSet written, PeerRelay not Ready)", 30,
               lambda: converging("edge2", 2), interval=0.05)
    run(CLUSTER, "restart-apiserver", "3", timeout=120)
    stack.wait_ready("edge2", 2, 150, "edge2 Ready with 2 replicas after the apiserver restart")
    selector = "app.kubernetes.io/instance=edge2"
    sets = kget("statefulsets", "-n", NS, "-l", selector)["items"]
    services = kget("services", "-n", NS, "-l", selector)["items"]
    assert len(sets) == 1, [s["metadata"]["name"] for s in sets]
    assert sorted(s["metadata"]["name"] for s in services) == ["edge2-0", "edge2-1"], services
    registered = relays("edge2")
    assert [r["replica"] for r in registered] == [0, 1], registered
    every = [r for r in coord("GET", "/v1/relays")["relays"] if r["name"] == f"{NS}-edge2"]
    assert len(every) == 2 and len({r["id"] for r in every}) == 2, f"duplicate coordinator registrations: {every}"
    # One Event object per (reason, note): repeats are aggregated into its series, never recorded twice.
    seen = {}
    for event in events_regarding("edge2"):
        key = (event.get("reason"), event.get("note"))
        seen.setdefault(key, []).append(event["metadata"]["name"])
    duplicated = {k: v for k, v in seen.items() if len(v) > 1}
    assert not duplicated, f"Events recorded twice instead of aggregated: {duplicated}"
    # On a real node the kubelet re-reports pod status after the restart, so edge may be re-evaluated for a moment;
    # it must be Ready again (same pods, nothing recreated) without any change to it.
    stack.wait_ready("edge", 2, 60, "edge Ready again after the apiserver restart")


def test_node_exposures():
    """NodePort: the node's address (it has only an InternalIP) with the Service's node port; HostPort: the node's
    address with spec.port and no Service. Each relay carries a relayctl probe through its published node address
    (kube-proxy's NodePort rules, the CNI portmap plugin's hostPort rules)."""
    apply_peerrelay("np", 1, "  exposure: {type: NodePort, externalTrafficPolicy: Cluster}\n")
    apply_peerrelay("hp", 1, "  port: 40100\n  exposure: {type: HostPort}\n")
    obj = stack.wait_ready("np", 1, 90, "np Ready")
    node_port = kget("service", "np-0", "-n", NS)["spec"]["ports"][0]["nodePort"]
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{stack.node_ip}:{node_port}"], obj["status"]["endpoints"]
    assert condition(obj, "EndpointsReady")["reason"] == "Discovered"
    assert [r["endpoints"] for r in relays("np")] == [[f"{stack.node_ip}:{node_port}"]]
    obj = stack.wait_ready("hp", 1, 90, "hp Ready")
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{stack.node_ip}:40100"], obj["status"]["endpoints"]
    assert kget("services", "-n", NS, "-l", "app.kubernetes.io/instance=hp")["items"] == []
    template = kget("statefulset", "hp", "-n", NS)["spec"]["template"]["spec"]
    assert template["containers"][0]["ports"][0].get("hostPort") == 40100
    assert template["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    for name in ["np", "hp"]:
        published = relays(name)
        assert len(published) == 1, f"{name}: expected 1 published relay, the coordinator lists {published}"
        report = probe(published[0]["endpoints"][0], published[0]["certificate"])
        log(f"probe {name} via {published[0]['endpoints'][0]}: {len(report['rttMilliseconds'])} pings answered")
    for name in ["np", "hp"]:
        kubectl("delete", "pr", name, "-n", NS, "--wait=true", timeout=90)
    assert relays("np") == [] and relays("hp") == []


def test_publisher_secret_appears_later():
    manifest = f"""apiVersion: peerrelay.dev/v1alpha1
kind: PeerRelay
metadata: {{name: late, namespace: {NS}}}
spec:
  replicas: 1
  tailnet:
    coordinatorURL: {stack.coord_url}
    publisherTokenSecretRef: {{name: late-publisher, key: publisher}}
"""
    kubectl("apply", "-f", "-", input=manifest)
    obj = wait_until("late Published=False SecretNotFound", 60,
                     lambda: (lambda o: o if condition(o, "Published").get("reason") == "SecretNotFound" else None)(peerrelay("late")))
    assert condition(obj, "Ready")["status"] == "False" and condition(obj, "Ready")["reason"] in ("NotPublished", "EndpointsPending", "ReplicasNotReady"), obj["status"]
    assert "late-publisher" in condition(obj, "Published")["message"]
    kubectl("-n", NS, "create", "secret", "generic", "late-publisher",
            "--from-file=publisher=" + os.path.join(work, "publisher.token"))
    stack.wait_ready("late", 1, 90, "late Ready once the Secret exists")
    assert len(relays("late")) == 1
    kubectl("delete", "pr", "late", "-n", NS, "--wait=true", timeout=90)


def test_coordinator_outage():
    """Coordinator down while edge2 scales 2->3: Published=False CoordinatorUnreachable, the running relays keep
    their config; coordinator back (same data, same port): the new replica is published and Ready."""
    before = pods("edge2")
    stop("coordinator")
    kubectl("scale", "pr", "edge2", "-n", NS, "--replicas=3")
    obj = wait_until("Published=False CoordinatorUnreachable", 60,
                     lambda: (lambda o: o if condition(o, "Published").get("reason") == "CoordinatorUnreachable" else None)(peerrelay("edge2")))
    assert condition(obj, "Ready")["status"] == "False", obj["status"]
    config = kget("configmap", "edge2-config", "-n", NS)["data"]
    assert all(json.loads(config[f"edge2-{i}.json"]).get("caKeys") for i in range(2)), config
    stack.start_coordinator()
    stack.wait_ready("edge2", 3, 120, "edge2 Ready with 3 replicas after the coordinator is back")
    assert [r["replica"] for r in relays("edge2")] == [0, 1, 2]
    after = pods("edge2")
    for name in before:
        assert after[name]["metadata"]["uid"] == before[name]["metadata"]["uid"], f"{name} was replaced"


def test_revocation_ends_open_session():
    """Two nodes hold a session open through an operator-managed relay (`relayctl connect` on both); removing one
    at the coordinator ends it within 2 s: the relay follows the coordinator's revocation list by itself (the
    operator passes it the coordinator URL), the removed node is told `revoked`, its peer `unknown session`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    import base64
    config = json.loads(kget("configmap", "edge-config", "-n", NS)["data"]["edge-0.json"])
    want = peerrelay("edge")["spec"]["tailnet"]["coordinatorURL"]
    assert config.get("coordinatorURL") == want, f"the operator did not pass the coordinator URL {want}: {config}"
    key = stack.pre_auth_key("revocation")
    prefixes = [stack.register_node(name, key) for name in ("node-c", "node-d")]

    def public(prefix):
        raw = base64.b64decode(open(prefix + ".key").read().strip())
        private = X25519PrivateKey.from_private_bytes(raw)
        return base64.b64encode(private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()

    relay = relays("edge")[0]
    cert = os.path.join(work, "relay-revocation.pem")
    with open(cert, "w") as f:
        f.write(stack_pem(relay["certificate"]))
    for index, (prefix, peer) in enumerate([(prefixes[0], prefixes[1]), (prefixes[1], prefixes[0])]):
        start(f"connect-{index}", [os.path.join(BIN, "relayctl"), "connect", "--relay", relay["endpoints"][0],
                                   "--relay-cert", cert, "--identity", prefix, "--peer-key", public(peer),
                                   "--listen", f"127.0.0.1:{51300 + index}", "--wait", "60s"])
    for index in range(2):
        try:
            wait_until(f"connect-{index} connected", 90,
                       lambda: "connected:" in open(stack.logs[f"connect-{index}"]).read())
        except AssertionError as error:
            tail = open(stack.logs[f"connect-{index}"]).read()[-2000:]
            raise AssertionError(f"{error}\nconnect-{index} log:\n{tail}\n{stack.explain('edge')}") from None
    node_d = next(n for n in coord("GET", "/v1/nodes")["nodes"] if n["name"] == "node-d")
    removed = time.monotonic()
    coord("DELETE", f"/v1/nodes/{node_d['id']}")
    while time.monotonic() - removed < 2 and processes["connect-1"].poll() is None:
        time.sleep(0.02)
    elapsed = time.monotonic() - removed
    revoked_log = open(stack.logs["connect-1"]).read()
    assert processes["connect-1"].poll() == 3, f"node-d's session still open {elapsed:.2f}s after its removal: {revoked_log}"
    assert "revoked" in revoked_log, revoked_log
    log(f"node-d's session ended {elapsed:.3f}s after its removal")
    wait_until("node-c's session ended too", 2, lambda: processes["connect-0"].poll() is not None)
    peer_log = open(stack.logs["connect-0"]).read()
    assert processes["connect-0"].returncode == 3 and "unknownSession" in peer_log, peer_log
    for index in range(2):
        stop(f"connect-{index}")


def test_invalid_spec():
    apply_peerrelay("bad", 2, "  staticEndpoints: [\"203.0.113.7:40000\"]\n")
    obj = wait_until("bad Ready=False InvalidSpec", 30,
                     lambda: (lambda o: o if condition(o, "Ready").get("reason") == "InvalidSpec" else None)(peerrelay("bad")))
    message = condition(obj, "Ready")["message"]
    assert "spec.staticEndpoints has 1 entry but spec.replicas is 2" in message, message
    assert kubectl("get", "statefulset", "bad", "-n", NS, check=False).returncode != 0, "children created for an invalid spec"
    events = kget("events.v1.events.k8s.io", "-n", NS)["items"]
    assert any(e.get("reason") == "InvalidSpec" and e.get("type") == "Warning" and e.get("regarding", {}).get("name") == "bad"
               for e in events), "no Warning InvalidSpec event"
    kubectl("delete", "pr", "bad", "-n", NS, "--wait=true", timeout=60)


def test_delete_removes_everything():
    kubectl("delete", "pr", "edge", "-n", NS, "--wait=true", timeout=90)
    wait_until("edge unpublished", 30, lambda: relays("edge") == [])
    for kind in ["statefulsets", "services", "secrets", "configmaps"]:
        wait_until(f"{kind} of edge garbage-collected", 60,
                   lambda: kget(kind, "-n", NS, "-l", "app.kubernetes.io/instance=edge")["items"] == [])
    assert relays("edge2"), "deleting edge unpublished edge2"


def test_graceful_shutdown():
    """Deployment scaled to 0: the kubelet sends SIGTERM; the operator pods go away and the lease is released.
    (How long they take is logged: 5-15 s before the operator's typed-model rewrite, ~60 s with it on this loaded
    machine - see the report; the kubelet's grace period is 30 s.)"""
    started = time.monotonic()
    kubectl("-n", LEASE_NS, "scale", "deployment", "peer-relay", "--replicas=0")

    def gone():
        return not kget("pods", "-n", LEASE_NS, "-l", "app.kubernetes.io/component=operator")["items"]
    try:
        wait_until("operator pods gone", 120, gone)
    except AssertionError as error:
        left = kget("pods", "-n", LEASE_NS, "-l", "app.kubernetes.io/component=operator")["items"]
        states = [(p["metadata"]["name"], [c.get("state") for c in p["status"].get("containerStatuses", [])])
                  for p in left]
        raise AssertionError(f"{error}; still there: {states}") from None
    log(f"operator pods gone {time.monotonic() - started:.1f}s after the scale to 0")
    holder = lease_holder()
    assert not holder, f"lease still held by {holder!r} after both operators stopped"


def main():
    try:
        step("setup: real-node cluster, project image, coordinator, node identities", setup)
        if failed:
            return
        step("kubectl apply -f manifests/ (namespace, CRD, RBAC, operator Deployment)", test_manifests)
        step("the operator ServiceAccount's RBAC is enforced", test_rbac_enforced)
        step("two operator pods (in-cluster config) with leader election", test_operators_start)
        step("PeerRelay with 2 replicas becomes Ready with LoadBalancer endpoints", test_two_replicas_ready)
        step("both replicas published to the coordinator", test_published)
        step("relayctl probe through each published endpoint", test_probe_each_published_endpoint)
        step("Prometheus (Debian) scrapes the operator and every relay via Kubernetes service discovery; the "
             "chart's alerts load and none fires", test_prometheus_scrapes_operator_and_relays)
        step("kubectl get pr shows Ready and the endpoints", test_kubectl_get_pr)
        step("staticEndpoints change reaches running relays without restart", test_static_endpoints_reach_running_relays)
        step("scale 2->1 unpublishes replica 1, removes its Service and keys", test_scale_down_unpublishes)
        step("leader pod deleted: the other operator pod takes over within the lease", test_leader_failover)
        step("apiserver restart while a reconcile is observed in flight: converges; no duplicate objects, "
             "registrations or Events", test_apiserver_restart_mid_reconcile)
        step("NodePort and HostPort exposure: node address endpoints, published, relayctl probe through each",
             test_node_exposures)
        step("publisher Secret created later: SecretNotFound, then Ready", test_publisher_secret_appears_later)
        step("revocation at the coordinator ends an open session on an operator-managed relay within 2 s",
             test_revocation_ends_open_session)
        step("coordinator outage: CoordinatorUnreachable, then recovers", test_coordinator_outage)
        step("invalid spec: Ready=False InvalidSpec with a Warning Event", test_invalid_spec)
        step("delete removes every child and unpublishes", test_delete_removes_everything)
        step("scale to 0: operator pods stop on SIGTERM and release the lease", test_graceful_shutdown)
    finally:
        stack.down(timeout=10)
        if failed:
            log(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"operator-e2e: {len(passed)} passed, {len(failed)} failed", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
    sys.exit(1 if failed else 0)
