#!/bin/bash
# gw01. Pass when no bot runs, the dropper is gone and neither the crontab nor rc.local starts it,
# while the gateway's own jobs are still there (remove the attacker's hook, not the device's jobs).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
GW=/srv/gateway
name=${VAR_GW_DROPPER##*/}
active() { [ -f "$1" ] && [ ! -L "$1" ] && grep -v '^[[:space:]]*#' "$1" 2>/dev/null | grep -qF -- "$2"; }

for p in /proc/[0-9]*; do
  comm=$(cat "$p/comm" 2>/dev/null) || continue
  exe=$(readlink "$p/exe" 2>/dev/null) || exe=
  case $exe in /tmp/*' (deleted)') deleted=yes ;; *) deleted=no ;; esac
  if [ "$comm" = "$VAR_BOT_NAME" ] || [ "$deleted" = yes ]; then
    say "gw01 で不正なプロセスがまだ動いています。一度止めても再起動されていないか確認してください。" \
      "A malicious process is still running on gw01. If you stopped it before, check whether something restarted it."
    exit 1
  fi
done
if active "$GW/etc/crontab" "$name" || active "$GW/etc/rc.local" "$name"; then
  say "gw01 に、起動時またはスケジュールでマルウェアを起動する設定がまだ残っています。" \
    "gw01 still has a scheduled or start-up entry that launches the malware."
  exit 1
fi
if [ -e "$VAR_GW_DROPPER" ] || [ -L "$VAR_GW_DROPPER" ]; then
  say "マルウェアを再設置するファイルがまだ gw01 に残っています。" "The file that re-installs the malware is still on gw01."
  exit 1
fi
if ! active "$GW/etc/crontab" gw-logrotate || ! active "$GW/etc/crontab" gw-backup-config || ! active "$GW/etc/rc.local" gw-logrotate; then
  say "gw01 本来の定期処理・起動処理まで消えています。不正な行だけを取り除いてください。" \
    "gw01's own scheduled or start-up jobs are gone too. Remove only the malicious lines."
  exit 1
fi
say "gw01 のボットは止まり、永続化は取り除かれています。" "gw01's bot is stopped and its persistence removed."
exit 0
