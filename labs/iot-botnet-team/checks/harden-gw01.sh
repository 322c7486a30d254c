#!/bin/bash
# gw01. Pass when telnet is disabled, its daemon stopped and nothing listens on 23/2323, no account
# keeps a factory-default or trivial password, and http and bacnet (the building) still run.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
GW=/srv/gateway
conf() { [ -f "$GW/etc/services.conf" ] && [ ! -L "$GW/etc/services.conf" ] || return 0
  sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$GW/etc/services.conf" 2>/dev/null | tail -n 1; }
# A daemon is "<interpreter> <script> …": compare argv[1] exactly so a pager showing the script is not a daemon.
running() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null | sed -n 2p)" = "$1" ] && return 0
  done
  return 1
}
# A TCP listener on port 23 or 2323 (hex 0017 / 0913), IPv4 or IPv6, whoever started it.
telnet_listening() { awk 'FNR > 1 && $4 == "0A" && ($2 ~ /:0017$/ || $2 ~ /:0913$/) { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

if [ "$(conf telnet)" != off ]; then
  say "gw01 の services.conf で telnet が無効になっていません（telnet=off）。" "telnet is not disabled in gw01's services.conf (telnet=off)."
  exit 1
fi
if running "$GW/sbin/gw-telnetd" || telnet_listening; then
  say "設定は変わりましたが、gw01 ではまだ telnet（23/2323 番）で接続を受け付けています。" \
    "The configuration changed, but gw01 still accepts connections on telnet (23/2323)."
  exit 1
fi
if [ "$(conf http)" != on ] || [ "$(conf bacnet)" != on ] || ! running "$GW/sbin/gw-bacnetd"; then
  say "http または bacnet まで止まっています。空調・照明の制御に必要なサービスは動かしたままにしてください。" \
    "http or bacnet is off too. Keep the services the HVAC and lighting control depend on running."
  exit 1
fi
users=$GW/etc/users
if [ ! -f "$users" ] || [ -L "$users" ] || ! grep -q '^admin:' "$users" 2>/dev/null; then
  say "admin アカウントがありません。管理者アカウントは残し、パスワードを変更してください。" "The admin account is missing. Keep it and change its password."
  exit 1
fi
weak=' admin support user root guest password 1234 12345 123456 888888 default pass system service tech ubnt xc3511 vizxv '
while IFS=: read -r user pass _role; do
  case $user in ''|'#'*) continue ;; esac
  lower=$(printf '%s' "$pass" | tr '[:upper:]' '[:lower:]')
  if [ "${#pass}" -lt 8 ] || [ "$lower" = "$(printf '%s' "$user" | tr '[:upper:]' '[:lower:]')" ] || case $weak in *" $lower "*) true ;; *) false ;; esac; then
    say "gw01 のアカウント '$user' のパスワードが初期値または推測しやすい値のままです（8 文字以上の推測されにくいものに）。" \
      "Account '$user' on gw01 still has a factory-default or guessable password (use 8+ characters that are hard to guess)."
    exit 1
  fi
done <"$users"
say "gw01 の telnet は閉じられ、初期パスワードは残っていません。" "gw01's telnet is closed and no default password remains."
exit 0
