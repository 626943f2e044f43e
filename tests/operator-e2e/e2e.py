"""relay-operator end to end on the real node (see run): the operator runs as pods of the Deployment in
manifests/ (image built from the Containerfile, in-cluster config, its ServiceAccount token, the manifests' RBAC
enforced), relays run as pods started by the kubelet, LoadBalancer/NodePort/HostPort traffic goes through
kube-proxy and the CNI portmap plugin. The tailnet-coordinator runs on the host, outside the cluster (it serves
plain HTTP on loopback only, so a TCP forwarder on the host end of the cluster's link lets the operator pod reach
it). Steps run in order and share one cluster; a failed step is counted and the run goes on where that makes sense."""

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
import traceback
import urllib.request

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.path.join(ROOT, ".build", "debug")
CLUSTER = os.path.join(ROOT, "hack", "cluster")
NS = "e2e"
LEASE_NS = "peer-relay-system"
LEASE = "peer-relay-operator"
LEASE_SECONDS = 15  # manifests/03-operator.yaml keeps relay-operator's default --lease-duration-seconds

passed, failed, skipped = [], [], []
work = tempfile.mkdtemp(prefix="operator-e2e-")
env = dict(os.environ, PEERRELAY_CLUSTER_DIR=os.path.join(work, "cluster"))
processes = {}


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


def run(*args, check=True, timeout=60, input=None):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip() or result.stdout.strip()}")
    return result


def kubectl(*args, **kw):
    return run("kubectl", *args, **kw)


def kget(*args):
    return json.loads(kubectl("get", *args, "-o", "json").stdout)


def wait_until(what, timeout, fn, interval=0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except (AssertionError, subprocess.SubprocessError, OSError, ValueError, KeyError) as error:
            last = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, args, log_name):
    out = open(os.path.join(work, log_name), "w")
    proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    processes[name] = proc
    return proc


def stop(name, sig=signal.SIGTERM, timeout=15):
    proc = processes.pop(name, None)
    if proc is None or proc.poll() is not None:
        return proc.returncode if proc else None
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


# --- coordinator -------------------------------------------------------------------------------

COORD_PORT = free_port()
COORD_LOCAL = f"http://127.0.0.1:{COORD_PORT}"
COORD = None  # http://<host end of the cluster link>:<port>, what the operator pods use (set in setup)


def coord(method, path, body=None, token_file="admin.token"):
    token = open(os.path.join(work, token_file)).read().strip()
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(COORD_LOCAL + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def relays(name):
    return sorted(
        (r for r in coord("GET", "/v1/relays")["relays"] if r["name"] == f"{NS}-{name}"), key=lambda r: r["replica"])


def pem(certificate_b64):
    lines = [certificate_b64[i:i + 64] for i in range(0, len(certificate_b64), 64)]
    return "-----BEGIN PEERRELAY CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END PEERRELAY CERTIFICATE-----\n"


def register_node(name, key):
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    request = urllib.request.Request(
        COORD_LOCAL + "/v1/register", method="POST",
        data=json.dumps({"preAuthKey": key, "publicKey": base64.b64encode(public).decode(), "name": name}).encode())
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    prefix = os.path.join(work, name)
    with open(prefix + ".key", "w") as f:
        f.write(base64.b64encode(raw).decode() + "\n")
    with open(prefix + ".crt", "w") as f:
        f.write(pem(answer["certificate"]))
    os.chmod(prefix + ".key", 0o600)
    return prefix


def probe(endpoint, relay_certificate_b64):
    cert = os.path.join(work, "relay.pem")
    with open(cert, "w") as f:
        f.write(pem(relay_certificate_b64))
    result = run(
        os.path.join(BIN, "relayctl"), "probe", "--relay", endpoint, "--relay-cert", cert,
        "--identity", NODES[0], "--identity", NODES[1], "--count", "3", "--json",
        "--local-host", env["PEERRELAY_HOST_IP"], check=False, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"relayctl probe {endpoint} failed: {result.stdout.strip()} {result.stderr.strip()}")
    return result.stdout


def probe_retrying(endpoint, relay_certificate_b64, timeout=30):
    """kube-proxy installs a new Service's rules up to ~1 s after its endpoint is Ready, so retry briefly."""
    return wait_until(f"relayctl probe {endpoint}", timeout, lambda: probe(endpoint, relay_certificate_b64), interval=1)


# --- cluster helpers ---------------------------------------------------------------------------

def peerrelay(name):
    return kget("peerrelay", name, "-n", NS)


def condition(obj, kind):
    for c in obj.get("status", {}).get("conditions", []):
        if c["type"] == kind:
            return c
    return {}


def ready(name, replicas):
    obj = peerrelay(name)
    status = obj.get("status", {})
    return (
        condition(obj, "Ready").get("status") == "True"
        and status.get("observedGeneration") == obj["metadata"]["generation"]
        and status.get("readyReplicas") == replicas
        and len(status.get("endpoints", [])) == replicas
        and obj)


def apply_peerrelay(name, replicas, extra=""):
    manifest = f"""apiVersion: peerrelay.dev/v1alpha1
kind: PeerRelay
metadata: {{name: {name}, namespace: {NS}}}
spec:
  replicas: {replicas}
  tailnet:
    coordinatorURL: {COORD}
    publisherTokenSecretRef: {{name: tailnet-publisher}}
{extra}"""
    kubectl("apply", "-f", "-", input=manifest)


def lease_holder():
    lease = kget("lease", LEASE, "-n", LEASE_NS)
    return lease.get("spec", {}).get("holderIdentity")


def operator_pods():
    return {p["metadata"]["name"]: p for p in kget("pods", "-n", LEASE_NS, "-l", "app.kubernetes.io/component=operator")["items"]
            if not p["metadata"].get("deletionTimestamp")}


def operator_ready_pods():
    return [name for name, p in operator_pods().items()
            if any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))]


NODES = []
NODE_IP = None


def setup():
    global COORD, NODE_IP
    for tool in ["relay-operator", "relay-server", "tailnet-coordinator", "relayctl"]:
        if not os.access(os.path.join(BIN, tool), os.X_OK):
            raise AssertionError(f"{BIN}/{tool} is missing: run `swift build` first")
    run(CLUSTER, "up", timeout=300)
    for line in run(CLUSTER, "env").stdout.split():
        if "=" in line and line != "export":
            key, value = line.split("=", 1)
            env[key] = value
    NODE_IP = env["PEERRELAY_NODE_IP"]
    run(CLUSTER, "load-images", timeout=600)
    data = os.path.join(work, "coordinator")
    run(os.path.join(BIN, "tailnet-coordinator"), "init", "--data-dir", data, "--tailnet-id", "e2e.test",
        "--admin-token-file", os.path.join(work, "admin.token"))
    run(os.path.join(BIN, "tailnet-coordinator"), "token", "--data-dir", data, "--kind", "relay-publisher",
        "--output", os.path.join(work, "publisher.token"))
    start("coordinator", [os.path.join(BIN, "tailnet-coordinator"), "serve", "--data-dir", data, "--port", str(COORD_PORT)],
          "coordinator.log")
    host_ip = env["PEERRELAY_HOST_IP"]
    start("forwarder", ["socat", f"TCP-LISTEN:{COORD_PORT},bind={host_ip},fork,reuseaddr", f"TCP:127.0.0.1:{COORD_PORT}"],
          "forwarder.log")
    COORD = f"http://{host_ip}:{COORD_PORT}"
    wait_until("the coordinator", 20, lambda: urllib.request.urlopen(COORD + "/healthz", timeout=2).status == 200)
    key = coord("POST", "/v1/keys", {"reusable": True, "expiresInSeconds": 3600, "description": "e2e"})["key"]
    NODES.extend([register_node("node-a", key), register_node("node-b", key)])


def test_manifests():
    """kubectl apply -f manifests/ exactly as a user does: namespace, CRD, RBAC and the operator Deployment."""
    out = kubectl("apply", "-f", os.path.join(ROOT, "manifests")).stdout
    assert "customresourcedefinition.apiextensions.k8s.io/peerrelays.peerrelay.dev" in out, out
    assert "deployment.apps/peer-relay" in out, out
    wait_until("the CRD to be established", 30, lambda: kubectl("get", "crd", "peerrelays.peerrelay.dev", "-o",
               "jsonpath={.status.conditions[?(@.type=='Established')].status}").stdout == "True")
    kubectl("create", "namespace", NS)
    kubectl("-n", NS, "create", "secret", "generic", "tailnet-publisher",
            "--from-file=token=" + os.path.join(work, "publisher.token"))


def test_rbac_enforced():
    """The operator's ServiceAccount can do what manifests/02-rbac.yaml grants and nothing else."""
    who = "--as=system:serviceaccount:peer-relay-system:peer-relay"
    def can(*args):
        return kubectl("auth", "can-i", who, *args, check=False).stdout.strip()
    assert can("patch", "peerrelays.peerrelay.dev/status", "-n", NS) == "yes"
    assert can("create", "statefulsets.apps", "-n", NS) == "yes"
    assert can("delete", "pods", "-n", NS) == "no", "the operator must not be able to delete pods"
    assert can("create", "deployments.apps", "-n", NS) == "no"
    assert can("update", "leases.coordination.k8s.io", "-n", "default") == "no", "leases only in its namespace"


def test_operators_start():
    """Two operator pods (the Deployment scaled to 2): in-cluster config and the ServiceAccount token; one leads."""
    kubectl("-n", LEASE_NS, "scale", "deployment", "peer-relay", "--replicas=2")
    wait_until("two operator pods Ready", 180, lambda: len(operator_ready_pods()) == 2)
    holder = wait_until("a leader", 30, lease_holder)
    assert holder in operator_pods(), (holder, list(operator_pods()))
    log(f"operator pods {sorted(operator_pods())}; leader {holder}")
    logs = kubectl("-n", LEASE_NS, "logs", holder).stdout
    assert "leading" in logs, logs[-2000:]


def test_two_replicas_ready():
    apply_peerrelay("edge", 2)
    obj = wait_until("edge Ready with 2 replicas", 120, lambda: ready("edge", 2))
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
    for relay in relays("edge"):
        out = probe_retrying(relay["endpoints"][0], relay["certificate"])
        log(f"probe {relay['endpoints'][0]}: {out.strip()[:200]}")
    pod = kget("pods", "-n", NS, "-l", "app.kubernetes.io/instance=edge")["items"][0]["metadata"]["name"]
    logs = kubectl("logs", "-n", NS, pod).stdout
    assert "relay-server started" in logs, logs[-1000:]


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
    """The leading operator pod is deleted: the other pod takes over within the lease, and the Deployment's
    replacement pod joins as the standby."""
    holder = wait_until("a leader", 20, lease_holder)
    others = [name for name in operator_pods() if name != holder]
    assert others, operator_pods()
    deleted = time.monotonic()
    kubectl("-n", LEASE_NS, "delete", "pod", holder, "--wait=false")
    new = wait_until("another leader", LEASE_SECONDS * 3,
                     lambda: (lambda h: h if h and h != holder else None)(lease_holder()), interval=0.2)
    took = time.monotonic() - deleted
    log(f"{holder} deleted; {new} leads after {took:.1f}s (lease {LEASE_SECONDS}s)")
    assert new in others, (new, others)
    assert took <= LEASE_SECONDS + 3, f"takeover took {took:.1f}s, lease is {LEASE_SECONDS}s"
    kubectl("scale", "pr", "edge", "-n", NS, "--replicas=2")
    wait_until("edge Ready with 2 replicas under the new leader", 120, lambda: ready("edge", 2))
    wait_until("both replicas published again", 30, lambda: len(relays("edge")) == 2)
    wait_until("the replacement operator pod Ready", 120,
               lambda: len(operator_ready_pods()) == 2 and holder not in operator_pods())


def test_apiserver_restart_mid_reconcile():
    apply_peerrelay("edge2", 2)
    time.sleep(0.5)
    run(CLUSTER, "restart-apiserver", "3", timeout=120)
    wait_until("edge2 Ready with 2 replicas after the apiserver restart", 150, lambda: ready("edge2", 2))
    selector = "app.kubernetes.io/instance=edge2"
    sets = kget("statefulsets", "-n", NS, "-l", selector)["items"]
    services = kget("services", "-n", NS, "-l", selector)["items"]
    assert len(sets) == 1, [s["metadata"]["name"] for s in sets]
    assert sorted(s["metadata"]["name"] for s in services) == ["edge2-0", "edge2-1"], services
    registered = relays("edge2")
    assert [r["replica"] for r in registered] == [0, 1], registered
    assert ready("edge", 2), "edge lost readiness across the apiserver restart"


def test_node_exposures():
    """NodePort: the node's address (it has only an InternalIP) with the Service's node port; HostPort: the node's
    address with spec.port and no Service. Both carry a relayctl probe through kube-proxy / the portmap plugin."""
    apply_peerrelay("np", 1, "  exposure: {type: NodePort, externalTrafficPolicy: Cluster}\n")
    apply_peerrelay("hp", 1, "  port: 40100\n  exposure: {type: HostPort}\n")
    obj = wait_until("np Ready", 120, lambda: ready("np", 1))
    node_port = kget("service", "np-0", "-n", NS)["spec"]["ports"][0]["nodePort"]
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{NODE_IP}:{node_port}"], obj["status"]["endpoints"]
    assert condition(obj, "EndpointsReady")["reason"] == "Discovered"
    published = relays("np")
    assert [r["endpoints"] for r in published] == [[f"{NODE_IP}:{node_port}"]]
    probe_retrying(f"{NODE_IP}:{node_port}", published[0]["certificate"])
    obj = wait_until("hp Ready", 120, lambda: ready("hp", 1))
    assert obj["status"]["endpoints"][0]["addresses"] == [f"{NODE_IP}:40100"], obj["status"]["endpoints"]
    assert kget("services", "-n", NS, "-l", "app.kubernetes.io/instance=hp")["items"] == []
    template = kget("statefulset", "hp", "-n", NS)["spec"]["template"]["spec"]
    assert template["containers"][0]["ports"][0].get("hostPort") == 40100
    assert template["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    published = wait_until("hp published", 30, lambda: relays("hp"))
    probe_retrying(f"{NODE_IP}:40100", published[0]["certificate"])
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
    """Deployment scaled to 0: the kubelet sends SIGTERM, the operators exit cleanly (no SIGKILL after the grace
    period) and release the lease."""
    started = time.monotonic()
    kubectl("-n", LEASE_NS, "scale", "deployment", "peer-relay", "--replicas=0")
    wait_until("operator pods gone", 60, lambda: not kget("pods", "-n", LEASE_NS, "-l",
                                                          "app.kubernetes.io/component=operator")["items"])
    took = time.monotonic() - started
    assert took < 25, f"the operators took {took:.1f}s to stop (grace period 30 s: they ignored SIGTERM?)"
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
        step("kubectl get pr shows Ready and the endpoints", test_kubectl_get_pr)
        step("staticEndpoints change reaches running relays without restart", test_static_endpoints_reach_running_relays)
        step("scale 2->1 unpublishes replica 1, removes its Service and keys", test_scale_down_unpublishes)
        step("leader pod deleted: the other operator pod takes over within the lease", test_leader_failover)
        step("apiserver restart mid-reconcile: converges without duplicates", test_apiserver_restart_mid_reconcile)
        step("NodePort and HostPort exposure: node address endpoints, published, probed", test_node_exposures)
        step("publisher Secret created later: SecretNotFound, then Ready", test_publisher_secret_appears_later)
        step("coordinator outage: CoordinatorUnreachable, then recovers", test_coordinator_outage)
        step("invalid spec: Ready=False InvalidSpec with a Warning Event", test_invalid_spec)
        step("delete removes every child and unpublishes", test_delete_removes_everything)
        step("scale to 0: operator pods stop on SIGTERM and release the lease", test_graceful_shutdown)
    finally:
        for name in list(processes):
            stop(name, timeout=10)
        run(CLUSTER, "down", check=False, timeout=120)
        if failed:
            log(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"operator-e2e: {len(passed)} passed, {len(failed)} failed", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
    sys.exit(1 if failed else 0)
