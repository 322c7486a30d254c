#!/bin/bash
# Pass when the leaked access key is inactive (or deleted) and the other services' keys are still active.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
KEYS=/srv/storage/iam/access-keys.csv
if [ ! -f "$KEYS" ]; then
  say "access-keys.csv が見つかりません。ファイルごと消すと、すべてのサービスが止まります。" \
    "access-keys.csv is missing. Removing the whole file stops every service."
  exit 1
fi
status=$(awk -F, -v k="$VAR_LEAKED_KEY_ID" '$1 == k { print $3 }' "$KEYS" | tr -d '[:space:]' | tail -n 1)
if [ "$status" = Active ]; then
  say "漏えいしたアクセスキーはまだ有効です。" "The leaked access key is still active."
  exit 1
fi
others=$(awk -F, -v k="$VAR_LEAKED_KEY_ID" 'NR > 1 && $1 != k && $2 != "svc-cs-sync" && $3 == "Active"' "$KEYS" | wc -l)
if [ "$others" -lt "$VAR_OTHER_KEYS" ]; then
  say "漏えいと関係のないサービスのアクセスキーまで無効になっています（バックアップや Web サイトが止まります）。" \
    "Access keys of services unrelated to the leak are disabled too (backups or the web site stop)."
  exit 1
fi
say "漏えいしたアクセスキーは無効化されています。" "The leaked access key has been deactivated."
exit 0
