#!/bin/bash
# ws01. Pass when ~/evidence holds an exact copy of the scanner's program (the script the renamed
# shell reads from its deleted file on fd 0): the volatile evidence was saved before the kill.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
dir=$LAB_LEARNER_HOME/evidence
if [ ! -d "$dir" ] || [ -L "$dir" ]; then
  say "ws01 に $dir がありません。証拠はこのディレクトリに保存してください。" "There is no $dir on ws01. Save the evidence in that directory."
  exit 1
fi
# -type f: never read FIFOs or devices a learner might leave there (the check would hang).
while IFS= read -r -d '' f; do
  sum=$(sha256sum <"$f" 2>/dev/null | cut -d' ' -f1)
  if [ "$sum" = "$VAR_SCAN_SHA256" ]; then
    say "スキャナのプログラムの完全なコピーが保存されています（${f#"$dir"/}）。" "An exact copy of the scanner's program is preserved (${f#"$dir"/})."
    exit 0
  fi
done < <(find "$dir" -maxdepth 3 -type f -size -20M -print0 2>/dev/null)
say "ws01 の証拠ディレクトリにスキャナのプログラムの完全なコピーがありません。実行ファイル（/proc/<PID>/exe）だけでなく、そのプロセスが読み込んでいるものも確認しましょう。" \
  "The evidence directory on ws01 has no exact copy of the scanner's program. Look beyond the executable (/proc/<PID>/exe): what is the process reading?"
exit 1
