#!/bin/bash
# Pass when telnet is disabled and not running, no account keeps a factory-default or trivial
# password, and the services the building depends on (http, bacnet) are still on.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
GW=/srv/gateway
conf() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$GW/etc/services.conf" 2>/dev/null | tail -n 1; }
# A daemon is "bash <script> …": compare argv[1] exactly so a pager showing the script is not a daemon.
running() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null | sed -n 2p)" = "$1" ] && return 0
  done
  return 1
}

if [ "$(conf telnet)" != off ]; then
  say "services.conf で telnet が無効になっていません（telnet=off）。" "telnet is not disabled in services.conf (telnet=off)."
  exit 1
fi
if running "$GW/sbin/gw-telnetd"; then
  say "設定は変わりましたが telnet デーモンがまだ動いています。" "The configuration changed, but the telnet daemon is still running."
  exit 1
fi
if [ "$(conf http)" != on ] || [ "$(conf bacnet)" != on ] || ! running "$GW/sbin/gw-bacnetd"; then
  say "http または bacnet まで止まっています。空調・照明の制御に必要なサービスは動かしたままにしてください。" \
    "http or bacnet is off too. Keep the services the HVAC and lighting control depend on running."
  exit 1
fi
weak=' admin support user root guest password 1234 12345 123456 888888 default pass system service tech ubnt xc3511 vizxv '
grep -q '^admin:' "$GW/etc/users" 2>/dev/null || {
  say "admin アカウントがありません。管理者アカウントは残し、パスワードを変更してください。" "The admin account is missing. Keep it and change its password."
  exit 1
}
while IFS=: read -r user pass _role; do
  case $user in ''|'#'*) continue ;; esac
  lower=$(printf '%s' "$pass" | tr '[:upper:]' '[:lower:]')
  if [ "${#pass}" -lt 8 ] || [ "$lower" = "$(printf '%s' "$user" | tr '[:upper:]' '[:lower:]')" ] || case $weak in *" $lower "*) true ;; *) false ;; esac; then
    say "アカウント '$user' のパスワードが初期値または推測しやすい値のままです（8 文字以上の推測されにくいものに）。" \
      "Account '$user' still has a factory-default or guessable password (use 8+ characters that are hard to guess)."
    exit 1
  fi
done <"$GW/etc/users"
say "telnet は閉じられ、初期パスワードは残っていません。" "Telnet is closed and no default password remains."
exit 0
