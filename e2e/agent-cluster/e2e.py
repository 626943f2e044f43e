"""tailnet-agent through a peer relay that relay-operator runs on the local real-node cluster (see run).

The recipe is hack/lib/peerrelay.py's Stack (as in e2e/operator-e2e and hack/demo): a cluster of its own
(hack/cluster, temporary state dir, kubelet + containerd + kube-proxy), the project image, tailnet-coordinator on the
host end of the cluster's link, the operator as a pod from manifests/, one PeerRelay with a LoadBalancer endpoint.
Then hack/agent-scene: the NAT lab with both routers hard (hole punching fails), linked to the cluster's network
namespace by a veth (routes to the LoadBalancer pool, the pods and the coordinator), two nodes with wireguard-go and
tailnet-agent. With no command typed beyond starting the agents, both must choose the operator's relay and ping each
other through the tunnel. Everything started is stopped."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "lib"))
from peerrelay import Stack  # noqa: E402

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

        log("hack/agent-scene: two hard-NAT nodes with tailnet-agent, linked to the cluster by a veth")
        code, out, err = stack.agent_scene(f"{NS}-{RELAY}")
        print(out, end="", flush=True)
        if code == 77:
            print(f"agent-cluster: SKIPPED: hack/agent-scene could not run: {err.strip()}")
            return 77
        if code != 0 or "agent scene OK" not in out:
            raise AssertionError(f"hack/agent-scene exited {code}:\n{err[-4000:]}")
        passed.append(f"two hard-NAT nodes chose {NS}-{RELAY} by themselves and pinged through the tunnel")
        log(passed[-1])
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
