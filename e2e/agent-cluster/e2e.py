"""tailnet-agent through a peer relay that relay-operator runs on the local real-node cluster (see run).

The recipe is hack/lib/peerrelay.py's Stack (as in e2e/operator-e2e and hack/demo): a cluster of its own
(hack/cluster, temporary state dir, kubelet + containerd + kube-proxy), the project image, tailnet-coordinator on the
host end of the cluster's link, the operator as a pod from manifests/, one PeerRelay with a LoadBalancer endpoint.
Then hack/agent-scene: the NAT lab with both routers hard (hole punching fails), linked to the cluster's network
namespace by a veth (routes to the LoadBalancer pool, the pods and the coordinator), two nodes with wireguard-go and
tailnet-agent. With no command typed beyond starting the agents:
1. both choose the operator's relay and ping each other through the tunnel;
2. the relay's pod is deleted during a steady ping stream (pings every 0.1 s): both move to the coordinator's fallback
   relay, the failover gap (longest stretch without a reply) measured and bounded at 2.5 s;
3. the StatefulSet recreates the pod (a new pod, the relay's key kept in its Secret, the same LoadBalancer endpoint
   and coordinator record): both re-allocate and return to the relay, traffic through the tunnel;
4. both routers turned easy (endpoint-independent mapping): both upgrade to direct.
Paths are read from `relayctl status`, traffic is ping through the tunnel. Every wait is bounded. Everything started
is stopped."""

import calendar
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import Stack, condition  # noqa: E402

NS = "agentk8s"
RELAY = "edge"


def log(message):
    print(f"[agent-cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(bin_dir):
    stack = Stack("agent-cluster", NS, "agentk8s.test", bin_dir)
    passed, failed = [], []
    try:
        stack.require_tools("relay-operator", "relay-server", "tailnet-coordinator", "relayctl", "tailnet-agent")
        log("cluster up, project image, coordinator on the host end of the cluster's link")
        stack.cluster_up()
        stack.coordinator_up()
        log("operator from manifests/, PeerRelay agentk8s/edge (1 replica, LoadBalancer)")
        stack.install_manifests()
        stack.wait_until("the relay-operator pod Ready", 240, lambda: stack.operator_pods(ready_only=True))
        stack.publisher_secret()
        stack.apply_peerrelay(RELAY, 1)
        obj = stack.wait_ready(RELAY, 1, 240)
        endpoint = obj["status"]["endpoints"][0]["addresses"][0]
        lb = stack.env["PEERRELAY_LB_CIDR"]
        assert endpoint.startswith(lb.rsplit(".", 1)[0] + "."), f"endpoint {endpoint} is not in the LB pool {lb}"
        relays = stack.wait_until(f"the coordinator to list {NS}-{RELAY} at {endpoint}", 60,
                                  lambda: [r for r in stack.relays(RELAY) if endpoint in r["endpoints"]])
        passed.append(f"PeerRelay {NS}/{RELAY} Ready; LoadBalancer endpoint {endpoint} published as "
                      f"{relays[0]['name']} replica {relays[0]['replica']}")
        log(passed[-1])

        pod = f"{RELAY}-0"
        before = stack.kget("pod", pod, "-n", NS)["metadata"]["uid"]
        kill = f"kubectl -n {NS} delete pod {pod} --grace-period=1 --wait=false"
        log("hack/agent-scene: two hard-NAT nodes with tailnet-agent, linked to the cluster by a veth; relay pod "
            "deleted during a ping stream; routers turned easy at the end")
        started = time.monotonic()
        code, out, err = stack.agent_scene(f"{NS}-{RELAY}", timeout=420,
                                           extra=["--kill-relay", kill, "--upgrade-direct"])
        scene_seconds = time.monotonic() - started
        print(out, end="", flush=True)
        if code == 77:
            print(f"agent-cluster: SKIPPED: hack/agent-scene could not run: {err.strip()}")
            return 77
        if code != 0 or "agent scene OK" not in out:
            raise AssertionError(f"hack/agent-scene exited {code}:\n{err[-4000:]}")
        result = dict(item.split("=", 1) for line in out.splitlines() if line.startswith("scene-result ")
                      for item in line.split()[1:])
        passed.append(f"two hard-NAT nodes chose {NS}-{RELAY} by themselves and pinged through the tunnel")
        passed.append(f"relay pod {pod} deleted during a ping stream -> both on the fallback relay; failover gap "
                      f"{result['failover_gap_s']} s (bound 2.5 s), {result['replies_after_kill']} replies after the "
                      f"kill; on fallback {result['fallback_after_s']} s after it")
        after = stack.kget("pod", pod, "-n", NS)
        assert after["metadata"]["uid"] != before, f"{pod} was not recreated (same uid {before})"
        key_after = stack.relays(RELAY)[0]
        assert key_after["publicKey"] == relays[0]["publicKey"], \
            f"the relay's key changed across the pod restart: {relays[0]['publicKey']} -> {key_after['publicKey']}"
        assert endpoint in key_after["endpoints"], f"{endpoint} no longer published: {key_after['endpoints']}"
        ready = condition(after, "Ready")
        assert ready.get("status") == "True", f"the recreated {pod} is not Ready: {ready}"
        ready_after = calendar.timegm(time.strptime(ready["lastTransitionTime"], "%Y-%m-%dT%H:%M:%SZ")) \
            - float(result["killed_at"])
        passed.append(f"{pod} recreated by the StatefulSet (new uid, same key from its Secret, same endpoint "
                      f"{endpoint}; Ready {ready_after:.0f} s after the delete, ±1 s) -> both re-allocated and back "
                      f"on {NS}-{RELAY} {result['relay_back_after_s']} s after the delete, pings through the tunnel")
        passed.append(f"routers turned easy -> both upgraded to direct within {result['direct_after_s']} s, "
                      f"pings through the tunnel")
        for line in passed[-4:]:
            log(line)
        log(f"the scene took {scene_seconds:.0f} s")
    except Exception as error:  # noqa: BLE001 - reported and counted
        failed.append(str(error))
        log(f"FAIL: {error}")
        for name, path in stack.logs.items():
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    tail = f.readlines()[-15:]
                print(f"--- {name} ({path})\n" + "".join(tail), flush=True)
    finally:
        log("stopping everything")
        stack.down(timeout=30)
        subprocess.run(["rm", "-rf", stack.work])
    for p in passed:
        print(f"ok: {p}")
    print(f"agent-cluster: {len(passed)} passed, {len(failed)} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    # run's timeout sends SIGTERM: end through main's finally, which stops everything.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("agent-cluster: FAIL: ended by its time bound"))
    sys.exit(main(sys.argv[1]))
