#!/bin/bash
# Pass when the share is clean (no .locked file, no ransom note, no malware file), every file of the
# backup snapshot is back with the hash its SHA256SUMS gives, except files changed after the backup
# and never encrypted (KEEP_FILES), which must keep their newer content; and the files whose latest
# version was lost (LOST_FILES) are named in ~/recovery-notes.txt, with their encrypted copies kept.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
S=/srv/share
B=/srv/backup/$VAR_BACKUP_DATE
H=$LAB_LEARNER_HOME
if [ -n "$(find "$S" -name '*.locked' -print -quit 2>/dev/null)" ]; then
  say "共有フォルダにまだ暗号化されたファイル（.locked）が残っています。" "Encrypted files (.locked) are still on the share."
  exit 1
fi
if [ -n "$(find "$S" -name README_RESTORE_FILES.txt -print -quit 2>/dev/null)" ]; then
  say "共有フォルダにまだ脅迫文が残っています。" "Ransom notes are still on the share."
  exit 1
fi
if [ -e "$S/$VAR_MALWARE_FILE" ] || [ -L "$S/$VAR_MALWARE_FILE" ]; then
  say "端末が実行した不正なファイルがまだ共有フォルダに残っています。" "The malicious file the workstation ran is still on the share."
  exit 1
fi
IFS=, read -r -a keep <<<"$VAR_KEEP_FILES"
IFS=, read -r -a lost <<<"$VAR_LOST_FILES"
bad=0 first=
while read -r h p; do
  rel=${p#share/} f=$S/${p#share/}
  k=no; for x in "${keep[@]}"; do [ "$x" = "$rel" ] && k=yes; done
  if [ ! -f "$f" ] || [ -L "$f" ]; then bad=$(( bad + 1 )); first=${first:-$rel}; continue; fi
  now=$(sha256sum <"$f" | cut -d' ' -f1)
  if [ "$k" = yes ]; then
    if [ "$now" = "$h" ]; then
      say "バックアップ後に更新され、暗号化されていなかったファイル（$rel）が古いバックアップで上書きされています。" \
        "A file changed after the backup and never encrypted ($rel) was overwritten with the older backup copy."
      exit 1
    fi
  elif [ "$now" != "$h" ]; then
    bad=$(( bad + 1 )); first=${first:-$rel}
  fi
done <"$B/SHA256SUMS"
if [ "$bad" -gt 0 ]; then
  say "バックアップの $bad 件のファイルが、復元されていないかハッシュ値が一致しません（例: $first）。" \
    "$bad files from the backup are missing or do not match its hashes (e.g. $first)."
  exit 1
fi
notes=$H/recovery-notes.txt
for x in "${lost[@]}"; do
  base=${x##*/}
  if [ ! -f "$notes" ] || ! grep -qF -- "$base" "$notes" 2>/dev/null; then
    say "~/recovery-notes.txt に、最新版を復元できなかったファイル（バックアップ後に作成・更新されていたもの）がすべて記載されていません。" \
      "~/recovery-notes.txt does not name every file whose latest version could not be restored (created or changed after the backup)."
    exit 1
  fi
  if [ -z "$(find "$H" /srv -path "$S" -prune -o -type f -name "$base.locked" -print -quit 2>/dev/null)" ]; then
    say "最新版を復元できなかったファイルの暗号化されたコピー（${base}.locked）が保管されていません。将来の復号に備えて残してください。" \
      "The encrypted copy of a file you could not fully restore (${base}.locked) was not kept. Keep it in case a decryptor appears."
    exit 1
  fi
done
say "共有フォルダはバックアップから復元され、失われた更新も記録されています。" "The share is restored from the backup and the lost changes are recorded."
exit 0
