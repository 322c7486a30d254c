#!/bin/bash
# vpn-phishing-telework — setup. Runs as sandbox root before the learner attaches (labs/README.md,
# "Runtime contract"). The files/ overlay is already in place under /srv/vpn and /home/learner.
#
# One per-session incident at Kita-Minato City (fictional), during telework:
#   - yesterday morning a lure ("your VPN password expires today") from a lookalike domain
#     (PHISH_DOMAIN) reached nine staff; the mail gateway passed it (SPF pass: the attacker owns the domain);
#   - VICTIM_USER, working from home over the VPN (full tunnel, so the proxy sees it), opened the link
#     and POSTed the credential form; one other recipient only opened the page; the reporter never clicked;
#   - the attacker logged in to the VPN as VICTIM_USER from ATTACKER_IP (abroad, a home-made PC name)
#     while the real user was connected from home (the appliance logged WARN concurrent-login, mailed
#     to a shared mailbox nobody reads), looked around the file server, and came back at night;
#   - the night tunnel is still up: a worker appends the attacker's file-server activity and, once the
#     tunnel is gone, tries to log in again (and succeeds while the account is open and the IP allowed).
# Every external address is from the documentation ranges (RFC 5737); domains end in .example.
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

VPN=/srv/vpn
LOGS=/srv/logs
chmod 1777 /tmp
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC LC_ALL=C
T_SETUP=$(date +%s)
JST=32400

var() { printf '%s=%s\n' "$1" "$2" >&3; }
AS_LEARNER=(setpriv --reuid="$LUID" --regid="$LGID" --clear-groups)
if ! setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  echo "setup: cannot switch to uid $LUID; the appliance worker runs as uid $(id -u)" >&2
  AS_LEARNER=()
fi

# Random helpers set R instead of printing: a $(…) subshell would reseed $RANDOM (see the flagship).
ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); }
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }
declare -A USED=()
doc_ip() { # a fresh documentation-range address
  local prefixes=(192.0.2 198.51.100 203.0.113) ip
  while :; do
    ip=${prefixes[RANDOM % 3]}.$(( RANDOM % 250 + 3 ))
    [ -n "${USED[$ip]:-}" ] && continue
    USED[$ip]=1; R=$ip; return
  done
}
hex8() { printf -v R '%04x%04x' $RANDOM $RANDOM; }
row() { local IFS=$'\t'; R="$*"; } # a tab-separated session-table row
# Firewall rule matching, shared with the worker: covers <address[/len]|any> <ip>
ip2n() { local IFS=.; local a=($1); R=$(( (a[0] << 24) + (a[1] << 16) + (a[2] << 8) + a[3] )); }
covers() {
  local net=${1%/*} len=32 n m
  [ "$1" = any ] && return 0
  [[ $1 == */* ]] && len=${1#*/}
  [[ $net =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ && $len =~ ^[0-9]{1,2}$ ]] || return 1
  (( len <= 32 )) || return 1
  ip2n "$net"; n=$R; ip2n "$2"
  m=$(( len == 0 ? 0 : (0xFFFFFFFF << (32 - len)) & 0xFFFFFFFF ))
  (( (n & m) == (R & m) ))
}
EP='49152 + RANDOM % 16000'

# ---------------------------------------------------------------- people (fictional)
# user|name (ja)|division (ja)|division (en)|share|PC
STAFF=(
  "a.sato|佐藤 彩|総務課|General Affairs|somu|KMC-PC-0107"
  "k.tanaka|田中 健|税務課|Taxation|zeimu|KMC-PC-0233"
  "m.suzuki|鈴木 美穂|福祉課|Welfare|fukushi|KMC-PC-0311"
  "y.takahashi|高橋 祐介|建設課|Construction|kensetsu|KMC-PC-0418"
  "r.ito|伊藤 玲奈|子育て支援課|Child Support|kosodate|KMC-PC-0352"
  "s.yamamoto|山本 翔|企画課|Planning|kikaku|KMC-PC-0126"
  "n.nakamura|中村 直子|市民課|Citizen Services|shimin|KMC-PC-0281"
  "t.kobayashi|小林 拓也|水道課|Waterworks|suido|KMC-PC-0509"
  "e.kato|加藤 恵|会計課|Accounting|kaikei|KMC-PC-0144"
  "h.watanabe|渡辺 浩|情報政策課|Information Policy|johoseisaku|KMC-PC-0012"
  "h.mori|森 隼人|観光課|Tourism|kanko|KMC-PC-0466"
  "j.ogawa|小川 純|総務課|General Affairs|somu|KMC-PC-0109"
  "c.yoshida|吉田 千尋|税務課|Taxation|zeimu|KMC-PC-0238"
  "d.yamada|山田 大輔|福祉課|Welfare|fukushi|KMC-PC-0317"
  "m.sasaki|佐々木 舞|企画課|Planning|kikaku|KMC-PC-0129"
  "k.matsumoto|松本 圭|市民課|Citizen Services|shimin|KMC-PC-0286"
  "y.inoue|井上 由紀|水道課|Waterworks|suido|KMC-PC-0512"
  "t.kimura|木村 達也|建設課|Construction|kensetsu|KMC-PC-0421"
)
NSTAFF=${#STAFF[@]}
field() { local IFS='|'; local a=($1); R=${a[$2]}; }

# The victim is one of the first nine (not IT, not the colleague abroad); the reporter and the
# colleague who only opened the page are two other recipients.
vi=$(( RANDOM % 9 ))
ri=$(( (vi + 1 + RANDOM % 8) % 9 ))
while :; do ci=$(( RANDOM % 9 )); [ "$ci" != "$vi" ] && [ "$ci" != "$ri" ] && break; done
field "${STAFF[$vi]}" 0; VICTIM_USER=$R
field "${STAFF[$vi]}" 1; VICTIM_NAME=$R
field "${STAFF[$vi]}" 2; VICTIM_DIV=$R
field "${STAFF[$vi]}" 4; VICTIM_SHARE=$R
field "${STAFF[$vi]}" 5; VICTIM_PC=$R
field "${STAFF[$ri]}" 0; REPORTER=$R
field "${STAFF[$ri]}" 1; REPORTER_NAME=$R
field "${STAFF[$ri]}" 2; REPORTER_DIV=$R
field "${STAFF[$ri]}" 3; REPORTER_DIV_EN=$R
field "${STAFF[$ci]}" 0; CLICKER=$R

pick kita-minato-city.example city-kitaminato.example kitaminato-vpn.example kita-minato-portal.example \
  kltaminato-city.example kitaminato-sso.example kita-minato-lg.example kitamlnato-city.example
PHISH_DOMAIN=$R
doc_ip; ATTACKER_IP=$R
doc_ip; PHISH_WEB_IP=$R       # where the harvest page is hosted
doc_ip; PHISH_MTA_IP=$R       # the sending mail server
pick NL DE RO US BR; GEO=$R
c=ABCDEFGHJKLMNPQRSTUVWXYZ0123456789; ATTACKER_HOST=DESKTOP-
for (( i = 0; i < 7; i++ )); do ATTACKER_HOST+=${c:RANDOM % ${#c}:1}; done
declare -A HOME_IP=()
for (( i = 0; i < NSTAFF; i++ )); do field "${STAFF[$i]}" 0; u=$R; doc_ip; HOME_IP[$u]=$R; done
for ip in 192.0.2.80 198.51.100.53 203.0.113.120 192.0.2.44 198.51.100.140; do USED[$ip]=1; done

# ---------------------------------------------------------------- the scenario clock
# "Today" is the JST day of (now − 10 h), so the scenario's 09:30 is never in the real future.
T0=$(date +%s)
b=$(( T0 + JST - 36000 ))
SD=$(( b - b % 86400 - JST ))            # today 00:00 JST, as epoch
D=$(( SD - 86400 ))                      # yesterday 00:00 JST
NOW=$(( SD + 9 * 3600 + 25 * 60 + RANDOM % 600 ))   # scenario "now": today 09:25–09:35

EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
ev() { printf '%d\t%s\t%s\n' "$1" "$2" "$3" >>"$EV"; } # kinds: M mail, P proxy, V vpn, A fs auth, F fs audit
pidc=2000
nextpid() { pidc=$(( pidc + 1 + RANDOM % 30 )); R=$pidc; }
VPNPID=1187
vpn() { ev "$1" V "vpn-gw01 ksvpnd[$VPNPID]: $2"; }
SESSIONS=()   # rows still up at NOW: sid user src geo assigned host started
pool=20
next_pool() { pool=$(( pool + 1 + RANDOM % 3 )); [ $pool -gt 250 ] && pool=21; R=10.30.200.$pool; }

# ---------------------------------------------------------------- web and file-server noise per session
SITES=(
  "https://www.city.kita-minato.example/|text/html|city-site"
  "https://portal.city.kita-minato.example/notice/|text/html|city-site"
  "https://news.example/national/|text/html|news"
  "https://weather.example/forecast/kanto|text/html|weather"
  "https://maps.example/api/tiles/13/7276/3225.png|image/png|maps"
  "https://lgwan-docs.example/forms/latest.pdf|application/pdf|government"
  "https://cdn.example/js/app.js|application/javascript|cdn"
  "https://search.example/search?q=%E8%AD%B0%E4%BA%8B%E9%8C%B2|text/html|search"
  "https://update.example/win/cab/kb50321.cab|application/octet-stream|software-update"
)
proxy() { # time user client method url status bytes type category peer
  ev "$1" P "$(( 40 + RANDOM % 900 )) $3 $2 TCP_MISS/$6 $7 $4 $5 - HIER_DIRECT/${10} $8 cat=$9"
}
browse() { # user client from to
  local t=$3 s url type cat
  while :; do
    t=$(( t + 600 + RANDOM % 2400 )); (( t >= $4 )) && break
    s=${SITES[RANDOM % ${#SITES[@]}]}; IFS='|' read -r url type cat <<<"$s"
    proxy "$t" "$1" "$2" GET "$url" 200 $(( 2000 + RANDOM * 3 )) "$type" "$cat" 192.0.2.80
  done
}
FILES=(業務/事務分掌_2025.docx 会議/課内会議資料_1112.pdf 予算/令和8年度予算要求_作業用.xlsx 名簿/関係者連絡先_2025.xlsx 起案/起案文書テンプレート.docx)
fs_work() { # user client host share from to
  local t=$5 p
  nextpid; p=$R
  fs_auth "$5" "$1" "$3" "$2" "$p"
  ev $(( $5 + 1 )) F "fs01 smbd_audit: $1|$2|$3|$4|connect|ok|$4"
  while :; do
    t=$(( t + 900 + RANDOM % 3600 )); (( t >= $6 )) && break
    ev "$t" F "fs01 smbd_audit: $1|$2|$3|$4|openat|ok|r|${FILES[RANDOM % ${#FILES[@]}]}"
  done
}
fs_auth() { # time user host client pid
  local when
  printf -v when '%(%a, %d %b %Y %H:%M:%S)T' $(( $1 + JST ))
  ev "$1" A "fs01 smbd[$5]: Auth: [SMB2,(null)] user [KITAMINATO]\\[$2] at [$when.$(( 100000 + RANDOM * 27 % 900000 )) JST] with [NTLMv2] status [NT_STATUS_OK] workstation [$3] remote host [ipv4:$4:$((EP))] mapped to [KITAMINATO]\\[$2]. local host [ipv4:10.30.1.20:445]"
}

# A staff member's tunnel from home: AUTH, SESSION START, web and file-server use, END (or still up at NOW).
tunnel() { # user geo src host start end(0 = still up) share
  local sid a
  hex8; sid=$R; next_pool; a=$R
  if (( RANDOM % 7 == 0 )); then vpn $(( $5 - 40 )) "AUTH FAIL user=$1 src=$3 geo=$2 reason=bad-password"; fi
  vpn "$5" "AUTH OK user=$1 src=$3 geo=$2 client=\"KS-VPN Client 4.2.1 (Windows 11)\" host=$4"
  vpn $(( $5 + 1 )) "SESSION START sid=$sid user=$1 src=$3 assigned=$a"
  local end=$6; [ "$end" = 0 ] && end=$NOW
  browse "$1" "$a" "$5" "$end"
  fs_work "$1" "$a" "$4" "$7" $(( $5 + 60 + RANDOM % 300 )) "$end"
  if [ "$6" = 0 ]; then
    ts "$5"; row "$sid" "$1" "$3" "$2" "$a" "$4" "$R"; SESSIONS+=("$R")
  else
    vpn "$6" "SESSION END sid=$sid user=$1 src=$3 duration=$(( $6 - $5 ))s bytes_in=$(( RANDOM * 900 )) bytes_out=$(( RANDOM * 2100 )) reason=logout"
  fi
  LAST_SID=$sid LAST_ADDR=$a
}

# ---------------------------------------------------------------- two days of telework
V1_START= V1_ADDR= V1_END=
for day in "$D" "$SD"; do
  for (( i = 0; i < NSTAFF; i++ )); do
    IFS='|' read -r u _ _ _ share pc <<<"${STAFF[$i]}"
    (( RANDOM % 5 == 0 )) && [ "$u" != "$VICTIM_USER" ] && continue   # in the office or on leave that day
    geo=JP
    start=$(( day + 8 * 3600 + 20 * 60 + RANDOM % 3000 ))
    end=$(( day + 17 * 3600 + 15 * 60 + RANDOM % 4500 ))
    if [ "$u" = h.mori ]; then # on an approved trip to Singapore (JST−1): a city PC, local working hours
      geo=SG; start=$(( day + 10 * 3600 + RANDOM % 1800 )); end=$(( day + 19 * 3600 + RANDOM % 1800 ))
    fi
    if [ "$day" = "$SD" ]; then
      (( start >= NOW - 300 )) && continue
      end=0
    fi
    [ "$u" = "$VICTIM_USER" ] && [ "$day" = "$D" ] && start=$(( day + 8 * 3600 + 40 * 60 + RANDOM % 900 ))
    [ "$u" = "$VICTIM_USER" ] && [ "$day" = "$SD" ] && start=$(( day + 8 * 3600 + 45 * 60 + RANDOM % 600 ))
    tunnel "$u" "$geo" "${HOME_IP[$u]}" "$pc" "$start" "$end" "$share"
    if [ "$u" = "$VICTIM_USER" ] && [ "$day" = "$D" ]; then V1_START=$start V1_ADDR=$LAST_ADDR V1_END=$end V1_SID=$LAST_SID; fi
    if [ "$u" = "$VICTIM_USER" ] && [ "$day" = "$SD" ]; then V2_SID=$LAST_SID V2_START=$start; fi
    if [ "$u" = "$CLICKER" ] && [ "$day" = "$D" ]; then C_ADDR=$LAST_ADDR C_START=$start; fi
  done
done
[ -n "${C_ADDR:-}" ] || { C_START=$(( D + 9 * 3600 )); field "${STAFF[$ci]}" 5; tunnel "$CLICKER" JP "${HOME_IP[$CLICKER]}" "$R" "$C_START" $(( D + 17 * 3600 )) kyoyu; C_ADDR=$LAST_ADDR; }

# Internet noise against the portal: password spraying with names that do not exist.
for (( i = 0; i < 9; i++ )); do
  doc_ip; ip=$R; pick CN US RU VN BR NL KR; g=$R
  t=$(( D - 43200 + RANDOM * 4 % (NOW - D + 43200) ))
  for u in admin test vpn user01 guest; do
    (( RANDOM % 3 == 0 )) && continue
    t=$(( t + 3 + RANDOM % 20 )); vpn "$t" "AUTH FAIL user=$u src=$ip geo=$g reason=unknown-user"
  done
done

# ---------------------------------------------------------------- mail: ordinary traffic and the lure
MAILDOM=city.kita-minato.example
qid() { printf -v R '%X%04X' $(( RANDOM % 16 )) $RANDOM; }
deliver() { # time from client_ip client_name subject recipients...
  local t=$1 from=$2 cip=$3 cname=$4 subj=$5 q p r; shift 5
  qid; q=$R; nextpid; p=$R
  ev "$t" M "mx01 postfix/smtpd[$p]: connect from $cname[$cip]"
  ev "$t" M "mx01 postfix/smtpd[$p]: $q: client=$cname[$cip]"
  ev "$t" M "mx01 policyd-spf[$(( p + 3 ))]: prepend Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=$cip; helo=$cname; envelope-from=<$from>; receiver=<UNKNOWN>"
  ev $(( t + 1 )) M "mx01 postfix/cleanup[$(( p + 5 ))]: $q: message-id=<$(( RANDOM * 7 )).$(( RANDOM ))@${from#*@}>"
  ev $(( t + 1 )) M "mx01 postfix/qmgr[812]: $q: from=<$from>, size=$(( 3000 + RANDOM % 20000 )), nrcpt=$#, (queue active)"
  local rl="" ; for r in "$@"; do rl+="<$r@$MAILDOM>,"; done
  ev $(( t + 2 )) M "mx01 amavis[$(( 3000 + RANDOM % 900 ))]: ($(( 10000 + RANDOM % 80000 ))-$(( RANDOM % 20 ))) Passed CLEAN {RelayedInbound}, [$cip]:$((EP)) <$from> -> ${rl%,}, Subject: \"$subj\", size: $(( 3000 + RANDOM % 20000 )), hits: $(( RANDOM % 3 )).$(( RANDOM % 9 ))$(( RANDOM % 9 ))"
  for r in "$@"; do
    ev $(( t + 3 )) M "mx01 postfix/lmtp[$(( p + 9 ))]: $q: to=<$r@$MAILDOM>, relay=mbox01.$MAILDOM[10.30.1.25]:24, delay=$(( 1 + RANDOM % 3 )).$(( RANDOM % 9 )), dsn=2.0.0, status=sent (250 2.0.0 <$r@$MAILDOM> Saved)"
  done
  ev $(( t + 4 )) M "mx01 postfix/qmgr[812]: $q: removed"
  ev $(( t + 4 )) M "mx01 postfix/smtpd[$p]: disconnect from $cname[$cip] ehlo=1 mail=1 rcpt=$# data=1 quit=1 commands=5"
}
SENDERS=("info@lgwan-docs.example|192.0.2.44|mail.lgwan-docs.example|【通知】様式改正のお知らせ"
  "newsletter@news.example|198.51.100.53|out.news.example|朝刊ヘッドライン"
  "noreply@weather.example|203.0.113.120|mta.weather.example|気象情報（大雨注意報）"
  "support@update.example|198.51.100.140|smtp.update.example|保守契約更新のご案内")
for (( t = D - 20000; t < NOW; t += 1800 + RANDOM % 3600 )); do
  IFS='|' read -r f cip cn subj <<<"${SENDERS[RANDOM % ${#SENDERS[@]}]}"
  field "${STAFF[RANDOM % NSTAFF]}" 0; r1=$R; field "${STAFF[RANDOM % NSTAFF]}" 0; r2=$R
  [ "$r1" = "$r2" ] && deliver "$t" "$f" "$cip" "$cn" "$subj" "$r1" || deliver "$t" "$f" "$cip" "$cn" "$subj" "$r1" "$r2"
done

LURE_AT=$(( D + 7 * 3600 + 50 * 60 + RANDOM % 1800 ))
LURE_SUBJECT='【重要】VPNパスワード有効期限のお知らせ（本日中に更新してください）'
RCPT=("$VICTIM_USER" "$REPORTER" "$CLICKER")
for (( i = 0; ${#RCPT[@]} < 9; i++ )); do
  field "${STAFF[i]}" 0
  case " ${RCPT[*]} " in *" $R "*) ;; *) RCPT+=("$R") ;; esac
done
mapfile -t RCPT < <(printf '%s\n' "${RCPT[@]}" | sort)
deliver "$LURE_AT" "it-support@$PHISH_DOMAIN" "$PHISH_MTA_IP" "mail.$PHISH_DOMAIN" "$LURE_SUBJECT" "${RCPT[@]}"

# ---------------------------------------------------------------- the click, the form, the redirect
CLICK_AT=$(( (V1_START > LURE_AT ? V1_START : LURE_AT) + 1500 + RANDOM % 2400 ))
POST_AT=$(( CLICK_AT + 70 + RANDOM % 90 ))
tok() { printf -v R '%04x%04x%04x' $RANDOM $RANDOM $RANDOM; }
tok; VTOK=$R; tok; CTOK=$R; tok; RTOK=$R
P=https://$PHISH_DOMAIN/kmc/vpn
proxy "$CLICK_AT" "$VICTIM_USER" "$V1_ADDR" GET "$P/password-expiry?id=$VTOK" 200 8123 text/html "uncategorized(newly-registered)" "$PHISH_WEB_IP"
proxy $(( CLICK_AT + 1 )) "$VICTIM_USER" "$V1_ADDR" GET "$P/assets/kmc-logo.png" 200 14877 image/png "uncategorized(newly-registered)" "$PHISH_WEB_IP"
proxy $(( CLICK_AT + 1 )) "$VICTIM_USER" "$V1_ADDR" GET "$P/assets/style.css" 200 3310 text/css "uncategorized(newly-registered)" "$PHISH_WEB_IP"
proxy "$POST_AT" "$VICTIM_USER" "$V1_ADDR" POST "$P/auth.php" 302 412 text/html "uncategorized(newly-registered)" "$PHISH_WEB_IP"
proxy $(( POST_AT + 1 )) "$VICTIM_USER" "$V1_ADDR" GET "https://vpn.$MAILDOM/" 200 6120 text/html city-site 10.30.1.5
CL_AT=$(( LURE_AT + 7200 + RANDOM % 3600 )); (( CL_AT < C_START + 600 )) && CL_AT=$(( C_START + 600 + RANDOM % 600 ))
proxy "$CL_AT" "$CLICKER" "$C_ADDR" GET "$P/password-expiry?id=$CTOK" 200 8123 text/html "uncategorized(newly-registered)" "$PHISH_WEB_IP"
proxy $(( CL_AT + 1 )) "$CLICKER" "$C_ADDR" GET "$P/assets/kmc-logo.png" 200 14877 image/png "uncategorized(newly-registered)" "$PHISH_WEB_IP"

# ---------------------------------------------------------------- the attacker
SH_KYOYU=(情報政策課/VPN接続手順書_v3.pdf 情報政策課/庁内ネットワーク構成図_2025.pdf 総務課/職員連絡網_2025.xlsx
  総務課/庁内電話番号一覧.xlsx 情報政策課/情報セキュリティポリシー_実施手順.pdf)
att_login() { # time → sets A_SID A_ADDR; logs the concurrent-login warning when the user is connected too
  hex8; A_SID=$R; next_pool; A_ADDR=$R
  vpn "$1" "AUTH OK user=$VICTIM_USER src=$ATTACKER_IP geo=$GEO client=\"KS-VPN Client 4.2.1 (Windows 10)\" host=$ATTACKER_HOST"
  vpn $(( $1 + 1 )) "SESSION START sid=$A_SID user=$VICTIM_USER src=$ATTACKER_IP assigned=$A_ADDR"
  if [ -n "${2:-}" ]; then
    vpn $(( $1 + 1 )) "WARN concurrent-login user=$VICTIM_USER sid=$A_SID src=$ATTACKER_IP geo=$GEO existing=$2 (alert mailed to vpn-alerts@$MAILDOM)"
  fi
}
# First visit: a short look around, while the real user is connected from home.
A1=$(( POST_AT + 2100 + RANDOM % 2700 ))
(( A1 > V1_END - 1800 )) && A1=$(( V1_END - 1800 ))
FIRST_LOGIN=$A1
att_login "$A1" "$V1_SID(src=${HOME_IP[$VICTIM_USER]},geo=JP)"
nextpid; fs_auth $(( A1 + 95 )) "$VICTIM_USER" "$ATTACKER_HOST" "$A_ADDR" "$R"
ev $(( A1 + 96 )) F "fs01 smbd_audit: $VICTIM_USER|$A_ADDR|$ATTACKER_HOST|kyoyu|connect|ok|kyoyu"
t=$(( A1 + 100 ))
for d in . 情報政策課 総務課 "$VICTIM_DIV"; do t=$(( t + 20 + RANDOM % 60 )); ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A_ADDR|$ATTACKER_HOST|kyoyu|opendir|ok|$d"; done
A1_END=$(( t + 120 + RANDOM % 240 ))
vpn "$A1_END" "SESSION END sid=$A_SID user=$VICTIM_USER src=$ATTACKER_IP duration=$(( A1_END - A1 ))s bytes_in=$(( RANDOM * 40 )) bytes_out=$(( RANDOM * 9 )) reason=logout"

# Second visit at night: still connected now.
A2=$(( SD + 2 * 3600 + RANDOM % 4800 ))
att_login "$A2"
A2_SID=$A_SID A2_ADDR=$A_ADDR
ts "$A2"; row "$A2_SID" "$VICTIM_USER" "$ATTACKER_IP" "$GEO" "$A2_ADDR" "$ATTACKER_HOST" "$R"; SESSIONS+=("$R")
nextpid; fs_auth $(( A2 + 60 )) "$VICTIM_USER" "$ATTACKER_HOST" "$A2_ADDR" "$R"
t=$(( A2 + 61 ))
ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|kyoyu|connect|ok|kyoyu"
for f in "${SH_KYOYU[@]}"; do t=$(( t + 15 + RANDOM % 90 )); ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|kyoyu|openat|ok|r|$f"; done
t=$(( t + 60 + RANDOM % 120 ))
ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|$VICTIM_SHARE|connect|ok|$VICTIM_SHARE"
for f in "${FILES[@]}"; do t=$(( t + 10 + RANDOM % 60 )); ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|$VICTIM_SHARE|openat|ok|r|$f"; done
for share in somu johoseisaku; do
  [ "$share" = "$VICTIM_SHARE" ] && continue
  t=$(( t + 30 + RANDOM % 60 ))
  ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|$share|connect|fail (NT_STATUS_ACCESS_DENIED)|$share"
done
# …and a slow trickle since, up to now.
while :; do t=$(( t + 600 + RANDOM % 1500 )); (( t >= NOW )) && break; ev "$t" F "fs01 smbd_audit: $VICTIM_USER|$A2_ADDR|$ATTACKER_HOST|kyoyu|opendir|ok|${SH_KYOYU[RANDOM % 5]%%/*}"; done
# The real user connected this morning while the night tunnel was up: a second concurrent-login warning.
vpn $(( V2_START + 1 )) "WARN concurrent-login user=$VICTIM_USER sid=$V2_SID src=${HOME_IP[$VICTIM_USER]} geo=JP existing=$A2_SID(src=$ATTACKER_IP,geo=$GEO) (alert mailed to vpn-alerts@$MAILDOM)"
vpn $(( SD + 7 * 3600 )) "INFO daily-report mailed to vpn-alerts@$MAILDOM (logins=$(( 30 + RANDOM % 20 )) warnings=1)"

# ---------------------------------------------------------------- write the logs, the appliance state, the inbox
mkdir -p "$LOGS/mail" "$LOGS/proxy" "$LOGS/vpn" "$LOGS/fs01" "$VPN/run" "$VPN/etc" "$LHOME/inbox"
exec 4>"$LOGS/mail/maillog" 5>"$LOGS/proxy/access.log" 6>"$LOGS/vpn/vpn.log" 7>"$LOGS/fs01/auth.log" 8>"$LOGS/fs01/audit.log"
sort -s -n -k1,1 "$EV" | while IFS=$'\t' read -r t kind line; do
  ts "$t"
  case $kind in M) fd=4 ;; P) fd=5 ;; V) fd=6 ;; A) fd=7 ;; *) fd=8 ;; esac
  printf '%s %s\n' "$R" "$line" >&$fd
done
exec 4>&- 5>&- 6>&- 7>&- 8>&-

{
  echo '# user:status:pw_changed:must_change:mfa:group:note  (see /srv/vpn/doc/README.txt)'
  for (( i = 0; i < NSTAFF; i++ )); do
    IFS='|' read -r u name div _ _ _ <<<"${STAFF[$i]}"
    pwd_day=$(( D - (30 + RANDOM % 300) * 86400 )); printf -v pw '%(%Y-%m-%d)T' $(( pwd_day + JST ))
    mfa=none; [ "$u" = h.watanabe ] && mfa=enrolled
    note="$name $div"; [ "$u" = h.mori ] && note="$name $div 海外出張(シンガポール)申請済 今週いっぱい"
    grp=telework; [ "$u" = h.watanabe ] && grp=admin
    echo "$u:active:$pw:no:$mfa:$grp:$note"
  done
  echo "o.kimura:disabled:2024-03-29:no:none:telework:木村 修 税務課 2024年3月退職"
} >"$VPN/etc/users"
{
  printf '#sid\tuser\tsrc\tgeo\tassigned\thost\tstarted\n'
  printf '%s\n' "${SESSIONS[@]}" | sort -t$'\t' -k7,7
} >"$VPN/run/sessions"
LEGIT_SESSIONS=$(grep -v '^#' "$VPN/run/sessions" | awk -F'\t' -v v="$VICTIM_USER" '$2 != v' | wc -l)
ACTIVE_OTHERS=$(grep -v '^#' "$VPN/etc/users" | awk -F: -v v="$VICTIM_USER" '$1 != v && $2 == "active"' | wc -l)
echo $(( NOW - T_SETUP )) >"$VPN/run/clock"

ts "$LURE_AT"; LURE_TS=$R
ts $(( NOW - 900 - RANDOM % 600 )); TICKET_TS=$R
cat >"$LHOME/inbox/ticket-HD-3187.txt" <<EOF
Ticket:   HD-3187 (helpdesk → information security)
Opened:   $TICKET_TS
Reporter: $REPORTER_NAME ($REPORTER_DIV / $REPORTER_DIV_EN), $REPORTER@$MAILDOM
Subject:  不審メールの報告 / Suspicious e-mail reported

【受付内容】
昨日（${LURE_TS:0:10}）の朝に「情報政策課 システム管理担当」名で「VPN パスワードの有効期限が本日で
切れる」というメールが届いた。昨日は会議続きで読み流していたが、今朝読み直したところ差出人のアドレスが市のものと
違うことに気付いた。リンクは開いていない。同じ課の職員にも届いているかもしれない。
メールは添付（reported-mail.eml）のとおり。

【ヘルプデスク対応】
本人には削除せず保存するよう依頼済み。情報政策課 情報セキュリティ担当へエスカレーション。

[English]
Yesterday morning (${LURE_TS:0:10}) the reporter received an e-mail signed "Information Policy Division,
system administration" saying their VPN password expires that day. They only skimmed it between meetings;
re-reading it this morning they noticed the sender's address is not the city's. They did not open the
link. Colleagues may have received it too. The mail is attached (reported-mail.eml).
Helpdesk asked the reporter to keep the mail and escalated to the information security team.
EOF
printf -v MAILDATE '%(%a, %d %b %Y %H:%M:%S +0900)T' $(( LURE_AT + JST ))
cat >"$LHOME/inbox/reported-mail.eml" <<EOF
Return-Path: <it-support@$PHISH_DOMAIN>
Received: from mail.$PHISH_DOMAIN (unknown [$PHISH_MTA_IP])
	by mx01.$MAILDOM (Postfix) with ESMTPS
	for <$REPORTER@$MAILDOM>; $MAILDATE
Received-SPF: Pass (mailfrom) identity=mailfrom; client-ip=$PHISH_MTA_IP; helo=mail.$PHISH_DOMAIN; envelope-from=<it-support@$PHISH_DOMAIN>
From: "北湊市 情報政策課 システム管理担当" <it-support@$PHISH_DOMAIN>
To: $REPORTER@$MAILDOM
Subject: $LURE_SUBJECT
Date: $MAILDATE
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

職員各位

情報政策課 システム管理担当です。
テレワーク用 VPN のパスワード有効期限が本日で終了します。
本日中に下記のページから現在のパスワードを入力し、更新手続きを行ってください。
更新されない場合、明日以降 VPN に接続できなくなります。

  https://$PHISH_DOMAIN/kmc/vpn/password-expiry?id=$RTOK

※本メールはシステムから自動送信されています。返信はできません。

--
北湊市 総務部 情報政策課 システム管理担当
内線 2145
EOF

# ---------------------------------------------------------------- hand the appliance to its account, start the tunnel worker
chown -R "$LUID:$LGID" "$VPN" "$LOGS" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
chmod 600 "$VPN/etc/users"

# The worker stands in for the attacker's tunnel and the appliance's reaction to it. It runs as the
# appliance account (the learner) but reads its program from a root-only file deleted after start.
W=$(mktemp /root/.wXXXXXX 2>/dev/null || mktemp /tmp/.wXXXXXX)
cat >"$W" <<EOF
export TZ=UTC
V=$VPN; U=$VICTIM_USER; IP=$ATTACKER_IP; G=$GEO; H=$ATTACKER_HOST; OFF=$(( NOW - T_SETUP ))
FILESX=(${SH_KYOYU[*]})
$(declare -f covers ip2n)
EOF
cat >>"$W" <<'EOF'
now() { R=$(( $(date +%s) + OFF )); printf -v T '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( R + 32400 )); }
vlog() { now; printf '%s vpn-gw01 ksvpnd[1187]: %s\n' "$T" "$1" >>/srv/logs/vpn/vpn.log; }
flog() { now; printf '%s fs01 smbd_audit: %s\n' "$T" "$1" >>/srv/logs/fs01/audit.log; }
denied() { local r a; while read -r r a _; do [ "$r" = deny ] && covers "$a" "$IP" && return 0; done < <(grep -E '^[[:space:]]*deny[[:space:]]' "$V/etc/firewall.conf" 2>/dev/null); return 1; }
acct() { awk -F: -v u="$U" '$1 == u { print $2, $4, $5 }' "$V/etc/users" 2>/dev/null; }
gone=0 n=0
while sleep 20; do
  n=$(( n + 1 ))
  row=$(grep -v '^#' "$V/run/sessions" 2>/dev/null | awk -F'\t' -v ip="$IP" '$3 == ip' | head -n 1)
  if [ -n "$row" ]; then
    gone=0
    addr=$(printf '%s' "$row" | cut -f5)
    (( n % 3 == 0 )) && flog "$U|$addr|$H|kyoyu|openat|ok|r|${FILESX[RANDOM % ${#FILESX[@]}]}"
    continue
  fi
  gone=$(( gone + 1 ))
  (( gone % 3 == 0 )) || continue
  read -r st mc mfa <<<"$(acct)"
  if denied; then vlog "DENY src=$IP dst=vpn-gw01:443 rule=firewall.conf"
  elif [ "$st" != active ]; then vlog "AUTH FAIL user=$U src=$IP geo=$G reason=account-disabled"
  elif [ "$mc" = yes ]; then vlog "AUTH FAIL user=$U src=$IP geo=$G reason=bad-password"
  elif [ "$mfa" != none ]; then vlog "AUTH FAIL user=$U src=$IP geo=$G reason=mfa-required"
  else
    sid=$(printf '%04x%04x' $RANDOM $RANDOM); addr=10.30.200.$(( 60 + RANDOM % 150 ))
    vlog "AUTH OK user=$U src=$IP geo=$G client=\"KS-VPN Client 4.2.1 (Windows 10)\" host=$H"
    vlog "SESSION START sid=$sid user=$U src=$IP assigned=$addr"
    now
    ( flock -w 5 9 && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sid" "$U" "$IP" "$G" "$addr" "$H" "$T" >>"$V/run/sessions" ) 9>>"$V/run/.lock"
  fi
done
EOF
chmod 600 "$W"
( exec <"$W" >/dev/null 2>&1 3>&-
  exec "${AS_LEARNER[@]}" env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 TZ=UTC \
    setsid bash -c 'exec -a "ksvpnd: tunnel-worker" bash --norc --noprofile -s' ) &
sleep 0.3
rm -f "$W"

ts "$FIRST_LOGIN"; FIRST_LOGIN_HM=${R:11:5}
var VICTIM_USER "$VICTIM_USER"
var ATTACKER_IP "$ATTACKER_IP"
var PHISH_DOMAIN "$PHISH_DOMAIN"
var FIRST_LOGIN_HM "$FIRST_LOGIN_HM"
var ATTACKER_HOST "$ATTACKER_HOST"
var LEGIT_SESSIONS "$LEGIT_SESSIONS"
var ACTIVE_OTHERS "$ACTIVE_OTHERS"
echo "setup: ready (victim $VICTIM_USER, attacker $ATTACKER_IP, first login $FIRST_LOGIN_HM JST)" >&2
