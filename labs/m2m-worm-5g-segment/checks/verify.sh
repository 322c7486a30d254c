#!/bin/bash
# Passes when the isolation is complete, the controller has run a scan cycle since the last
# change with no new infection, and no node holds a connection to the C2 any more.
say() { if [ "$LAB_LANG" = ja ]; then echo "$1"; else echo "$2"; fi; }
q=$(awk '$1 == "node" && $4 == 999 { print $2 }' /srv/segment/run/applied.conf | sort -u)
truth=$(awk '{ print $1 }' /run/segment/infected | sort -u)
if [ -n "$(comm -13 <(printf '%s\n' "$q") <(printf '%s\n' "$truth"))" ] || [ ! -s /run/segment/applied_at ]; then
  say "まだ感染ノードの隔離が完了していないため、拡散が止まったとは言えません。" "The infected nodes are not all isolated yet, so the spread has not stopped."
  exit 1
fi
at=$(cat /run/segment/applied_at)
last_inf=$(awk '$2 > m { m = $2 } END { print m + 0 }' /run/segment/infected)
last_tick=$(tail -n 1 /run/segment/ticks | awk '{ print $1 + 0 }')
if [ "$last_inf" -gt "$at" ]; then
  say "隔離の後にも新たな感染が起きています。" "There was a new infection after the isolation."
  exit 1
fi
if [ "$last_tick" -le "$at" ]; then
  say "設定の適用後、コントローラのスキャン周期（15 秒）がまだ一度も回っていません。少し待って確かめてください。" "The controller has not run a scan cycle (every 15 s) since the change yet."
  exit 1
fi
c2=$(cat /run/segment/c2)
IFS=. read -r a b c d <<<"$c2"
rem=$(printf '%02X%02X%02X%02X:01BB' "$d" "$c" "$b" "$a")
if awk -v r="$rem" 'NR > 1 && $3 == r && $4 == "01" { f = 1 } END { exit !f }' /proc/net/tcp; then
  say "隔離の後も、セグメントから C2 への接続が残っています。" "The segment still holds connections to the C2 after the isolation."
  exit 1
fi
say "拡散は止まりました。隔離後に新たな感染はなく、C2 への接続も途絶えています。" "The spread has stopped: no new infection since the isolation, and no connection to the C2."
exit 0
