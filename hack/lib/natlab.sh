# NAT lab: an "internet" and NAT routers in network namespaces, for the agent's end-to-end suite and benchmark.
# Source it (needs root, ip, nft, conntrack, python3); the caller calls natlab_cleanup on exit.
#
#   nsA (10.10.1.2) -- lan -- rtA (wan 203.0.113.10) --+
#                                                      +-- inet bridge 203.0.113.0/24: services on .1 .2 .3
#   nsB (10.10.2.2) -- lan -- rtB (wan 203.0.113.20) --+
#
# Router modes (natlab_router MODE ROUTER), nftables only (research/client-path-and-fallback.md §5.2):
#   easy     endpoint-independent mapping (a dynamic "full cone" map keeps the host's port for every destination)
#            with address-and-port-dependent filtering: holes open when both sides send (hole punching works)
#   hard     endpoint-dependent mapping: masquerade with random ports per destination (hole punching fails)
#   udpblock all UDP leaving the LAN is dropped (only TCP gets out)
#   open     plain forwarding, no NAT (a host with a public address)
# Every address exists only inside the namespaces this file creates; nothing touches the host's network.

NATLAB_ID=${NATLAB_ID:-$$}
NL_INET="nlI$NATLAB_ID"; NL_RA="nlRA$NATLAB_ID"; NL_RB="nlRB$NATLAB_ID"; NL_A="nlA$NATLAB_ID"; NL_B="nlB$NATLAB_ID"
NL_SVC1=203.0.113.1; NL_SVC2=203.0.113.2; NL_SVC3=203.0.113.3
NL_WAN_A=203.0.113.10; NL_WAN_B=203.0.113.20
NL_HOST_A=10.10.1.2; NL_HOST_B=10.10.2.2
NL_PIDS=()

natlab_skip_reason() {
  [[ $(id -u) == 0 ]] || { echo "not root (network namespaces and nftables need root)"; return; }
  local tool
  for tool in ip nft conntrack python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (run hack/deps)"; return; }
  done
}

natlab_bg() {  # natlab_bg LOGFILE NS CMD... : run in the background inside NS, remember the pid
  local log=$1 ns=$2; shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  NL_PIDS+=($!)
}

natlab_stop() {  # natlab_stop PID : TERM, wait up to 5 s, then KILL
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

natlab_cleanup() {
  local pid ns
  for pid in "${NL_PIDS[@]}"; do natlab_stop "$pid"; done
  NL_PIDS=()
  for ns in "$NL_A" "$NL_B" "$NL_RA" "$NL_RB" "$NL_INET"; do ip netns del "$ns" 2>/dev/null || true; done
}

natlab_setup() {
  local ns
  for ns in "$NL_INET" "$NL_RA" "$NL_RB" "$NL_A" "$NL_B"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip -n "$NL_INET" link add inet0 type bridge
  ip -n "$NL_INET" link set inet0 up
  ip netns exec "$NL_INET" sysctl -qw net.ipv4.ip_forward=1
  for svc in "$NL_SVC1" "$NL_SVC2" "$NL_SVC3"; do ip -n "$NL_INET" addr add "$svc/24" dev inet0; done
  _natlab_router "$NL_RA" "$NL_A" "$NL_WAN_A" 10.10.1
  _natlab_router "$NL_RB" "$NL_B" "$NL_WAN_B" 10.10.2
  natlab_router easy "$NL_RA"
  natlab_router easy "$NL_RB"
}

_natlab_router() {  # ROUTER HOST WAN_IP LAN_PREFIX
  local router=$1 host=$2 wan=$3 lan=$4
  ip link add wan netns "$router" type veth peer name "p$router" netns "$NL_INET"
  ip -n "$NL_INET" link set "p$router" master inet0 up
  ip -n "$router" addr add "$wan/24" dev wan
  ip -n "$router" link set wan up
  ip -n "$router" route add default via "$NL_SVC1"
  ip link add lan netns "$router" type veth peer name eth0 netns "$host"
  ip -n "$router" addr add "$lan.1/24" dev lan
  ip -n "$router" link set lan up
  ip -n "$host" addr add "$lan.2/24" dev eth0
  ip -n "$host" link set eth0 up
  ip -n "$host" route add default via "$lan.1"
  ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
}

natlab_router() {  # natlab_router MODE ROUTER : replace the router's NAT/filter rules and forget its mappings
  local mode=$1 router=$2 wan
  wan=$(ip -n "$router" -4 -o addr show dev wan | awk '{print $4}' | cut -d/ -f1)
  ip netns exec "$router" nft delete table ip natlab 2>/dev/null || true
  local rules
  case "$mode" in
    easy) rules="
      map cone { type inet_service : ipv4_addr . inet_service; flags dynamic,timeout; timeout 300s; }
      chain nat_pre { type nat hook prerouting priority dstnat; iif \"wan\" meta l4proto udp dnat ip to udp dport map @cone; }
      chain nat_post { type nat hook postrouting priority srcnat;
        oif \"wan\" meta l4proto udp update @cone { udp sport timeout 300s : ip saddr . udp sport };
        oif \"wan\" snat ip to $wan; }
      chain forward_filter { type filter hook forward priority 0; iif \"wan\" ct state established,related accept; iif \"wan\" drop; }
      chain input_filter { type filter hook input priority 0; iif \"wan\" meta l4proto udp drop; }" ;;
    hard) rules="
      chain nat_pre { type nat hook prerouting priority dstnat; }
      chain nat_post { type nat hook postrouting priority srcnat; oif \"wan\" masquerade random; }
      chain forward_filter { type filter hook forward priority 0; iif \"wan\" ct state established,related accept; iif \"wan\" drop; }
      chain input_filter { type filter hook input priority 0; iif \"wan\" meta l4proto udp drop; }" ;;
    udpblock) rules="
      chain nat_pre { type nat hook prerouting priority dstnat; }
      chain nat_post { type nat hook postrouting priority srcnat; oif \"wan\" masquerade; }
      chain forward_filter { type filter hook forward priority 0; oif \"wan\" meta l4proto udp drop;
        iif \"wan\" ct state established,related accept; iif \"wan\" drop; }" ;;
    open) rules="
      chain forward_filter { type filter hook forward priority 0; accept; }" ;;
    *) echo "natlab_router: unknown mode '$mode' (easy, hard, udpblock, open)" >&2; return 2 ;;
  esac
  ip netns exec "$router" nft -f - <<<"table ip natlab { $rules
  }"
  ip netns exec "$router" conntrack -D -p udp >/dev/null 2>&1 || true  # UDP mappings only: TCP sessions (netmap polls) survive
  if [[ $mode == open ]]; then  # a public host: the internet routes to its LAN directly
    ip -n "$NL_INET" route replace "$(ip -n "$router" -4 -o addr show dev lan | awk '{print $4}' | sed 's/\.1\//.0\//')" via "$wan"
  fi
}

# natlab_mapped HOST_NS SRC_PORT : prints the source address:port that two different destinations on the internet
# (NL_SVC1 and NL_SVC3, UDP 3478) observe for one socket of the host, one per line; "none" when nothing came back.
# Starts and stops its own reflectors.
natlab_mapped() {
  local host=$1 port=$2 out
  out=$(mktemp)
  ip netns exec "$NL_INET" python3 - "$NL_SVC1" "$NL_SVC3" >"$out" 2>&1 <<'PY' &
import socket, sys, select, time
socks = []
for ip in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((ip, 3478)); socks.append(s)
print("ready", flush=True)
end = time.time() + 6
while time.time() < end:
    ready, _, _ = select.select(socks, [], [], 0.2)
    for s in ready:
        data, addr = s.recvfrom(2048)
        s.sendto(f"{addr[0]}:{addr[1]}".encode(), addr)
PY
  local reflector=$!
  for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
  ip netns exec "$host" python3 - "$port" "$NL_SVC1" "$NL_SVC3" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1]))); s.settimeout(1)
for ip in sys.argv[2:]:
    seen = "none"
    for _ in range(3):
        s.sendto(b"which-port", (ip, 3478))
        try:
            seen = s.recvfrom(2048)[0].decode(); break
        except socket.timeout:
            pass
    print(seen)
PY
  kill "$reflector" 2>/dev/null || true
  wait "$reflector" 2>/dev/null || true
  rm -f "$out"
}

# natlab_punch PORT : hosts A and B both send from UDP PORT to the other's router address and PORT for 3 s (a
# simultaneous open, as hole punching does); prints "A<-B yes|no B<-A yes|no".
natlab_punch() {
  local port=$1 outa outb
  outa=$(mktemp); outb=$(mktemp)
  _natlab_punch_side "$NL_A" "$port" "$NL_WAN_B" >"$outa" &
  local pa=$!
  _natlab_punch_side "$NL_B" "$port" "$NL_WAN_A" >"$outb" &
  local pb=$!
  wait "$pa" "$pb" || true
  echo "A<-B $(cat "$outa") B<-A $(cat "$outb")"
  rm -f "$outa" "$outb"
}

_natlab_punch_side() {  # NS PORT PEER_IP
  ip netns exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1]))); s.settimeout(0.1)
got = False; end = time.time() + 3
while time.time() < end:
    s.sendto(b"punch", (sys.argv[2], int(sys.argv[1])))
    try:
        s.recvfrom(2048); got = True
    except (socket.timeout, ConnectionRefusedError):
        pass
print("yes" if got else "no")
PY
}
