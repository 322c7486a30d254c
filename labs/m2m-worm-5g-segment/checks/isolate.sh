#!/bin/bash
# Passes when the running configuration (applied by segd) puts every infected node, and only
# those, into the quarantine VLAN 999, and the controller is still running.
say() { if [ "$LAB_LANG" = ja ]; then echo "$1"; else echo "$2"; fi; }
segd_running() { local p; for p in /proc/[0-9]*; do tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q '/run/segment/segd.sh' && return 0; done; return 1; }
if ! segd_running; then
  say "セグメントコントローラ（segd）が動いていません。" "The segment controller (segd) is not running."
  exit 2
fi
q=$(awk '$1 == "node" && $4 == 999 { print $2 }' /srv/segment/run/applied.conf | sort -u)
truth=$(awk '{ print $1 }' /run/segment/infected | sort -u)
missing=$(comm -13 <(printf '%s\n' "$q") <(printf '%s\n' "$truth") | grep -c .)
extra=$(comm -23 <(printf '%s\n' "$q") <(printf '%s\n' "$truth") | grep -c .)
if [ "$missing" -gt 0 ]; then
  say "感染ノードのうち ${missing} 台が、稼働中の設定ではまだ隔離 VLAN の外にあります。" "${missing} infected node(s) are still outside the quarantine VLAN in the running configuration."
  exit 1
fi
if [ "$extra" -gt 0 ]; then
  say "感染していないノード ${extra} 台が隔離されています。隔離されたメーターは検針値を送れません。" "${extra} healthy node(s) are in quarantine; quarantined meters cannot report their readings."
  exit 1
fi
say "感染ノードがすべて、そしてそれだけが隔離 VLAN 999 に入っています。" "Every infected node, and only those, is in quarantine VLAN 999."
exit 0
