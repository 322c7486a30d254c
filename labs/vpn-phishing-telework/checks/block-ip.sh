#!/bin/bash
# Pass when an active deny rule in the portal's firewall.conf covers the attacker's address and no
# deny rule covers an address staff legitimately connect from (their homes, the colleague abroad).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
FW=/srv/vpn/etc/firewall.conf
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
[ -f "$FW" ] || { say "firewall.conf が見つかりません。" "firewall.conf is missing."; exit 1; }
mapfile -t rules < <(sed -e 's/#.*//' "$FW" | awk '$1 == "deny" && NF >= 2 { print $2 }' | head -n 200)
hit=
for r in "${rules[@]}"; do covers "$r" "$VAR_ATTACKER_IP" && hit=$r && break; done
if [ -z "$hit" ]; then
  say "攻撃元の IP アドレスからの接続を拒否する有効なルールがありません。" "No active rule denies connections from the attacker's IP address."
  exit 1
fi
# Addresses staff log in from, taken from the appliance's log (the attacker's own excluded).
mapfile -t legit < <(grep -F ' AUTH OK ' /srv/logs/vpn/vpn.log 2>/dev/null | grep -o 'src=[0-9.]*' | cut -d= -f2 | sort -u | grep -vxF "$VAR_ATTACKER_IP" | head -n 100)
for r in "${rules[@]}"; do
  for ip in "${legit[@]}"; do
    if covers "$r" "$ip"; then
      say "ルール「deny $r」は、正規の職員が接続している $ip まで拒否してしまいます。範囲を絞ってください。" \
        "The rule 'deny $r' also blocks $ip, which staff legitimately connect from. Narrow it."
      exit 1
    fi
  done
done
say "攻撃元からの接続は拒否され、職員の接続元は影響を受けていません。" "Connections from the attacker are denied and staff connections are unaffected."
exit 0
