#!/bin/bash
# Pass when no tunnel from the attacker's address is up (the worker re-creates one if the account
# is still open, so this also fails while containment is incomplete) and the other staff's tunnels
# are still up.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
SESS=/srv/vpn/run/sessions
if [ ! -f "$SESS" ]; then
  say "セッション表 /srv/vpn/run/sessions が見つかりません。表ごと消すと全職員の接続が切れます。" \
    "The session table /srv/vpn/run/sessions is missing. Removing it drops every member of staff's tunnel."
  exit 1
fi
if grep -v '^[[:space:]]*#' "$SESS" | awk -F'\t' -v ip="$VAR_ATTACKER_IP" '$3 == ip { f = 1 } END { exit !f }'; then
  say "攻撃者の VPN セッションがまだ接続中です（一度切断しても、再ログインされていないか確認してください）。" \
    "The attacker's VPN session is still up (if you ended it before, check whether they logged in again)."
  exit 1
fi
others=$(grep -v '^[[:space:]]*#' "$SESS" | awk -F'\t' -v u="$VAR_VICTIM_USER" 'NF >= 7 && $2 != u' | wc -l)
if [ "$others" -lt "$VAR_LEGIT_SESSIONS" ]; then
  say "攻撃と関係のない職員のセッションまで切断されています。切断するのは攻撃者のセッションだけにしてください。" \
    "Sessions of staff unrelated to the attack were ended too. End only the attacker's session."
  exit 1
fi
say "攻撃者の VPN セッションは切断されています。" "The attacker's VPN session has been ended."
exit 0
