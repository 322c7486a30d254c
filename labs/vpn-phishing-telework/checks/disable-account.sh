#!/bin/bash
# Pass when the phished account can no longer be used to open a tunnel: disabled, or (after
# recovery) re-enabled only with a temporary password issued and MFA required — and the other
# staff's accounts are still active (telework goes on for everyone else).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
USERS=/srv/vpn/etc/users
if [ ! -f "$USERS" ]; then
  say "/srv/vpn/etc/users が見つかりません。アカウントの定義ファイルは消さずに編集してください。" \
    "/srv/vpn/etc/users is missing. Edit the account file rather than removing it."
  exit 1
fi
row=$(grep -v '^[[:space:]]*#' "$USERS" | awk -F: -v u="$VAR_VICTIM_USER" '$1 == u { print $2 ":" $4 ":" $5 }' | tail -n 1)
IFS=: read -r status must mfa <<<"$row"
if [ -z "$row" ]; then
  say "フィッシングの被害に遭ったアカウントが users から消えています。削除ではなく無効化してください（調査と復旧のため記録を残します）。" \
    "The phished account has been deleted from users. Disable it instead: the record is needed for the investigation and recovery."
  exit 1
fi
if [ "$status" != disabled ] && ! { [ "$status" = active ] && [ "$must" = yes ] && { [ "$mfa" = required ] || [ "$mfa" = enrolled ]; }; }; then
  say "攻撃者が入手したパスワードで、まだこのアカウントにログインできる状態です。" \
    "The password the attacker obtained can still be used to log in to this account."
  exit 1
fi
active=$(grep -v '^[[:space:]]*#' "$USERS" | awk -F: -v u="$VAR_VICTIM_USER" '$1 != u && $2 == "active"' | wc -l)
if [ "$active" -lt "$VAR_ACTIVE_OTHERS" ]; then
  say "被害に遭っていない職員のアカウントまで無効になっています。テレワーク中の職員の業務が止まります。" \
    "Accounts of staff who were not phished are disabled too. That stops their telework."
  exit 1
fi
say "フィッシングされたアカウントは、攻撃者のパスワードでは使えない状態です。" "The phished account can no longer be used with the stolen password."
exit 0
