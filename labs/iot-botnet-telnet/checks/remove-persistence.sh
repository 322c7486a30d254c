#!/bin/bash
# Pass when the dropper is gone and neither the gateway's crontab nor rc.local starts it, while
# the gateway's own entries are still there (eradicate the attacker's hook, not the device's jobs).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
GW=/srv/gateway
name=${VAR_DROPPER##*/}
active() { grep -v '^[[:space:]]*#' "$1" 2>/dev/null | grep -qF -- "$2"; }
if active "$GW/etc/crontab" "$name" || active "$GW/etc/rc.local" "$name"; then
  say "起動時またはスケジュールでマルウェアを起動する設定がまだ残っています。" \
    "A scheduled or start-up entry that launches the malware is still active."
  exit 1
fi
if [ -e "$VAR_DROPPER" ]; then
  say "マルウェアを再設置するファイルがまだゲートウェイ上に残っています。" \
    "The file that re-installs the malware is still on the gateway."
  exit 1
fi
if ! active "$GW/etc/crontab" gw-logrotate || ! active "$GW/etc/crontab" gw-backup-config || ! active "$GW/etc/rc.local" gw-logrotate; then
  say "ゲートウェイ本来の定期処理・起動処理まで消えています。不正な行だけを取り除いてください。" \
    "The gateway's own scheduled or start-up jobs are gone too. Remove only the malicious lines."
  exit 1
fi
say "永続化の仕組みは取り除かれています。" "The persistence mechanism has been removed."
exit 0
