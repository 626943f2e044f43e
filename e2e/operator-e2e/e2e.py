"""relay-operator end to end (see run). Steps run in order and share one cluster, coordinator and pair of
operator processes; a failed step is counted and the run goes on where that makes sense. The recipe itself
(cluster, coordinator, manifests, operator, PeerRelay objects, probes) is hack/lib/peerrelay.py's Stack, which
hack/demo runs too."""

import json
import os
import shutil
import signal
import sys
import time
import traceback
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import CLUSTER, Stack, condition, wait_until  # noqa: E402
from peerrelay import pem as stack_pem  # noqa: E402

NS = "e2e"
LEASE_NS = "peer-relay-system"
LEASE = "peer-relay-operator"
LEASE_SECONDS = 6
NODE_EXTERNAL_IP = "127.0.3.1"

stack = Stack("operator-e2e", NS, "e2e.test")
BIN, work, env, processes = stack.bin, stack.work, stack.env, stack.processes
COORD, COORD_PORT, NODES = stack.coord_url, stack.coord_port, stack.nodes
run, kubectl, kget, start, stop = stack.run, stack.kubectl, stack.kget, stack.start, stack.stop
coord, relays, peerrelay, apply_peerrelay = stack.coord, stack.relays, stack.peerrelay, stack.apply_peerrelay
OPERATOR_PORTS = {}
OPERATOR_KUBECONFIG = []
passed, failed = [], []


def log(message):
    print(f"[operator-e2e {time.strftime('%H:%M:%S')}] {message}", flush=True)


def step(name, fn):
    start = time.monotonic()
    try:
        fn()
        passed.append(name)
        log(f"PASS {name} ({time.monotonic() - start:.1f}s)")
    except Exception as error:  # noqa: BLE001 - every failure is reported and counted
        failed.append(name)
        log(f"FAIL {name} ({time.monotonic() - start:.1f}s): {error}")
        traceback.print_exc(limit=3)


def probe(endpoint, relay_certificate_b64):
    """relayctl probe between node-a and node-b through endpoint; the JSON report (fails when no ping returns)."""
    return stack.probe(endpoint, relay_certificate_b64)


def ready(name, replicas):
    return stack.ready(name, replicas)


def lease_holder():
    lease = kget("lease", LEASE, "-n", LEASE_NS)
    return lease.get("spec", {}).get("holderIdentity")


def start_operator(name):
    port = stack.start_operator(
        name, OPERATOR_KUBECONFIG[0], "--log-format", "json", "--leader-elect", "--leader-election-namespace",
        LEASE_NS, "--leader-election-lease", LEASE, "--lease-duration-seconds", str(LEASE_SECONDS))
    return processes[name], port


def setup():
    stack.require_tools("relay-operator", "relay-server", "tailnet-coordinator", "relayctl")
    stack.cluster_up(timeout=180)
    stack.node_up(NODE_EXTERNAL_IP)
    stack.coordinator_up()
    key = stack.pre_auth_key("e2e")
    stack.register_node("node-a", key)
    stack.register_node("node-b", key)


def test_manifests():
    stack.install_manifests()
    OPERATOR_KUBECONFIG.append(stack.service_account_kubeconfig())
    stack.publisher_secret()


def test_operators_start():
    for name in ["operator-a", "operator-b"]:
        _, port = start_operator(name)
        OPERATOR_PORTS[name] = port
    holder = wait_until("a leader", 30, lease_holder)
    assert holder, "no lease holder"
    for name, port in OPERATOR_PORTS.items():
        wait_until(f"{name} /readyz", 30, lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).status == 200)


def test_two_replicas_ready():
    apply_peerrelay("edge", 2)
    obj = wait_until("edge Ready with 2 replicas", 120, lambda: ready("edge", 2))
    addresses = [e.get("addresses", []) for e in obj["status"]["endpoints"]]
    assert all(len(a) == 1 and a[0].startswith("127.0.2.") and a[0].endswith(":40000") for a in addresses), addresses
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
    wait_until("edge Ready with 1 replica", 90, lambda: ready("edge", 1))
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
    holder = wait_until("a leader", 20, lease_holder)
    leader = next(name for name, proc in processes.items() if name.startswith("operator") and str(proc.pid) in holder)
    other = "operator-b" if leader == "operator-a" else "operator-a"
    killed = time.monotonic()
    stop(leader, sig=signal.SIGKILL)
    new = wait_until("another leader", LEASE_SECONDS * 3, lambda: (lambda h: h if h and h != holder else None)(lease_holder()),
                     interval=0.2)
    took = time.monotonic() - killed
    log(f"{leader} ({holder}) killed; {other} ({new}) leads after {took:.1f}s (lease {LEASE_SECONDS}s)")
    assert str(processes[other].pid) in new, (new, processes[other].pid)
    assert took <= LEASE_SECONDS + 3, f"takeover took {took:.1f}s, lease is {LEASE_SECONDS}s"
    kubectl("scale", "pr", "edge", "-n", NS, "--replicas=2")
    wait_until("edge Ready with 2 replicas under the new leader", 120, lambda: ready("edge", 2))
    wait_until("both replicas published again", 30, lambda: len(relays("edge")) == 2)
    _, port = start_operator(leader)  # back to two operators (standby)
    OPERATOR_PORTS[leader] = port


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
    wait_until("edge2 Ready with 2 replicas after the apiserver restart", 150, lambda: ready("edge2", 2))
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
    assert ready("edge", 2), "edge lost readiness across the apiserver restart"


def test_node_exposures():
    """NodePort: the node's ExternalIP with the Service's allocated node port; HostPort: the node's address with
    spec.port and no Service. Each relay carries a relayctl probe through its published node address."""
    apply_peerrelay("np", 1, "  exposure: {type: NodePort, externalTrafficPolicy: Cluster}\n")
    apply_peerrelay("hp", 1, "  port: 40100\n  exposure: {type: HostPort}\n")
    obj = wait_until("np Ready", 90, lambda: ready("np", 1))
    node_port = kget("service", "np-0", "-n", NS)["spec"]["ports"][0]["nodePort"]
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{NODE_EXTERNAL_IP}:{node_port}"], obj["status"]["endpoints"]
    assert condition(obj, "EndpointsReady")["reason"] == "Discovered"
    assert [r["endpoints"] for r in relays("np")] == [[f"{NODE_EXTERNAL_IP}:{node_port}"]]
    obj = wait_until("hp Ready", 90, lambda: ready("hp", 1))
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{NODE_EXTERNAL_IP}:40100"], obj["status"]["endpoints"]
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
    coordinatorURL: {COORD}
    publisherTokenSecretRef: {{name: late-publisher, key: publisher}}
"""
    kubectl("apply", "-f", "-", input=manifest)
    obj = wait_until("late Published=False SecretNotFound", 60,
                     lambda: (lambda o: o if condition(o, "Published").get("reason") == "SecretNotFound" else None)(peerrelay("late")))
    assert condition(obj, "Ready")["status"] == "False" and condition(obj, "Ready")["reason"] in ("NotPublished", "EndpointsPending", "ReplicasNotReady"), obj["status"]
    assert "late-publisher" in condition(obj, "Published")["message"]
    kubectl("-n", NS, "create", "secret", "generic", "late-publisher",
            "--from-file=publisher=" + os.path.join(work, "publisher.token"))
    wait_until("late Ready once the Secret exists", 90, lambda: ready("late", 1))
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
    start("coordinator", [os.path.join(BIN, "tailnet-coordinator"), "serve", "--data-dir", os.path.join(work, "coordinator"),
                          "--port", str(COORD_PORT)], "coordinator-2.log")
    wait_until("edge2 Ready with 3 replicas after the coordinator is back", 120, lambda: ready("edge2", 3))
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
    assert config.get("coordinatorURL") == COORD, f"the operator did not pass the coordinator URL: {config}"
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
        wait_until(f"connect-{index} connected", 90,
                   lambda: "connected:" in open(stack.logs[f"connect-{index}"]).read())
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
    for name in [n for n in list(processes) if n.startswith("operator")]:
        code = stop(name, timeout=30)
        assert code == 0, f"{name} exited {code} after SIGTERM"
    holder = lease_holder()
    assert not holder, f"lease still held by {holder!r} after both operators stopped"


def main():
    try:
        step("setup: cluster, node shim, coordinator, node identities", setup)
        if failed:
            return
        step("kubectl apply manifests (CRD, RBAC); operators use the chart ServiceAccount", test_manifests)
        step("two operator processes with leader election", test_operators_start)
        step("PeerRelay with 2 replicas becomes Ready with LoadBalancer endpoints", test_two_replicas_ready)
        step("both replicas published to the coordinator", test_published)
        step("relayctl probe through each published endpoint", test_probe_each_published_endpoint)
        step("kubectl get pr shows Ready and the endpoints", test_kubectl_get_pr)
        step("staticEndpoints change reaches running relays without restart", test_static_endpoints_reach_running_relays)
        step("scale 2->1 unpublishes replica 1, removes its Service and keys", test_scale_down_unpublishes)
        step("leader killed: the other operator takes over within the lease", test_leader_failover)
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
        step("SIGTERM: operators exit 0 and release the lease", test_graceful_shutdown)
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
