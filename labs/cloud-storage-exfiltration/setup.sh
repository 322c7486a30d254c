#!/bin/bash
# cloud-storage-exfiltration — setup. Runs as sandbox root before the learner attaches (labs/README.md,
# "Runtime contract"). The files/ overlay is already in place under /srv/storage and /home/learner.
#
# One per-session incident at Kita-Minato Gas Co. (fictional), tenant "kmgas" of a fictional
# S3-compatible object storage:
#   - weeks ago an administrator added a "temporary" public-read statement to the policy of
#     kmgas-cs-exchange (the bucket shared with the customer-service contractor) and never removed it;
#   - the contractor's sync key (LEAKED_KEY_ID) is used every day from the contractor's fixed address,
#     and last night also from ATTACKER_IP: ListBuckets, refused probes of other buckets, a listing,
#     then a burst of GetObject (rclone) over EXFIL_PREFIX with a few throttled (503) retries;
#   - half an hour later the same address fetched one object again WITHOUT a key: the bucket is public.
#   EXFIL_BYTES = bytesSent of every successful (200) GetObject to ATTACKER_IP, keyed or anonymous.
# Logs are the service's (root-owned, read-only); the console state (keys, policies) is the learner's.
# Every external address is from the documentation ranges (RFC 5737).
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

ST=/srv/storage
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC LC_ALL=C
JST=32400
var() { printf '%s=%s\n' "$1" "$2" >&3; }

# Random helpers set R instead of printing: a $(…) subshell would reseed $RANDOM (see the flagship).
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }
declare -A USED=([192.0.2.10]=1 [192.0.2.20]=1)
doc_ip() {
  local prefixes=(192.0.2 198.51.100 203.0.113) ip
  while :; do
    ip=${prefixes[RANDOM % 3]}.$(( RANDOM % 250 + 3 ))
    [ -n "${USED[$ip]:-}" ] && continue
    USED[$ip]=1; R=$ip; return
  done
}
akid() { local c=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 i; R=AKIA; for (( i = 0; i < 16; i++ )); do R+=${c:RANDOM % 32:1}; done; }
reqid() { local c=ABCDEF0123456789 i; R=; for (( i = 0; i < 16; i++ )); do R+=${c:RANDOM % 16:1}; done; }
utc() { printf -v R '%(%Y-%m-%dT%H:%M:%SZ)T' "$1"; }
jst() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); }

# ---------------------------------------------------------------- the cast
akid; LEAKED_KEY_ID=$R
akid; WEB_KEY=$R
akid; BACKUP_KEY=$R
akid; ADMIN_KEY=$R
akid; METER_KEY=$R
doc_ip; ATTACKER_IP=$R
doc_ip; CONTRACTOR_IP=$R
OFFICE_IP=192.0.2.10
DC_IP=192.0.2.20
CS=kmgas-cs-exchange
EXFIL_BUCKET=$CS

# "Today" is the JST day of (now − 10 h), so the scenario's morning is never in the real future.
T0=$(date +%s)
b=$(( T0 + JST - 36000 ))
SD=$(( b - b % 86400 - JST ))            # today 00:00 JST, as epoch
NOW=$(( SD + 9 * 3600 + 40 * 60 ))        # scenario "now": today 09:40 JST
START=$(( SD - 3 * 86400 ))
# Last month's exports (JST): the prefix the attacker took is one of three.
printf -v THIS_MONTH '%(%Y-%m-01)T' $(( SD + JST ))
LM_EPOCH=$(( $(date -u -d "$THIS_MONTH" +%s) - 86400 ))
printf -v LAST_MONTH '%(%Y-%m)T' "$LM_EPOCH"
KINDS=(customers contracts billing)
EXFIL_KIND=${KINDS[RANDOM % 3]}
EXFIL_PREFIX=exports/$EXFIL_KIND/$LAST_MONTH

EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
# ev <epoch> <eventName> <bucket|-> <key|-> <keyId|-> <principal> <ip> <ua> <status> <errorCode|-> <bytes>
ev() {
  local t=$1 name=$2 bk=$3 k=$4 id=$5 pr=$6 ip=$7 ua=$8 st=$9 err=${10} by=${11} j
  utc "$t"; j="{\"eventVersion\":\"1.0\",\"eventTime\":\"$R\",\"eventName\":\"$name\","
  [ "$bk" = - ] && j+="\"bucket\":null," || j+="\"bucket\":\"$bk\","
  [ "$k" = - ] && j+="\"key\":null," || j+="\"key\":\"$k\","
  [ "$id" = - ] && j+="\"accessKeyId\":null," || j+="\"accessKeyId\":\"$id\","
  j+="\"principal\":\"$pr\",\"sourceIp\":\"$ip\",\"userAgent\":\"$ua\",\"httpStatus\":$st,"
  [ "$err" = - ] && j+="\"errorCode\":null," || j+="\"errorCode\":\"$err\","
  reqid; j+="\"bytesSent\":$by,\"requestId\":\"$R\"}"
  printf '%d\t%s\n' "$t" "$j" >>"$EV"
}

# ---------------------------------------------------------------- the bucket's contents (inventory)
mkdir -p "$ST/buckets/$CS" "$ST/buckets/kmgas-web-assets" "$ST/buckets/kmgas-meter-archive" "$ST/buckets/kmgas-backup" "$ST/iam" "$ST/logs/access"
declare -A SIZE=()
INV="$ST/buckets/$CS/inventory.csv"
echo 'key,size,last_modified,records' >"$INV"
EXFIL_KEYS=()
for kind in "${KINDS[@]}"; do
  parts=$(( 12 + RANDOM % 13 ))
  for (( p = 1; p <= parts; p++ )); do
    printf -v key 'exports/%s/%s/%s_part-%04d.csv' "$kind" "$LAST_MONTH" "$kind" "$p"
    recs=$(( 3000 + RANDOM % 2500 ))
    size=$(( recs * (180 + RANDOM % 140) + RANDOM % 997 ))
    SIZE[$key]=$size
    utc $(( SD - 20 * 86400 + p * 61 )); echo "$key,$size,$R,$recs" >>"$INV"
    [ "$kind" = "$EXFIL_KIND" ] && EXFIL_KEYS+=("$key")
  done
done
for (( d = 3; d >= 0; d-- )); do
  printf -v day '%(%Y-%m-%d)T' $(( SD - d * 86400 + JST ))
  for q in 1 2; do
    key=imports/work-results/$day/results_$q.csv; size=$(( 20000 + RANDOM * 3 )); SIZE[$key]=$size
    utc $(( SD - d * 86400 + 3600 )); echo "$key,$size,$R,$(( size / 140 ))" >>"$INV"
  done
done

# ---------------------------------------------------------------- everyday traffic
UA_SYNC='kmgas-cs-sync/3.2 (Java/17)'
UA_WEB=('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15')
WEB_OBJ=(static/img/hero-winter.jpg static/img/logo.svg static/js/site.js static/css/site.css static/img/gas-safety.png static/pdf/rates-2026.pdf)
VISITORS=(); for (( i = 0; i < 25; i++ )); do doc_ip; VISITORS+=("$R"); done
for (( t = START; t < NOW; t += 600 + RANDOM % 900 )); do   # web site visitors (anonymous by design)
  ip=${VISITORS[RANDOM % 25]}; ua=${UA_WEB[RANDOM % 3]}
  for (( k = 0; k < 2 + RANDOM % 3; k++ )); do
    o=${WEB_OBJ[RANDOM % 6]}; st=200; by=$(( 3000 + RANDOM * 4 )); (( RANDOM % 4 == 0 )) && st=304 by=0
    ev $(( t + k )) GetObject kmgas-web-assets "$o" - anonymous "$ip" "${ua}" "$st" - "$by"
  done
done
for (( d = 3; d >= 0; d-- )); do
  day0=$(( SD - d * 86400 ))
  printf -v dstr '%(%Y-%m-%d)T' $(( day0 + JST ))
  # the contractor: nightly upload of work results, daytime downloads of work orders (from its own address)
  t=$(( day0 + 3600 + RANDOM % 300 ))
  for q in 1 2; do
    k=imports/work-results/$dstr/results_$q.csv
    ev $(( t + q * 7 )) PutObject "$CS" "$k" "$LEAKED_KEY_ID" svc-cs-sync "$CONTRACTOR_IP" "$UA_SYNC" 200 - 0
  done
  if (( day0 + 8 * 3600 < NOW )); then
    for (( t = day0 + 8 * 3600 + 1800 + RANDOM % 600; t < day0 + 18 * 3600 && t < NOW; t += 3600 + RANDOM % 1800 )); do
      ev "$t" ListObjectsV2 "$CS" - "$LEAKED_KEY_ID" svc-cs-sync "$CONTRACTOR_IP" "$UA_SYNC" 200 - $(( 1500 + RANDOM % 900 ))
      k=exports/work-orders/$dstr/orders_$(( RANDOM % 9 + 1 )).csv
      ev $(( t + 2 )) GetObject "$CS" "$k" "$LEAKED_KEY_ID" svc-cs-sync "$CONTRACTOR_IP" "$UA_SYNC" 200 - $(( 8000 + RANDOM ))
    done
  fi
  # nightly backup from the data centre, the web team's deploy, the meter-data job
  ev $(( day0 + 2 * 3600 + 1800 )) PutObject kmgas-backup "db/$dstr/cis-db.dump.gz.enc" "$BACKUP_KEY" svc-backup "$DC_IP" 'kmgas-backup-agent/1.8' 200 - 0
  ev $(( day0 + 4 * 3600 + RANDOM % 600 )) PutObject kmgas-meter-archive "readings/$dstr/batch.parquet" "$METER_KEY" svc-meter-etl "$DC_IP" 'meter-etl/2.0 (python)' 200 - 0
  if (( RANDOM % 2 == 0 )) && (( day0 + 11 * 3600 < NOW )); then
    ev $(( day0 + 11 * 3600 + RANDOM % 3600 )) PutObject kmgas-web-assets static/img/hero-winter.jpg "$WEB_KEY" svc-web-deploy "$OFFICE_IP" 'deploy-bot/0.9' 200 - 0
  fi
done

# ---------------------------------------------------------------- last night
A=$(( SD + 1 * 3600 + 35 * 60 + RANDOM % 1800 ))      # 01:35–02:05 JST
UA_A='rclone/v1.66.0'
ev "$A" ListBuckets - - "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 200 - 612
ev $(( A + 9 )) ListObjectsV2 kmgas-backup - "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 403 AccessDenied 243
ev $(( A + 14 )) ListObjectsV2 kmgas-meter-archive - "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 403 AccessDenied 243
ev $(( A + 31 )) ListObjectsV2 "$CS" - "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 200 - 4388
ev $(( A + 47 )) ListObjectsV2 "$CS" - "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 200 - 2875
t=$(( A + 70 + RANDOM % 60 ))
FIRST=$t EXFIL_BYTES=0 EXFIL_OBJECTS=0
for k in "${EXFIL_KEYS[@]}"; do
  if (( RANDOM % 6 == 0 )); then   # throttled: the client retries a few seconds later
    ev "$t" GetObject "$CS" "$k" "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 503 SlowDown 243
    t=$(( t + 2 + RANDOM % 4 ))
  fi
  ev "$t" GetObject "$CS" "$k" "$LEAKED_KEY_ID" svc-cs-sync "$ATTACKER_IP" "$UA_A" 200 - "${SIZE[$k]}"
  EXFIL_BYTES=$(( EXFIL_BYTES + SIZE[$k] )); EXFIL_OBJECTS=$(( EXFIL_OBJECTS + 1 ))
  t=$(( t + 3 + RANDOM % 12 ))
done
# Half an hour later, without any key: is the bucket public? (It is.)
t=$(( t + 1500 + RANDOM % 600 ))
ev "$t" ListObjectsV2 "$CS" - - anonymous "$ATTACKER_IP" 'curl/8.5.0' 200 - 2875
k=${EXFIL_KEYS[RANDOM % ${#EXFIL_KEYS[@]}]}
ev $(( t + 20 )) GetObject "$CS" "$k" - anonymous "$ATTACKER_IP" 'curl/8.5.0' 200 - "${SIZE[$k]}"
EXFIL_BYTES=$(( EXFIL_BYTES + SIZE[$k] ))
LAST=$(( t + 20 ))

# ---------------------------------------------------------------- write the service's logs (read-only for the tenant)
sort -s -n -k1,1 "$EV" | while IFS=$'\t' read -r t j; do
  printf -v f '%(%Y-%m-%d)T' "$t"
  printf '%s\n' "$j" >>"$ST/logs/access/$f.jsonl"
done
mgmt() { # epoch eventName bucket keyId principal ip detail(json fragment)
  utc "$1"; local time=$R; reqid
  printf '{"eventVersion":"1.0","eventTime":"%s","eventName":"%s","bucket":%s,"accessKeyId":"%s","principal":"%s","sourceIp":"%s","httpStatus":200,"requestId":"%s","detail":%s}\n' \
    "$time" "$2" "$3" "$4" "$5" "$6" "$R" "$7"
}
MIS=$(( SD - (19 + RANDOM % 8) * 86400 + 16 * 3600 + RANDOM % 3600 ))
{
  mgmt $(( SD - 29 * 86400 + 36000 )) PutBucketPolicy '"kmgas-web-assets"' "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{"statements":["PublicReadStatic"]}'
  mgmt $(( SD - 24 * 86400 + 40000 )) GetBucketPolicy "\"$CS\"" "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{}'
  mgmt "$MIS" PutPublicAccessBlock "\"$CS\"" "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{"BlockPublicPolicy":false,"RestrictPublicBuckets":false}'
  mgmt $(( MIS + 95 )) PutBucketPolicy "\"$CS\"" "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{"statements":["ContractorSync","TempPublicReadForVendorTest"]}'
  mgmt $(( SD - 12 * 86400 + 30000 )) ListAccessKeys null "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{}'
  mgmt $(( SD - 3 * 86400 + 33000 )) GetBucketPolicy '"kmgas-backup"' "$ADMIN_KEY" t.ishii "$OFFICE_IP" '{}'
} >"$ST/logs/management.jsonl"

# ---------------------------------------------------------------- console state (the learner's)
printf -v K1 '%(%Y-%m-%dT%H:%M:%SZ)T' $(( SD - 410 * 86400 + 20000 ))
printf -v K2 '%(%Y-%m-%dT%H:%M:%SZ)T' $(( SD - 700 * 86400 + 30000 ))
printf -v K3 '%(%Y-%m-%dT%H:%M:%SZ)T' $(( SD - 380 * 86400 + 10000 ))
printf -v K4 '%(%Y-%m-%dT%H:%M:%SZ)T' $(( SD - 260 * 86400 + 25000 ))
printf -v K5 '%(%Y-%m-%dT%H:%M:%SZ)T' $(( SD - 150 * 86400 + 31000 ))
cat >"$ST/iam/access-keys.csv" <<EOF
AccessKeyId,UserName,Status,CreateDate,Description
$ADMIN_KEY,t.ishii,Active,$K2,cloud administrator (information systems dept.)
$BACKUP_KEY,svc-backup,Active,$K1,nightly backup from the data centre ($DC_IP)
$LEAKED_KEY_ID,svc-cs-sync,Active,$K3,Minato CS Service (contractor) sync batch from $CONTRACTOR_IP
$METER_KEY,svc-meter-etl,Active,$K4,smart-meter ETL (data centre)
$WEB_KEY,svc-web-deploy,Active,$K5,web site deploy (head office)
EOF
cat >"$ST/buckets/$CS/policy.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ContractorSync",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::123456789012:user/svc-cs-sync" },
      "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::kmgas-cs-exchange", "arn:aws:s3:::kmgas-cs-exchange/*"]
    },
    {
      "Sid": "TempPublicReadForVendorTest",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::kmgas-cs-exchange", "arn:aws:s3:::kmgas-cs-exchange/*"]
    }
  ]
}
EOF
cat >"$ST/buckets/kmgas-web-assets/policy.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicReadStatic",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::kmgas-web-assets/static/*"
    }
  ]
}
EOF
cat >"$ST/buckets/kmgas-meter-archive/policy.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::kmgas-meter-archive", "arn:aws:s3:::kmgas-meter-archive/*"],
      "Condition": { "Bool": { "aws:SecureTransport": "false" } }
    }
  ]
}
EOF

# ---------------------------------------------------------------- the alert (the detection)
mkdir -p "$LHOME/inbox"
jst $(( NOW - 1800 )); ALERT_AT=$R
jst $(( SD + 3600 )); WIN_FROM=$R
jst $(( SD + 3 * 3600 )); WIN_TO=$R
MB=$(( (EXFIL_BYTES + 500000) / 1000000 ))
cat >"$LHOME/inbox/storage-alert.txt" <<EOF
From: alerts@kumo-storage.example
To: csirt@kmgas.example
Date: $ALERT_AT
Subject: [Kumo Object Storage] 転送量の異常 / Unusual data transfer out — tenant kmgas

テナント kmgas で、インターネット向けデータ転送量の異常を検知しました。
  期間: ${WIN_FROM:11:5}–${WIN_TO:11:5} JST（${WIN_FROM:0:10}）
  転送量: 約 $MB MB（過去 30 日の同時間帯の平均の 40 倍以上）
アクセスログ（テナント管理者向け）をご確認ください。

Unusual data transfer out to the internet was detected for tenant kmgas:
  window: ${WIN_FROM:11:5}–${WIN_TO:11:5} JST (${WIN_FROM:0:10})
  volume: about $MB MB (more than 40× the 30-day average for the same hours)
Please review the access logs available to tenant administrators.

-- Kumo Object Storage (fictional service)
EOF

chown -R "$LUID:$LGID" "$ST/iam" "$ST/buckets" "$ST/bin" "$ST/doc" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
chown -R 0:0 "$ST/logs"; chmod 755 "$ST" "$ST/logs" "$ST/logs/access"; chmod 644 "$ST/logs/management.jsonl" "$ST/logs/access/"*.jsonl
chmod 600 "$ST/iam/access-keys.csv"

utc "$FIRST"; FIRST_EXFIL_UTC=$R
jst "$FIRST"; FIRST_EXFIL_JST=$R
OTHER_KEYS=4
var LEAKED_KEY_ID "$LEAKED_KEY_ID"
var ATTACKER_IP "$ATTACKER_IP"
var EXFIL_BUCKET "$EXFIL_BUCKET"
var EXFIL_PREFIX "$EXFIL_PREFIX"
var EXFIL_PATH "$EXFIL_BUCKET/$EXFIL_PREFIX"
var FIRST_EXFIL_UTC "$FIRST_EXFIL_UTC"
var FIRST_EXFIL_JST "$FIRST_EXFIL_JST"
var FIRST_EXFIL_HM "${FIRST_EXFIL_JST:11:5}"
var EXFIL_BYTES "$EXFIL_BYTES"
var EXFIL_BYTES_COMMA "$(echo "$EXFIL_BYTES" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
var EXFIL_OBJECTS "$EXFIL_OBJECTS"
var OTHER_KEYS "$OTHER_KEYS"
echo "setup: ready (key $LEAKED_KEY_ID, attacker $ATTACKER_IP, $EXFIL_OBJECTS objects / $EXFIL_BYTES bytes from $EXFIL_PREFIX, last at $LAST)" >&2
