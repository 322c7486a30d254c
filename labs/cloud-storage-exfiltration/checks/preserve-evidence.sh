#!/bin/bash
# Pass when ~/evidence holds every access-log line from the attacker's address, exactly as the
# service wrote them, in files whose SHA-256 is recorded in a manifest in the same directory.
# Read-only: no temporary files; regular files only (never FIFOs or devices a learner left there).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
dir=$LAB_LEARNER_HOME/evidence
if [ ! -d "$dir" ] || [ -L "$dir" ]; then
  say "$dir がありません。証拠はこのディレクトリに保存してください。" "$dir does not exist. Save the evidence in that directory."
  exit 1
fi
# The originals: root-owned, read-only logs of the service.
want=$(grep -hF "\"sourceIp\":\"$VAR_ATTACKER_IP\"" /srv/storage/logs/access/*.jsonl 2>/dev/null | sort -u)
nwant=$(printf '%s\n' "$want" | grep -c .)
[ "$nwant" -gt 0 ] || { echo "original logs missing"; exit 2; }
mapfile -d '' files < <(find "$dir" -maxdepth 2 -type f -size -20M -print0 2>/dev/null | head -z -n 50)
manifest=
for f in "${files[@]}"; do
  manifest+=$(grep -hoE '^[0-9a-fA-F]{64}[[:space:]]+\*?[^[:space:]].*$' "$f" 2>/dev/null | head -n 200)$'\n'
done
if [ -z "${manifest//$'\n'/}" ]; then
  say "証拠ファイルの SHA-256 を記録したマニフェスト（sha256sum の出力）が $dir にありません。" \
    "$dir has no manifest recording the evidence files' SHA-256 (the output of sha256sum)."
  exit 1
fi
verified=()
for f in "${files[@]}"; do
  sum=$(sha256sum <"$f" | cut -d' ' -f1)
  if printf '%s' "$manifest" | awk -v s="$sum" -v b="${f##*/}" '{ h = tolower($1); n = $0; sub(/^[0-9a-fA-F]+[[:space:]]+\*?/, "", n); sub(/.*\//, "", n) } h == s && n == b { f = 1 } END { exit !f }'; then
    verified+=("$f")
  fi
done
count() { [ $# -gt 0 ] || { echo 0; return; }; cat -- "$@" 2>/dev/null | sort -u | grep -cxF -f <(printf '%s\n' "$want"); }
have=$(count "${verified[@]}")
if [ "$have" -lt "$nwant" ]; then
  if [ "$(count "${files[@]}")" -ge "$nwant" ]; then
    say "攻撃元のログ行は保存されていますが、そのファイルのハッシュ値がマニフェストと一致しません（保存後に変更しましたか）。" \
      "The attacker's log lines are saved, but that file's hash does not match the manifest (was it changed after hashing?)."
  else
    say "攻撃元 IP アドレスのアクセスログ行が、ハッシュ値の記録されたファイルに $have / $nwant 行しかありません（元のログのまま、全行を保存）。" \
      "Files with a recorded hash hold only $have of the $nwant access-log lines from the attacker's IP address (save every line, unmodified)."
  fi
  exit 1
fi
say "攻撃元のアクセスログ $nwant 行が、ハッシュ値とともに保全されています。" "All $nwant access-log lines from the attacker are preserved with their hashes."
exit 0
