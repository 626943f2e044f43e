"""The fallback relay end to end (see run): built binaries only, loopback only. A tailnet-coordinator (`serve`, the
embedded fallback relay on its port) and a standalone regional relay (`tailnet-coordinator fallback`) that takes the
tailnet's CA keys and revocations from the coordinator (RemoteTrustUpdater). Node identities come from the
coordinator's registration API (hack/lib/peerrelay.py's Stack). Steps run in order; a failed step is counted and the
run goes on. Every wait is bounded and every process started is stopped."""

import json
import os
import re
import shutil
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import Stack, Steps, free_port, skip, wait_until  # noqa: E402

stack = Stack("fallback-e2e", "fallback", "fallback.e2e")
RTT_LINE = re.compile(r"^seq=(\d+) rtt=([0-9.]+) ms$", re.M)


steps = Steps("fallback-e2e")
log, step = steps.log, steps.run
passed, failed = steps.passed, steps.failed


def probe(url, a, b, *extra, check=True, count=5):
    """`relayctl fallback probe` between identities a and b through url; its result (stdout has the RTT lines). Each
    echo may take up to 10 s: the machine running the suite may be loaded; no RTT is asserted, only that it came."""
    result = stack.run(stack.tool("relayctl"), "fallback", "probe", "--url", url, "--identity", a, "--identity", b,
                       "--count", str(count), "--timeout", "10s", *extra, check=False, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"relayctl fallback probe {url} exited {result.returncode}: "
                             f"{result.stdout.strip()[-1500:]} {result.stderr.strip()[-1500:]}")
    return result


def rtts(output):
    return [float(ms) for _, ms in RTT_LINE.findall(output)]


def get(url, token=None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def metric(text, name):
    """The value of the sample `name` (with its labels, as exposed) in Prometheus text; 0 when absent."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


try:
    import cryptography  # noqa: F401 - the Stack's node identities need it (hack/deps installs it)
except ImportError:
    skip("e2e/fallback", "python3 module `cryptography` is missing (run hack/deps)")
stack.require_tools("tailnet-coordinator", "relayctl")

REGIONAL_PORT = free_port()
REGIONAL = f"http://127.0.0.1:{REGIONAL_PORT}"
EMBEDDED_URL = stack.coord_url + "/fallback"
REGIONAL_URL = REGIONAL + "/fallback"
state = {}


def coordinator_and_nodes():
    stack.coordinator_up()
    key = stack.pre_auth_key("e2e/fallback")
    state["a"] = stack.register_node("fb-a", key)
    state["b"] = stack.register_node("fb-b", key)
    state["c"] = stack.register_node("fb-c", key)
    state["token"] = open(stack.path("publisher.token")).read().strip()
    nodes = {n["name"]: n for n in stack.coord("GET", "/v1/nodes")["nodes"]}
    assert {"fb-a", "fb-b", "fb-c"} <= set(nodes), nodes
    state["nodes"] = nodes


def regional_relay_up():
    stack.start("fallback-eu", [
        stack.tool("tailnet-coordinator"), "fallback", "--coordinator", stack.coord_url,
        "--token-file", stack.path("publisher.token"), "--cache", stack.path("revocations-eu.json"),
        "--refresh", "1", "--host", "127.0.0.1", "--port", str(REGIONAL_PORT), "--fallback-region", "eu"])
    health = stack.wait_until("the regional relay's /healthz", 30,
                              lambda: json.loads(get(REGIONAL + "/healthz")), watch=["fallback-eu"])
    assert health.get("region") == "eu", health
    assert os.path.exists(stack.path("revocations-eu.json")), "the relay did not cache the coordinator's list"


def probe_embedded():
    result = probe(EMBEDDED_URL, state["a"], state["b"])
    print(result.stdout, end="", flush=True)
    times = rtts(result.stdout)
    assert len(times) == 5 and "5/5 answered" in result.stdout, result.stdout
    log(f"embedded relay {EMBEDDED_URL}: RTTs {times} ms")


def probe_regional():
    result = probe(REGIONAL_URL, state["a"], state["b"])
    print(result.stdout, end="", flush=True)
    times = rtts(result.stdout)
    assert len(times) == 5 and "5/5 answered" in result.stdout, result.stdout
    log(f"regional relay {REGIONAL_URL}: RTTs {times} ms")
    report = json.loads(probe(REGIONAL_URL.replace("http://", "ws://"), state["a"], state["b"], "--websocket",
                              "--json").stdout)
    assert report.get("failure") is None and len(report["rttMilliseconds"]) == 5, report
    assert report["transport"] == "websocket", report
    log(f"regional relay over WebSocket: RTTs {report['rttMilliseconds']} ms")
    metrics = get(REGIONAL + "/metrics")
    assert metric(metrics, 'fallback_admissions_total{result="accepted"}') >= 4, metrics
    assert metric(metrics, 'fallback_packets_total{direction="in"}') >= 20, metrics


def removed_node_is_disconnected_and_refused():
    # fb-a and fb-b keep exchanging through the regional relay while fb-a is removed at the coordinator.
    proc = stack.start("long-probe", [
        stack.tool("relayctl"), "fallback", "probe", "--url", REGIONAL_URL, "--identity", state["a"],
        "--identity", state["b"], "--count", "100000", "--timeout", "2s"])
    listed = stack.wait_until(
        "fb-a and fb-b on the regional relay's /debug/fallback", 30,
        lambda: {"fb-a", "fb-b"} <= {n["name"] for n in json.loads(get(REGIONAL + "/debug/fallback",
                                                                        state["token"]))["nodes"]},
        watch=["long-probe"])
    assert listed
    removed = stack.coord("DELETE", f"/v1/nodes/{state['nodes']['fb-a']['id']}")
    assert state["nodes"]["fb-a"]["certificateSerial"] in removed["revokedSerials"], removed
    removed_at = time.monotonic()
    wait_until("the long probe to end after fb-a's removal", 30, lambda: proc.poll() is not None)
    status = stack.stop("long-probe")
    output = open(stack.logs["long-probe"]).read()
    assert status == 1, f"the probe exited {status}, want 1 (disconnected): {output[-800:]}"
    assert "closed the connection (revoked)" in output, output[-800:]
    answered = len(RTT_LINE.findall(output))
    assert answered > 0, "no packet went through before the removal"
    log(f"fb-a disconnected by the regional relay {time.monotonic() - removed_at:.1f}s after its removal "
        f"({answered} round trips before)")
    debug = json.loads(get(REGIONAL + "/debug/fallback", state["token"]))
    assert "fb-a" not in {n["name"] for n in debug["nodes"]}, debug
    metrics = get(REGIONAL + "/metrics")
    assert metric(metrics, 'fallback_disconnects_total{reason="revoked"}') == 1, metrics
    # A new connection with the removed node's certificate is refused, saying why.
    for url in (REGIONAL_URL, EMBEDDED_URL):
        result = probe(url, state["a"], state["b"], "--json", check=False)
        assert result.returncode == 1, f"{url}: the removed node's probe exited {result.returncode}"
        report = json.loads(result.stdout)
        assert report["refusal"] == "revoked", f"{url}: {report}"
    metrics = get(REGIONAL + "/metrics")
    assert metric(metrics, 'fallback_admissions_total{result="revoked"}') == 1, metrics
    # The other nodes are not affected.
    result = probe(REGIONAL_URL, state["b"], state["c"])
    assert "5/5 answered" in result.stdout, result.stdout
    log("fb-a refused by both relays; fb-b and fb-c still exchange through the regional relay")


def graceful_shutdown():
    for name in ("fallback-eu", "coordinator"):
        status = stack.stop(name)
        assert status == 0, f"{name} exited {status} on SIGTERM, want 0 (graceful shutdown)"


try:
    step("coordinator and three registered nodes", coordinator_and_nodes)
    if not failed:
        step("regional relay started against the coordinator", regional_relay_up)
        step("relayctl fallback probe through the embedded relay", probe_embedded)
    if not failed:
        step("relayctl fallback probe through the regional relay (upgrade and WebSocket)", probe_regional)
        step("node removed at the coordinator: disconnected, then refused", removed_node_is_disconnected_and_refused)
        step("graceful shutdown of both", graceful_shutdown)
finally:
    if failed:
        for name, path in stack.logs.items():
            print(f"--- last lines of {name} ({path})", flush=True)
            with open(path) as f:
                print("".join(f.readlines()[-25:]), flush=True)
    stack.down()
    if not failed:
        shutil.rmtree(stack.work, ignore_errors=True)

print(f"fallback: {len(passed)} passed, {len(failed)} failed", flush=True)
sys.exit(1 if failed else 0)
