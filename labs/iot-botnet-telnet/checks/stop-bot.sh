#!/bin/bash
# Pass when no bot process runs: none named BOT_NAME and none running from a deleted file in /tmp.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
for p in /proc/[0-9]*; do
  comm=$(cat "$p/comm" 2>/dev/null) || continue
  exe=$(readlink "$p/exe" 2>/dev/null) || exe=
  case $exe in /tmp/*' (deleted)') deleted=yes ;; *) deleted=no ;; esac
  if [ "$comm" = "$VAR_BOT_NAME" ] || [ "$deleted" = yes ]; then
    say "不正なプロセスがまだ動いています。一度止めても再起動されていないか確認してください。" \
      "A malicious process is still running. If you stopped it before, check whether something restarted it."
    exit 1
  fi
done
say "ボットは動いていません。" "The bot is not running."
exit 0
