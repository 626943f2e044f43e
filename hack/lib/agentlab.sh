# The agent's scene on the NAT lab (hack/lib/natlab.sh): on the "internet" a coordinator (HTTPS, with STUN on the
# same port number) and a relay-server; behind the routers nodes A and B, each with wireguard-go started by
# tailnet-agent. Shared by e2e/agent/run and the agent benchmark. Caller sets BIN and WORK, sources natlab.sh
# first, and calls natlab_cleanup on exit. AL_COORD_PLAIN=1 before sourcing: the coordinator speaks plain HTTP
# (agentlab_coordinator starts it with --allow-plain-http) and agents get no --coordinator-ca; AL_COORD_URL before
# sourcing: the agents use a coordinator that runs elsewhere (hack/agent-scene: the one beside the local cluster).
COORD_PORT=8443; RELAY_PORT=40000; RELAY_ADMIN=9090
AL_COORD_PLAIN=${AL_COORD_PLAIN:-0}
if ((AL_COORD_PLAIN)); then AL_COORD_URL=${AL_COORD_URL:-http://$NL_SVC1:$COORD_PORT}
else AL_COORD_URL=${AL_COORD_URL:-https://$NL_SVC1:$COORD_PORT}; fi
AL_IF_A="tna$NATLAB_ID"; AL_IF_B="tnb$NATLAB_ID"
AL_RELAY_PID=""; AL_AGENT_A_PID=""; AL_AGENT_B_PID=""

agentlab_skip_reason() {
  local reason
  reason=$(natlab_skip_reason); [[ -z $reason ]] || { echo "$reason"; return; }
  [[ -c /dev/net/tun ]] || { echo "no /dev/net/tun"; return; }
  local tool
  for tool in wireguard-go wg openssl curl iperf3 ping; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (run hack/deps)"; return; }
  done
}

al_curl() {  # al_curl ARGS... : curl from the internet segment, trusting the coordinator's certificate
  if ((AL_COORD_PLAIN)); then ip netns exec "$NL_INET" curl "$@"; else ip netns exec "$NL_INET" curl --cacert "$WORK/coord.crt" "$@"; fi
}

al_coord() {  # al_coord METHOD PATH TOKENFILE [JSON] : call the coordinator API from the internet segment
  local method=$1 path=$2 token=$3 body=${4:-}
  al_curl -fsS -X "$method" -H "Authorization: Bearer $(cat "$token")" \
    ${body:+-H "Content-Type: application/json" --data "$body"} "$AL_COORD_URL$path"
}

agentlab_coordinator() {
  local transport=(--allow-plain-http)
  if ! ((AL_COORD_PLAIN)); then
    transport=(--tls-cert "$WORK/coord.crt" --tls-key "$WORK/coord.key")
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$NL_SVC1" \
      -addext "subjectAltName=IP:$NL_SVC1" -keyout "$WORK/coord.key" -out "$WORK/coord.crt" 2>/dev/null
  fi
  "$BIN/tailnet-coordinator" init --data-dir "$WORK/coord" --tailnet-id lab.test --admin-token-file "$WORK/admin.token" >/dev/null
  "$BIN/tailnet-coordinator" token --data-dir "$WORK/coord" --kind relay-publisher --output "$WORK/publisher.token" >/dev/null
  natlab_bg "$WORK/coordinator.log" "$NL_INET" "$BIN/tailnet-coordinator" serve --data-dir "$WORK/coord" \
    --host "$NL_SVC1" --port "$COORD_PORT" "${transport[@]}"
  for _ in $(seq 100); do
    al_curl -fsS "$AL_COORD_URL/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  al_coord POST /v1/keys "$WORK/admin.token" '{"reusable":true,"expiresInSeconds":3600,"description":"lab"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])' >"$WORK/preauth.key"
}

agentlab_relay() {  # agentlab_relay [extra relay-server flags] : publish (once) and start the relay on NL_SVC2
  if [[ ! -f $WORK/relay.key ]]; then
    (umask 077; wg genkey >"$WORK/relay.key")
    local pub; pub=$(wg pubkey <"$WORK/relay.key")
    al_coord POST /v1/relays "$WORK/publisher.token" \
      "{\"name\":\"edge\",\"replica\":0,\"publicKey\":\"$pub\",\"endpoints\":[\"$NL_SVC2:$RELAY_PORT\"]}" >"$WORK/relay.json"
    python3 - "$WORK" <<'PY'
import json, sys, textwrap
work = sys.argv[1]
reply = json.load(open(f"{work}/relay.json"))
cert = reply["relay"]["certificate"]
with open(f"{work}/relay.crt", "w") as f:
    f.write("-----BEGIN PEERRELAY CERTIFICATE-----\n" + "\n".join(textwrap.wrap(cert, 64)) + "\n-----END PEERRELAY CERTIFICATE-----\n")
with open(f"{work}/ca.keys", "w") as f:
    f.write("\n".join(k["publicKey"] for k in reply["tailnet"]["caPublicKeys"]) + "\n")
PY
  fi
  local ca=()
  while read -r key; do ca+=(--ca-key "$key"); done <"$WORK/ca.keys"
  natlab_bg "$WORK/relay.log" "$NL_INET" "$BIN/relay-server" --listen "$NL_SVC2" --port "$RELAY_PORT" --sockets 1 \
    --admin-address 127.0.0.1 --admin-port "$RELAY_ADMIN" --private-key-file "$WORK/relay.key" \
    --certificate-file "$WORK/relay.crt" "${ca[@]}" "$@"
  AL_RELAY_PID=${NL_PIDS[-1]}
  for _ in $(seq 100); do
    ip netns exec "$NL_INET" curl -fsS "http://127.0.0.1:$RELAY_ADMIN/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "relay-server did not become ready" >&2; return 1
}

agentlab_agent() {  # agentlab_agent a|b [extra tailnet-agent flags]
  local side=$1; shift
  local ns=$NL_A interface=$AL_IF_A
  [[ $side == b ]] && { ns=$NL_B; interface=$AL_IF_B; }
  local ca=(--coordinator-ca "$WORK/coord.crt")
  if ((AL_COORD_PLAIN)); then ca=(); fi
  natlab_bg "$WORK/agent-$side.log" "$ns" "$BIN/tailnet-agent" --coordinator "$AL_COORD_URL" "${ca[@]}" \
    --pre-auth-key "$(cat "$WORK/preauth.key")" --state-dir "$WORK/state-$side" \
    --name "node-$side" --interface "$interface" --wireguard-go --socket "$WORK/agent-$side.sock" "$@"
  if [[ $side == a ]]; then AL_AGENT_A_PID=${NL_PIDS[-1]}; else AL_AGENT_B_PID=${NL_PIDS[-1]}; fi
}

al_status() {  # al_status a|b : relayctl status --json
  "$BIN/relayctl" status --json --socket "$WORK/agent-$1.sock" 2>/dev/null
}

al_path() {  # al_path a|b : kind of the path in use to the only peer ("none" if none)
  al_status "$1" | python3 -c 'import json,sys
try:
    peers = json.load(sys.stdin)["peers"]; print(peers[0]["path"].get("activeKind") or "none" if peers else "none")
except Exception: print("none")'
}

al_peer_address() {  # al_peer_address a|b : the tailnet address of the other node
  al_status "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["peers"][0]["address"])'
}

al_wait_path() {  # al_wait_path a|b KIND SECONDS : until the side uses KIND, bounded
  local side=$1 kind=$2 seconds=$3
  for _ in $(seq $((seconds * 5))); do
    [[ $(al_path "$side") == "$kind" ]] && return 0
    sleep 0.2
  done
  return 1
}

al_iperf_tunnel() {  # al_iperf_tunnel SECONDS : iperf3 TCP from A to B's tailnet address; prints Mbit/s B received
  # Up to 3 attempts (a loaded machine can miss the first connect); each attempt's output is kept in
  # $WORK/iperf3.log, which the suites' fail() prints.
  local target; target=$(al_peer_address a)
  ip netns exec "$NL_B" timeout $((3 * $1 + 40)) iperf3 -s -B "$target" -p 5202 >"$WORK/iperf3-server.log" 2>&1 &
  local server=$!
  local mbit=0
  : >"$WORK/iperf3.log"
  for attempt in 1 2 3; do
    sleep 0.5
    ip netns exec "$NL_A" timeout $(($1 + 12)) iperf3 -c "$target" -p 5202 -t "$1" --connect-timeout 3000 -J \
      >"$WORK/iperf3-attempt.json" 2>&1 || true
    { echo "attempt $attempt:"; grep -E '"error"|bits_per_second' "$WORK/iperf3-attempt.json" | tail -3; } >>"$WORK/iperf3.log"
    mbit=$(python3 -c 'import json, sys
try: bits = json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]
except Exception: bits = 0
print("%.1f" % (bits / 1e6))' "$WORK/iperf3-attempt.json")
    python3 -c "import sys; sys.exit(0 if float('$mbit') > 0 else 1)" && break
  done
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  echo "$mbit"
}

al_moved() {  # al_moved MBIT : true when a TCP flow moved at least 1 Mbit/s (it works; not a speed target)
  python3 -c "import sys; sys.exit(0 if float('$1') >= 1.0 else 1)"
}

al_ping_tunnel() {  # al_ping_tunnel COUNT : pings from A to B's tailnet address; prints the received count
  local target; target=$(al_peer_address a)
  ip netns exec "$NL_A" ping -c "$1" -i 0.2 -W 2 "$target" | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

al_failover_gap() {  # al_failover_gap PING_D_OUTPUT KILLED_AT : "GAP REPLIES" for `ping -D` output and the kill's
  # time (date +%s.%N): GAP is the longest stretch without a reply from the last reply before the kill on (seconds,
  # "inf" when there was no reply before or after it), REPLIES the number of replies after the kill.
  python3 - "$1" "$2" <<'PY'
import re, sys
times = [float(m) for m in re.findall(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M)]
killed = float(sys.argv[2])
before = [t for t in times if t <= killed]
after = [t for t in times if t > killed]
if not before or not after:
    print("inf", len(after)); sys.exit()
series = [before[-1]] + after
print(f"{max(b - a for a, b in zip(series, series[1:])):.2f}", len(after))
PY
}
