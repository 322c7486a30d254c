#!/bin/bash
# Pass when the encrypting session is gone and cannot come back (the compromised account no longer
# has write access in the share ACL), while the file service itself still runs for everyone else.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
FS=/srv/fileserver
ACL=$FS/etc/share-acl.conf
argv() { tr '\0' '\n' 2>/dev/null <"$1/cmdline" | sed -n "$2p"; }
fsd_running() { local p; for p in /proc/[0-9]*; do [ "$(argv "$p" 2)" = "$FS/sbin/fsd" ] && return 0; done; return 1; }
# A session process is "smbd-session -s WS IP ACCOUNT ACCESS" (argv[0] and argv[2] compared exactly).
pz_session() { local p; for p in /proc/[0-9]*; do [ "$(argv "$p" 1)" = smbd-session ] && [ "$(argv "$p" 3)" = "$VAR_PZ_HOST" ] && return 0; done; return 1; }

if ! fsd_running; then
  say "ファイルサービス（fsd）が停止しています。他の課は業務で共有フォルダを使っています。サービスは動かしたまま封じ込めてください。" \
    "The file service (fsd) is not running. Other divisions need the share: contain the attack with the service up."
  exit 1
fi
# A refused reconnect starts a session that ends at once: look twice before calling it running.
if pz_session && sleep 1.5 && pz_session; then
  say "暗号化を行っているセッションがまだ接続しています。" "The session that is encrypting files is still connected."
  exit 1
fi
access=none
if [ -f "$ACL" ]; then
  access=$(awk -v u="$VAR_PZ_USER" '$1 == u { a = $2 } END { print a }' "$ACL" 2>/dev/null)
  [ -n "$access" ] || access=none
fi
if [ "$access" = rw ]; then
  say "セッションは切断されましたが、侵害されたアカウントは共有への書き込み権限を持ったままです。端末は自動で再接続してきます。" \
    "The session is gone, but the compromised account still has write access to the share. The workstation reconnects by itself."
  exit 1
fi
say "暗号化セッションは停止し、侵害されたアカウントは共有に書き込めません。" "The encrypting session is stopped and the compromised account cannot write to the share."
exit 0
