#!/bin/bash
# ws01. Pass when the scanner is not running, the crontab no longer starts the dropper and the
# dropper is gone, while the PC's own scheduled job (backup-docs) is still there.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
TAB=/var/spool/cron/crontabs/learner
name=${VAR_WS_DROPPER##*/}
# Active (uncommented) lines of a regular file only: never follow a link or read a FIFO left there.
active() { [ -f "$1" ] && [ ! -L "$1" ] && grep -v '^[[:space:]]*#' "$1" 2>/dev/null | grep -qF -- "$2"; }

for p in /proc/[0-9]*; do
  comm=$(cat "$p/comm" 2>/dev/null) || continue
  exe=$(readlink "$p/exe" 2>/dev/null) || exe=
  case $exe in /tmp/*' (deleted)'|/home/*' (deleted)') deleted=yes ;; *) deleted=no ;; esac
  if [ "$comm" = "$VAR_SCAN_NAME" ] || [ "$deleted" = yes ]; then
    say "ws01 で不正なプロセスがまだ動いています。一度止めても再起動されていないか確認してください。" \
      "A malicious process is still running on ws01. If you stopped it before, check whether something restarted it."
    exit 1
  fi
done
if active "$TAB" "$name"; then
  say "ws01 のスケジュール（crontab）に、マルウェアを起動する設定がまだ残っています。" \
    "ws01's schedule (crontab) still has an entry that launches the malware."
  exit 1
fi
if [ -e "$VAR_WS_DROPPER" ] || [ -L "$VAR_WS_DROPPER" ]; then
  say "スキャナを再設置するファイルがまだ ws01 に残っています。" "The file that re-installs the scanner is still on ws01."
  exit 1
fi
if ! active "$TAB" /opt/ws/bin/backup-docs; then
  say "ws01 本来の定期処理（文書のバックアップ）まで消えています。不正な行だけを取り除いてください。" \
    "ws01's own scheduled job (the document backup) is gone too. Remove only the malicious line."
  exit 1
fi
say "ws01 のスキャナは止まり、永続化は取り除かれています。" "ws01's scanner is stopped and its persistence removed."
exit 0
