# Shared by e2e/wireguard/run and Benchmarks/bench-wireguard (source it; needs root, wireguard-go, wg, iperf3).
# Topology, all in network namespaces this script creates (addresses exist only inside them):
#
#   nsA (wgA 10.99.0.1) --veth 10.77.1.0/24-- nsR (relay-server on 10.77.9.1:40000) --veth 10.77.2.0/24-- nsB (wgB 10.99.0.2)
#   nsA ------------------------------ direct veth 10.77.3.0/24 (for the direct comparison) ---------------------- nsB
#
# nsR does not forward IP, so A and B reach each other only through the relay (or the direct veth, when WireGuard
# is pointed there). WireGuard in A and B talks to a local `relayctl connect` port; relayctl carries the packets
# through relay-server.
# Caller sets BIN (directory with relay-server and relayctl) and WORK (a temp dir); calls wg_cleanup on exit.

WG_ID=$$
NS_A="prwgA$WG_ID"; NS_B="prwgB$WG_ID"; NS_R="prwgR$WG_ID"
IF_A="prwa$WG_ID"; IF_B="prwb$WG_ID"      # unique: wireguard-go's UAPI sockets share /var/run/wireguard
RELAY_IP=10.77.9.1; RELAY_PORT=40000; ADMIN_PORT=9090; PROXY_PORT=51000; WG_PORT=51820
WG_PIDS=()

wg_skip_reason() {
  [[ $(id -u) == 0 ]] || { echo "not root (network namespaces and TUN devices need root)"; return; }
  [[ -c /dev/net/tun ]] || { echo "no /dev/net/tun"; return; }
  for tool in wireguard-go wg iperf3 ip ping curl; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (run hack/deps)"; return; }
  done
}

wg_bg() {  # run in the background, remember the pid: wg_bg LOGFILE NS CMD...
  local log=$1 ns=$2; shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  WG_PIDS+=($!)
}

wg_cleanup() {
  local pid
  for pid in "${WG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WG_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  WG_PIDS=()
  for ns in "$NS_A" "$NS_B" "$NS_R"; do ip netns del "$ns" 2>/dev/null || true; done
}

wg_setup() {
  for ns in "$NS_A" "$NS_B" "$NS_R"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add vAR netns "$NS_A" type veth peer name vRA netns "$NS_R"
  ip link add vBR netns "$NS_B" type veth peer name vRB netns "$NS_R"
  ip link add vAB netns "$NS_A" type veth peer name vBA netns "$NS_B"
  ip -n "$NS_A" addr add 10.77.1.1/24 dev vAR; ip -n "$NS_R" addr add 10.77.1.2/24 dev vRA
  ip -n "$NS_B" addr add 10.77.2.1/24 dev vBR; ip -n "$NS_R" addr add 10.77.2.2/24 dev vRB
  ip -n "$NS_A" addr add 10.77.3.1/24 dev vAB; ip -n "$NS_B" addr add 10.77.3.2/24 dev vBA
  for l in "$NS_A vAR" "$NS_R vRA" "$NS_B vBR" "$NS_R vRB" "$NS_A vAB" "$NS_B vBA"; do
    set -- $l; ip -n "$1" link set "$2" up
  done
  ip -n "$NS_R" addr add "$RELAY_IP/32" dev lo
  ip -n "$NS_A" route add "$RELAY_IP/32" via 10.77.1.2
  ip -n "$NS_B" route add "$RELAY_IP/32" via 10.77.2.2

  # Tailnet CA, relay and node certificates.
  (cd "$WORK" && "$BIN/relayctl" ca init --tailnet wg.example --out ca >/dev/null \
    && "$BIN/relayctl" cert issue --ca ca --role relay --name relay --out relay >/dev/null \
    && "$BIN/relayctl" cert issue --ca ca --role node --name node-a --out a >/dev/null \
    && "$BIN/relayctl" cert issue --ca ca --role node --name node-b --out b >/dev/null)

  # WireGuard (userspace) in A and B.
  (umask 077; for n in a b; do wg genkey >"$WORK/wg-$n.key"; wg pubkey <"$WORK/wg-$n.key" >"$WORK/wg-$n.pub"; done)
  wg_bg "$WORK/wg-a.log" "$NS_A" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go "$IF_A"
  wg_bg "$WORK/wg-b.log" "$NS_B" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go "$IF_B"
  for _ in $(seq 50); do
    [[ -S /var/run/wireguard/$IF_A.sock && -S /var/run/wireguard/$IF_B.sock ]] && break
    sleep 0.1
  done
  ip netns exec "$NS_A" wg set "$IF_A" listen-port "$WG_PORT" private-key "$WORK/wg-a.key"
  ip netns exec "$NS_B" wg set "$IF_B" listen-port "$WG_PORT" private-key "$WORK/wg-b.key"
  ip -n "$NS_A" addr add 10.99.0.1/24 dev "$IF_A"; ip -n "$NS_A" link set "$IF_A" up
  ip -n "$NS_B" addr add 10.99.0.2/24 dev "$IF_B"; ip -n "$NS_B" link set "$IF_B" up
}

wg_start_relay() {
  wg_bg "$WORK/relay.log" "$NS_R" "$BIN/relay-server" --listen "$RELAY_IP" --port "$RELAY_PORT" --sockets 1 \
    --admin-address 127.0.0.1 --admin-port "$ADMIN_PORT" --private-key-file "$WORK/relay.key" \
    --certificate-file "$WORK/relay.crt" --ca-key-file "$WORK/ca/ca.pub"
  RELAY_PID=${WG_PIDS[-1]}
  for _ in $(seq 100); do
    ip netns exec "$NS_R" curl -fsS "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$RELAY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "relay-server did not become ready:" >&2; cat "$WORK/relay.log" >&2; return 1
}

wg_start_connectors() {  # relayctl connect in A and B, each bridging 127.0.0.1:PROXY_PORT to the other side
  wg_bg "$WORK/connect-a.log" "$NS_A" "$BIN/relayctl" connect --relay "$RELAY_IP:$RELAY_PORT" \
    --relay-cert "$WORK/relay.crt" --ca "$WORK/ca" --identity "$WORK/a" --peer-key "$WORK/b.pub" \
    --listen "127.0.0.1:$PROXY_PORT" --local-peer "127.0.0.1:$WG_PORT"
  wg_bg "$WORK/connect-b.log" "$NS_B" "$BIN/relayctl" connect --relay "$RELAY_IP:$RELAY_PORT" \
    --relay-cert "$WORK/relay.crt" --ca "$WORK/ca" --identity "$WORK/b" --peer-key "$WORK/a.pub" \
    --listen "127.0.0.1:$PROXY_PORT" --local-peer "127.0.0.1:$WG_PORT"
  for _ in $(seq 200); do
    grep -q '^connected' "$WORK/connect-a.log" && grep -q '^connected' "$WORK/connect-b.log" && return 0
    sleep 0.1
  done
  echo "relayctl connect did not connect within 20 s:" >&2
  cat "$WORK/connect-a.log" "$WORK/connect-b.log" >&2
  return 1
}

wg_use_relay() {
  ip netns exec "$NS_A" wg set "$IF_A" peer "$(cat "$WORK/wg-b.pub")" allowed-ips 10.99.0.2/32 endpoint "127.0.0.1:$PROXY_PORT"
  ip netns exec "$NS_B" wg set "$IF_B" peer "$(cat "$WORK/wg-a.pub")" allowed-ips 10.99.0.1/32 endpoint "127.0.0.1:$PROXY_PORT"
}

wg_use_direct() {
  ip netns exec "$NS_A" wg set "$IF_A" peer "$(cat "$WORK/wg-b.pub")" allowed-ips 10.99.0.2/32 endpoint "10.77.3.2:$WG_PORT"
  ip netns exec "$NS_B" wg set "$IF_B" peer "$(cat "$WORK/wg-a.pub")" allowed-ips 10.99.0.1/32 endpoint "10.77.3.1:$WG_PORT"
}

wg_wait_ping() {  # until one ping from A to B's tunnel address is answered (bounded)
  for _ in $(seq 20); do
    ip netns exec "$NS_A" ping -c 1 -W 1 10.99.0.2 >/dev/null 2>&1 && return 0
  done
  return 1
}

wg_relay_forwarded() {  # forwarded packet count from the relay's metrics
  ip netns exec "$NS_R" curl -fsS "http://127.0.0.1:$ADMIN_PORT/metrics" \
    | awk '/^relay_forwarded_packets_total/ {sum += $2} END {print sum + 0}'
}

wg_iperf() {  # wg_iperf SECONDS -> Gbit/s (A sends to B)
  local seconds=$1
  ip netns exec "$NS_B" iperf3 -s -1 -B 10.99.0.2 -p 5201 >/dev/null 2>&1 &
  local server=$!
  sleep 0.5
  local json
  json=$(ip netns exec "$NS_A" iperf3 -c 10.99.0.2 -p 5201 -t "$seconds" -O 1 -J 2>/dev/null || true)
  wait "$server" 2>/dev/null || true
  python3 -c 'import json,sys
try: print("%.3f" % (json.loads(sys.argv[1])["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception: print("0")' "$json"
}
