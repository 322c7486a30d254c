#!/bin/bash
# ransomware-file-server — setup. Runs as sandbox root before the learner attaches (labs/README.md,
# "Runtime contract"). The files/ overlay is already in place under /srv/fileserver and /home/learner.
#
# Builds one per-session ransomware incident on fs01, the file server of a fictional city:
#   - the share /srv/share (home folders, department folders, a city-wide folder) and last night's
#     backup snapshot /srv/backup/<date>/ with its SHA256SUMS (read-only for the learner);
#   - a few edits after the backup (some in the encrypted area: lost unless noted; some outside it:
#     must not be overwritten by a careless restore);
#   - the attack: an account (PZ_USER) on a workstation (PZ_HOST) saved a mail attachment to its
#     H: drive, ran it, and its SMB session has been renaming files to *.locked, newest first,
#     every 6–10 seconds, dropping ransom notes. ENCRYPTED_AT_ALERT files were locked when a
#     colleague called the help desk; more since;
#   - the file service (fsd) with one session process per workstation, still running the
#     encrypting session; the client reconnects when its session is closed, unless the share ACL
#     takes its write access away.
# The "encryption" is a byte substitution (tr) plus a footer: harmless, but the files are unusable.
# Per-session variables go to fd 3 as NAME=value lines; nothing here may write them elsewhere.
set -euo pipefail
{ : >&3; } 2>/dev/null || { echo "setup.sh: fd 3 is not open; run by hand as: bash setup.sh 3>vars.txt" >&2; exit 2; }

SHARE=/srv/share
FS=/srv/fileserver
chmod 1777 /tmp
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}
RANDOM=${LAB_SEED:-$(( $$ ^ $(date +%s) ))}
export TZ=UTC LC_ALL=C
T0=$(date +%s)
JST=32400

var() { printf '%s=%s\n' "$1" "$2" >&3; }
# The file service belongs to its service account, which is the learner (no sudo needed).
AS=(env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 TZ=JST-9)
if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  AS=(setpriv --reuid="$LUID" --regid="$LGID" --clear-groups "${AS[@]}")
else
  echo "setup: cannot switch to uid $LUID; the file service runs as uid $(id -u)" >&2
fi
ts() { printf -v R '%(%Y-%m-%dT%H:%M:%S)T+09:00' $(( $1 + JST )); } # → R, JST
day() { printf -v R '%(%Y-%m-%d)T' $(( $1 + JST )); }
# Random helpers set R instead of printing: a $(…) subshell would not advance $RANDOM here.
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }

# ---------------------------------------------------------------- people and machines
DEPTS=(somu zeimu fukushi kosodate kensetsu kankyo)
DCODE=(SOMU ZEIM FUKU KODO KENS KANK)
DJA=(総務課 税務課 福祉課 こども家庭課 建設課 環境課)
DEN=("General Affairs" Taxation Welfare "Children and Families" Construction Environment)
B_somu=(shokuin_meibo kaigi_gijiroku bihin_daicho kobunsho_mokuroku saigai_renrakumo senkyo_junbi)
B_zeimu=(koteishisan_kazei_list juminzei_shinkoku_uketsuke nozei_tsuchi_hassou gensen_chosyu_meisai tokusoku_taisho_list zeimu_madoguchi_nippo)
B_fukushi=(kaigo_nintei_list seikatsu_hogo_kiroku shogai_techo_shinsei minseiiin_meibo fukushi_kaigi_gijiroku kyufu_shiharai_yotei)
B_kosodate=(hoikuen_nyuen_shinsei jidou_teate_jukyu kenshin_yoyaku_list kosodate_soudan_kiroku gakudou_riyousha ninpu_mensetsu_kiroku)
B_kensetsu=(doro_hoshu_keikaku koji_keiyaku_ichiran kasen_junshi_nippo kyoryo_tenken_kekka sekkei_henko_kiroku shiyou_kyoka_list)
B_kankyo=(gomi_shushu_calendar kankyo_chousa_data fuho_toki_tsuho suishitsu_kensa_kekka souon_kujo_kiroku recycle_keikaku)
SURN=(tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki matsumoto inoue kimura hayashi shimizu yamaguchi)
SURJ=(田中 鈴木 高橋 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 佐々木 松本 井上 木村 林 清水 山口)
INIT=(a h k m n r s t y)
users=() unames=() hosts=() ips=() udept=()
used=' '
for (( d = 0; d < 6; d++ )); do
  for (( k = 0; k < 2; k++ )); do
    while :; do s=$(( RANDOM % ${#SURN[@]} )); case $used in *" $s "*) continue ;; esac; used+="$s "; break; done
    pick "${INIT[@]}"; users+=("$R.${SURN[s]}"); unames+=("${SURJ[s]}")
    printf -v h 'WS-%s-%03d' "${DCODE[d]}" $(( 2 + RANDOM % 60 + k * 60 ))
    hosts+=("$h"); ips+=("10.10.$(( d + 1 )).$(( 20 + RANDOM % 200 ))"); udept+=("$d")
  done
done
PZ=$(( RANDOM % 12 )); PZD=${udept[PZ]}; REP=$(( PZ ^ 1 )) # the reporter: the colleague in the same department
PZ_USER=${users[PZ]} PZ_HOST=${hosts[PZ]} PZ_IP=${ips[PZ]}

# ---------------------------------------------------------------- timeline (epoch seconds)
X=$(( T0 - 4 * 3600 ))
BK=$(( X - (X - 61200) % 86400 ))             # last 02:00 JST at least four hours ago: the nightly backup
day "$BK"; BACKUP_DATE=$R
BKDIR=/srv/backup/$BACKUP_DATE
ym() { printf -v R '%(%Y-%m)T' $(( T0 + JST - $1 * 30 * 86400 )); }
ym 0; M0=$R; ym 1; M1=$R; ym 2; M2=$R; ym 3; M3=$R

# ---------------------------------------------------------------- the share
rm -rf "$SHARE" && mkdir -p "$SHARE"
FILES=()            # relative paths
declare -A MT=()    # relative path → mtime
row_name() { pick "${SURJ[@]}"; local a=$R; pick 花子 太郎 一郎 美咲 健太 陽子 直樹 由美 翔太 恵子; R="$a $R"; }
content() { # path kind → file content on stdout (fictional data)
  local p=$1 n i
  case $p in
    *.csv)
      printf '# 北湊市（架空）%s  作成: %s\n' "${p##*/}" "$2"
      printf '番号,氏名,地区,受付日,状況,備考\n'
      n=$(( 4 + RANDOM % 12 ))
      for (( i = 1; i <= n; i++ )); do
        row_name
        local who=$R; pick 受付済 審査中 完了 保留
        printf '%d,%s,北湊%d丁目,%s-%02d,%s,%s\n' "$i" "$who" $(( 1 + RANDOM % 9 )) "$M0" $(( 1 + RANDOM % 28 )) "$R" "架空データ"
      done ;;
    *)
      printf '北湊市（架空）%s\n作成: %s\n\n' "${p##*/}" "$2"
      n=$(( 3 + RANDOM % 8 ))
      for (( i = 1; i <= n; i++ )); do printf '%d. 確認事項 %d: 担当者に連絡済み（架空の記録）。\n' "$i" $(( RANDOM % 100 )); done ;;
  esac
}
addfile() { # relpath author
  local p=$1
  mkdir -p "$SHARE/${p%/*}"
  content "$p" "$2" >"$SHARE/$p"
  MT[$p]=$(( BK - 600 - RANDOM * 37 % (40 * 86400) ))
  FILES+=("$p")
}
for (( d = 0; d < 6; d++ )); do
  dn=${DEPTS[d]}; declare -n bases="B_$dn"
  for b in "${bases[@]}"; do
    case $(( RANDOM % 3 )) in
      0) addfile "depts/$dn/${b}_$M0.csv" "${DJA[d]}" ;;
      1) addfile "depts/$dn/${b}_$M1.csv" "${DJA[d]}"; addfile "depts/$dn/${b}_$M0.csv" "${DJA[d]}" ;;
      2) addfile "depts/$dn/${b}_$M2.txt" "${DJA[d]}"; addfile "depts/$dn/${b}_$M1.csv" "${DJA[d]}"; addfile "depts/$dn/${b}_$M0.csv" "${DJA[d]}" ;;
    esac
  done
  unset -n bases
done
for m in "$M3" "$M2" "$M1" "$M0"; do
  for k in 1 2 3 4 5 6; do addfile "common/chonai_tsuchi/chonai_tsuchi_${m}_$k.txt" 総務課; done
  addfile "common/kaigishitsu/kaigishitsu_yoyaku_$m.csv" 総務課
  addfile "common/kyuka/kyuka_yotei_$m.csv" 総務課
done
for y in kyuka_todoke shucchou_meirei kounyu_irai jikangai_shinsei kashidashi_daicho bunsho_kessai joho_mochidashi hoshu_irai kenshu_moushikomi; do
  addfile "common/yoshiki/yoshiki_$y.txt" 総務課
done
for x in saigai_taiou_manual bcp_renraku_taisei johosecurity_kihon_houshin kenshu_annai_$M0 eisei_iinkai_$M1 naisen_ichiran; do
  addfile "common/$x.txt" 総務課
done
for (( u = 0; u < 12; u++ )); do
  n=$(( 2 + RANDOM % 3 ))
  for (( k = 0; k < n; k++ )); do
    pick memo todo draft shiryo kakunin; addfile "home/${users[u]}/${R}_${users[u]%%.*}${k}.txt" "${unames[u]}"
  done
done

# Scope of the encrypting session: the account's H:, S: and K: drives.
SCOPE_RE="^(home/$PZ_USER|depts/${DEPTS[PZD]}|common)/"
inscope() { [[ $1 =~ $SCOPE_RE ]]; }
SC=() OUT=()
for p in "${FILES[@]}"; do if inscope "$p"; then SC+=("$p"); else OUT+=("$p"); fi; done
PZDEPT_FILES=()
for p in "${SC[@]}"; do case $p in "depts/${DEPTS[PZD]}/"*) PZDEPT_FILES+=("$p") ;; esac; done

# Edits after the backup. LOST: in the scope (encrypted first, newest first); KEEP: outside it.
pick "${PZDEPT_FILES[@]}"; LM1=$R
while :; do pick "${SC[@]}"; case $R in "$LM1"|home/*) continue ;; esac; LM2=$R; break; done
LN="depts/${DEPTS[PZD]}/${DEPTS[PZD]}_kinkyu_houkoku_${BACKUP_DATE//-/}.csv"
while :; do pick "${OUT[@]}"; case $R in depts/*) KP1=$R; break ;; esac; done
while :; do pick "${OUT[@]}"; case $R in depts/*) [ "$R" != "$KP1" ] && { KP2=$R; break; } ;; esac; done

for p in "${FILES[@]}"; do touch -d "@${MT[$p]}" "$SHARE/$p"; done
find "$SHARE" -type d -exec touch -d "@$(( BK - 86400 ))" {} +

# ---------------------------------------------------------------- last night's backup
mkdir -p "$BKDIR"
cp -a "$SHARE" "$BKDIR/share"
( cd "$BKDIR" && find share -type f -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS )
NBK=$(wc -l <"$BKDIR/SHA256SUMS")

# ---------------------------------------------------------------- the day's edits, then the attack
EV=$(mktemp)
trap 'rm -f "$EV"' EXIT
au() { printf '%d\t%s fs01 smbd_audit: client=%s ws=%s user=KITAMINATO\\%s %s\n' "$1" "@" "${ips[$2]}" "${hosts[$2]}" "${users[$2]}" "$3" >>"$EV"; }
EDIT_LO=$(( BK + 3600 ))
T_DL=$(( T0 - 900 - RANDOM % 600 ))           # the attachment is saved to H: 15–25 minutes ago
EDIT_HI=$(( T_DL - 1200 ))
edit_time() { R=$(( EDIT_LO + RANDOM * 53 % (EDIT_HI - EDIT_LO) )); }
user_of_dept() { R=$(( $1 * 2 + RANDOM % 2 )); }
append_edit() { # path user
  local p=$1
  printf '追記 %s: 内容を更新（架空）。\n' "$BACKUP_DATE" >>"$SHARE/$p"
  edit_time; MT[$p]=$R
  touch -d "@$R" "$SHARE/$p"
  au "$R" "$2" "op=write path=$p result=ok"
}
append_edit "$LM1" "$PZ"
append_edit "$LM2" "$REP"
kd=${KP1#depts/}; kd=${kd%%/*}; for (( d = 0; d < 6; d++ )); do [ "${DEPTS[d]}" = "$kd" ] && { user_of_dept "$d"; append_edit "$KP1" "$R"; }; done
kd=${KP2#depts/}; kd=${kd%%/*}; for (( d = 0; d < 6; d++ )); do [ "${DEPTS[d]}" = "$kd" ] && { user_of_dept "$d"; append_edit "$KP2" "$R"; }; done
content "$LN" "${DJA[PZD]}" >"$SHARE/$LN"
edit_time; MT[$LN]=$R; touch -d "@$R" "$SHARE/$LN"; FILES+=("$LN"); SC+=("$LN")
au "$R" "$REP" "op=create path=$LN result=ok"

# The attachment, run from H: (a harmless stub standing in for the ransomware).
pick "seikyusho_$M0" nouhin_meisaisho kaigi_shiryo_soufu furikomi_kakunin hoken_keiyaku_koushin
EXE=home/$PZ_USER/Downloads/$R.pdf.exe
mkdir -p "$SHARE/home/$PZ_USER/Downloads"
printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\n[Kenshu training stub: stands in for the ransomware the workstation ran. Not executable, harmless.]\n' >"$SHARE/$EXE"
touch -d "@$T_DL" "$SHARE/$EXE" "$SHARE/home/$PZ_USER/Downloads"
au "$T_DL" "$PZ" "op=create path=$EXE result=ok"
au $(( T_DL + 2 )) "$PZ" "op=write path=$EXE result=ok"

# Encryption order: newest first (mtime), as the session program does. Times run back from now.
mapfile -t ORDER < <(for p in "${SC[@]}"; do printf '%d %s\n' "${MT[$p]}" "$p"; done | sort -k1,1nr -k2 | cut -d' ' -f2-)
S=${#ORDER[@]}
N_ALERT=$(( 14 + RANDOM % 10 ))
M=$(( 6 + RANDOM % 5 ))
(( N_ALERT + M > S - 12 )) && { echo "setup: scope too small ($S)" >&2; exit 1; }
N_NOW=$(( N_ALERT + M ))
TE=()
t=$(( T0 - 5 - RANDOM % 3 ))
for (( i = N_NOW - 1; i >= 0; i-- )); do TE[i]=$t; t=$(( t - 6 - RANDOM % 5 )); done
T_ALERT=$(( TE[N_ALERT - 1] + 2 ))
T_EXE=$(( TE[0] - 20 - RANDOM % 20 ))
au "$T_EXE" "$PZ" "op=open path=$EXE access=execute result=ok"
for p in "$LM1" "$LM2" "$LN"; do # sanity: every edit after the backup in the scope is among the locked
  for (( i = 0; i < N_NOW; i++ )); do [ "${ORDER[i]}" = "$p" ] && continue 2; done
  echo "setup: $p would not be encrypted" >&2; exit 1
done

# The session program's substitution table (its "key"), the victim id and the ransom note.
perm=(); for (( i = 0; i < 256; i++ )); do perm+=("$i"); done
for (( i = 255; i > 0; i-- )); do j=$(( RANDOM % (i + 1) )); x=${perm[i]}; perm[i]=${perm[j]}; perm[j]=$x; done
KEY=''; for v in "${perm[@]}"; do printf -v o '\\%03o' "$v"; KEY+=$o; done
VICTIM_ID=''; for (( i = 0; i < 4; i++ )); do printf -v h '%04X' $(( (RANDOM << 1 | RANDOM & 1) & 65535 )); VICTIM_ID+=$h; done
NOTE=$(cat <<EOF
==================== KNLocker ====================
          ALL YOUR FILES HAVE BEEN ENCRYPTED

Your documents, spreadsheets and databases on this network were encrypted
with a strong algorithm. Files now end in .locked.

We have also DOWNLOADED your confidential data. If you do not contact us
within 72 hours, it will be published on our blog.

Your personal ID:   $VICTIM_ID

How to get your files back:
  1. Write to restore@knlocker.example with your personal ID.
  2. You will receive the price and the payment address.
  3. After payment you will receive a decryptor.

Do NOT rename or modify .locked files. Do NOT use recovery tools.
Do NOT contact the police or data recovery companies.
===================================================
[Kenshu training material. Fictional group, fictional address.]
EOF
)
NOTE_SHA256=$(printf '%s\n' "$NOTE" | sha256sum | cut -d' ' -f1)
lock() { # relpath epoch: what the session program does to one file
  local p=$1 f=$SHARE/$1 d
  { LC_ALL=C tr '\000-\377' "$KEY" <"$f"; printf '\nKNLOCKER:1:%s:%04x%04x\n' "$VICTIM_ID" $RANDOM $RANDOM; } >"$f.locked"
  rm -f "$f"; touch -d "@$2" "$f.locked"
  au "$2" "$PZ" "op=rename path=$p newpath=$p.locked result=ok"
  au "$2" "$PZ" "op=write path=$p.locked result=ok"
  d=${f%/*}
  if [ ! -e "$d/README_RESTORE_FILES.txt" ]; then
    printf '%s\n' "$NOTE" >"$d/README_RESTORE_FILES.txt"; touch -d "@$2" "$d/README_RESTORE_FILES.txt"
    au "$2" "$PZ" "op=create path=${d#"$SHARE"/}/README_RESTORE_FILES.txt result=ok"
  fi
}
for (( i = 0; i < N_NOW; i++ )); do lock "${ORDER[i]}" "${TE[i]}"; done

# The colleague who called: opens encrypted files and a note in the department folder.
mapfile -t L < <(cd "$SHARE" && find "depts/${DEPTS[PZD]}" -name '*.locked' | sort)
tr_=$(( T_ALERT - 100 - RANDOM % 60 ))
au "$tr_" "$REP" "op=open path=${L[0]} result=ok"
au $(( tr_ + 25 )) "$REP" "op=open path=${L[${#L[@]} - 1]} result=ok"
au $(( tr_ + 50 )) "$REP" "op=open path=depts/${DEPTS[PZD]}/README_RESTORE_FILES.txt result=ok"

# Everyday traffic since the evening before the backup: connects, opens, reads; writes only before it.
for (( u = 0; u < 12; u++ )); do
  d=${udept[u]}
  mine=()
  for p in "${FILES[@]}"; do case $p in "home/${users[u]}/"*|"depts/${DEPTS[d]}/"*|common/*) mine+=("$p") ;; esac; done
  t=$(( BK - 8 * 3600 + RANDOM % 3600 ))
  au "$t" "$u" "op=connect share=share access=rw result=ok"
  while :; do
    t=$(( t + 600 + RANDOM % 2400 )); (( t < T0 - 30 )) || break
    pick "${mine[@]}"; p=$R
    if inscope "$p" && (( t > TE[0] - 60 )); then continue; fi
    if (( t < BK - 300 )) && (( RANDOM % 4 == 0 )); then op=write; else pick open open read; op=$R; fi
    au "$t" "$u" "op=$op path=$p result=ok"
  done
done

mkdir -p "$FS/log" "$FS/run" "$FS/etc"
sort -s -n -k1,1 "$EV" | while IFS=$'\t' read -r t line; do ts "$t"; printf '%s%s\n' "$R" "${line#@}"; done >"$FS/log/audit.log"
{
  ts $(( BK - 30 * 86400 )); echo "$R fs01 fsd[412]: file service started (share /srv/share)"
  ts "$BK"; echo "$R fs01 backup[$(( 20000 + RANDOM % 9000 ))]: nightly snapshot of /srv/share started (retention: 1 generation)"
  ts $(( BK + 140 + RANDOM % 60 )); echo "$R fs01 backup[$(( 20000 + RANDOM % 9000 ))]: snapshot completed: $NBK files -> $BKDIR (SHA256SUMS written)"
} >"$FS/log/messages"

# The share ACL: H:, S:, K: for every account.
{
  echo "# \\\\fs01\\share — access per account (read when a session is set up; open sessions keep their rights)"
  echo "# account       access  folders"
  for (( u = 0; u < 12; u++ )); do printf '%-15s %-7s home/%s depts/%s common\n' "${users[u]}" rw "${users[u]}" "${DEPTS[udept[u]]}"; done
} >"$FS/etc/share-acl.conf"

# ---------------------------------------------------------------- the help desk ticket (the detection)
mkdir -p "$LHOME/inbox"
ts "$T_ALERT"; ALERT_AT=$R
cat >"$LHOME/inbox/helpdesk-ticket.txt" <<EOF
北湊市 情報政策課 ヘルプデスク 受付票 / Help desk ticket (Kita-Minato City, fictional)

チケット番号 / Ticket:   HD-${BACKUP_DATE//-/}-$(( 30 + RANDOM % 60 ))
受付日時 / Received:     $ALERT_AT
連絡者 / Caller:         ${DJA[PZD]} ${unames[REP]}（${users[REP]}、内線 $(( 2100 + RANDOM % 800 ))）
端末 / Workstation:      ${hosts[REP]}

内容:
  共有フォルダ（S: ドライブ、${DJA[PZD]}）のファイルが開けない。ファイル名の末尾に「.locked」が
  付いていて、README_RESTORE_FILES.txt というファイルが置かれている。10 分前までは普通に開けた。
  K: ドライブ（全庁共有）でも同じようになっているファイルがある。

Summary (English):
  Files on the S: drive (${DEN[PZD]} Division) will not open. Their names now end in ".locked" and a
  file called README_RESTORE_FILES.txt has appeared. They opened normally ten minutes ago. Some files
  on the K: drive (city-wide) look the same.

担当 / Assigned to: 情報セキュリティ担当（あなた / you）
EOF

# ---------------------------------------------------------------- hand over, start the file service
chown -R "$LUID:$LGID" "$SHARE" "$FS" "$LHOME" 2>/dev/null || echo "setup: chown to $LUID:$LGID not possible here" >&2
chown -R 0:0 /srv/backup && chmod -R go-w,a+rX /srv/backup
chmod 755 /srv

BOOT=$(mktemp -d "$FS/run/.boot.XXXXXX")
clients=("$PZ" "$REP")
while [ ${#clients[@]} -lt 5 ]; do u=$(( RANDOM % 12 )); case " ${clients[*]} " in *" $u "*) ;; *) clients+=("$u") ;; esac; done
for u in "${clients[@]}"; do
  if [ "$u" = "$PZ" ]; then f=5; else f=6; fi
  printf '%s %s %s %s\n' "${hosts[u]}" "${ips[u]}" "${users[u]}" "$f"
done >"$BOOT/clients"

# The encrypting client's session (what the workstation does through its mapped drives).
cat >"$BOOT/s5" <<EOF
WS=\$1 IP=\$2 ACCT=\$3 ACC=\$4
SHARE=$SHARE LOG=$FS/log/audit.log ACL=$FS/etc/share-acl.conf
trap '' HUP PIPE
au() { printf '%(%Y-%m-%dT%H:%M:%S+09:00)T fs01 smbd_audit: client=%s ws=%s user=KITAMINATO\\\\%s %s\\n' -1 "\$IP" "\$WS" "\$ACCT" "\$*" >>"\$LOG"; }
f=\$(mktemp -u $FS/run/.s.XXXXXX); mkfifo -m 600 "\$f" && exec 9<>"\$f" && rm -f "\$f"
au "op=connect share=share access=\$ACC result=ok"
if [ "\$ACC" != rw ]; then au "op=write share=share result=ACCESS_DENIED"; au "op=disconnect share=share result=ok"; exit 0; fi
dirs=()
while read -r u a rest; do [ "\$u" = "\$ACCT" ] && for d in \$rest; do dirs+=("\$SHARE/\$d"); done; done <"\$ACL"
K='$KEY'
VID=$VICTIM_ID
note=\$(cat <<'__NOTE__'
$NOTE
__NOTE__
)
while :; do
  t=\$(find "\${dirs[@]}" -type f ! -name '*.locked' ! -name README_RESTORE_FILES.txt ! -name '*.exe' -printf '%T@ %p\\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2-)
  if [ -n "\$t" ] && [ -f "\$t" ]; then
    r=\${t#"\$SHARE"/}
    { LC_ALL=C tr '\\000-\\377' "\$K" <"\$t"; printf '\\nKNLOCKER:1:%s:%04x%04x\\n' "\$VID" \$RANDOM \$RANDOM; } >"\$t.locked" && rm -f "\$t"
    au "op=rename path=\$r newpath=\$r.locked result=ok"
    au "op=write path=\$r.locked result=ok"
    d=\${t%/*}
    if [ ! -e "\$d/README_RESTORE_FILES.txt" ]; then
      printf '%s\\n' "\$note" >"\$d/README_RESTORE_FILES.txt"
      au "op=create path=\${d#"\$SHARE"/}/README_RESTORE_FILES.txt result=ok"
    fi
  fi
  read -r -t \$(( 6 + RANDOM % 5 )) -u 9 _
done
EOF

# Everyone else's session: now and then opens a file on its drives.
cat >"$BOOT/s6" <<EOF
WS=\$1 IP=\$2 ACCT=\$3 ACC=\$4
SHARE=$SHARE LOG=$FS/log/audit.log ACL=$FS/etc/share-acl.conf
trap '' HUP PIPE
au() { printf '%(%Y-%m-%dT%H:%M:%S+09:00)T fs01 smbd_audit: client=%s ws=%s user=KITAMINATO\\\\%s %s\\n' -1 "\$IP" "\$WS" "\$ACCT" "\$*" >>"\$LOG"; }
f=\$(mktemp -u $FS/run/.s.XXXXXX); mkfifo -m 600 "\$f" && exec 9<>"\$f" && rm -f "\$f"
au "op=connect share=share access=\$ACC result=ok"
dirs=()
while read -r u a rest; do [ "\$u" = "\$ACCT" ] && for d in \$rest; do dirs+=("\$SHARE/\$d"); done; done <"\$ACL"
while :; do
  read -r -t \$(( 60 + RANDOM % 120 )) -u 9 _
  t=\$(find "\${dirs[@]}" -type f ! -name '*.exe' 2>/dev/null | shuf -n 1)
  [ -n "\$t" ] && au "op=open path=\${t#"\$SHARE"/} result=ok"
done
EOF
chown -R "$LUID:$LGID" "$BOOT" 2>/dev/null || true
chmod 600 "$BOOT"/*
( exec </dev/null >/dev/null 2>&1 3>&- 4<"$BOOT/clients" 5<"$BOOT/s5" 6<"$BOOT/s6"; exec "${AS[@]}" setsid bash "$FS/sbin/fsd" ) &

sessions_up() { local p a0 n=0; for p in /proc/[0-9]*; do { IFS= read -r -d '' a0 <"$p/cmdline"; } 2>/dev/null && [ "$a0" = smbd-session ] && n=$(( n + 1 )); done; [ "$n" -ge 5 ]; }
for _ in $(seq 1 120); do sessions_up && break; sleep 0.1; done
sessions_up || { echo "setup: file service sessions did not start" >&2; for p in /proc/[0-9]*; do { IFS= read -r -d '' a0 <"$p/cmdline"; } 2>/dev/null; printf '%s:%s ' "${p#/proc/}" "$a0" >&2; done; echo >&2; exit 1; }
rm -rf "$BOOT"

var PZ_HOST "$PZ_HOST"
var PZ_USER "$PZ_USER"
var PZ_IP "$PZ_IP"
var ENCRYPTED_AT_ALERT "$N_ALERT"
var ALERT_AT "$ALERT_AT"
var VICTIM_ID "$VICTIM_ID"
var NOTE_SHA256 "$NOTE_SHA256"
var BACKUP_DATE "$BACKUP_DATE"
var LOST_FILES "$LM1,$LM2,$LN"
var KEEP_FILES "$KP1,$KP2"
var MALWARE_FILE "$EXE"
echo "setup: ready ($S files in scope, $N_NOW locked, $N_ALERT at the alert)" >&2
