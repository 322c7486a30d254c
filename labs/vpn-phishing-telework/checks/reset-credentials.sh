#!/bin/bash
# Pass when the phished account has a temporary password issued (must_change=yes: the stolen one
# no longer works) and MFA enrolment required (or done).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
USERS=/srv/vpn/etc/users
row=$(grep -v '^[[:space:]]*#' "$USERS" 2>/dev/null | awk -F: -v u="$VAR_VICTIM_USER" '$1 == u { print $4 ":" $5 }' | tail -n 1)
IFS=: read -r must mfa <<<"$row"
if [ -z "$row" ]; then
  say "フィッシングの被害に遭ったアカウントが users に見当たりません。" "The phished account is not in users."
  exit 1
fi
if [ "$must" != yes ]; then
  say "盗まれたパスワードがまだ有効です（仮パスワードが発行されていません）。" "The stolen password is still valid (no temporary password has been issued)."
  exit 1
fi
if [ "$mfa" != required ] && [ "$mfa" != enrolled ]; then
  say "パスワードは再設定されましたが、このアカウントはまだパスワードだけでログインできます。" \
    "The password has been reset, but the account can still log in with a password alone."
  exit 1
fi
say "仮パスワードが発行され、次回ログイン時の多要素認証の登録が必須になっています。" "A temporary password is issued and MFA enrolment is required at next login."
exit 0
