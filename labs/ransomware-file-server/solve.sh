#!/bin/bash
# ransomware-file-server — reference solution. Runs as sandbox root like a check, but does all the
# work as the learner's uid with the learner's tools, to prove every task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local FS=/srv/fileserver S=/srv/share log=/srv/fileserver/log/audit.log
  export PATH=$FS/bin:$PATH TZ=JST-9
  cd "$HOME"

  # Investigate: patient zero is whoever wrote the first .locked file.
  local first ws acct
  first=$(grep -m 1 'newpath=[^ ]*\.locked ' "$log")
  ws=$(grep -o 'ws=[^ ]*' <<<"$first" | cut -d= -f2)
  acct=$(grep -o 'user=[^ ]*' <<<"$first" | sed 's/.*\\//')
  echo "patient zero: $ws $acct" >&2

  # Preserve first: note, a sample, the logs, the file the workstation ran, the live sessions.
  mkdir -p evidence && chmod 700 evidence
  cp "$(find "$S" -name README_RESTORE_FILES.txt | head -n 1)" evidence/README_RESTORE_FILES.txt
  cp -p "$(find "$S" -name '*.locked' | head -n 1)" evidence/
  cp "$log" evidence/audit.log
  cp "$FS/log/messages" evidence/messages
  local exe
  exe=$(grep "ws=$ws " "$log" | grep -o 'op=open path=[^ ]* access=execute' | head -n 1 | sed 's/op=open path=//; s/ access=execute//')
  cp -p "$S/$exe" evidence/
  fsctl sessions >evidence/sessions.txt
  (cd evidence && sha256sum -- * >SHA256SUMS)

  # Contain: take the account's write access away first, then close its session.
  fsctl acl "$acct" ro
  fsctl close "$ws"
  sleep 1

  # Recover from the newest snapshot. Keep every encrypted file aside; note what the backup lacks.
  local B bktime rel orig lost=()
  B=$(ls -d /srv/backup/*/ | sort | tail -n 1); B=${B%/}
  bktime=$(grep 'snapshot of /srv/share started' "$FS/log/messages" | tail -n 1 | cut -d' ' -f1)
  mkdir -p evidence/locked
  while IFS= read -r -d '' f; do
    rel=${f#"$S"/}; orig=${rel%.locked}
    mkdir -p "evidence/locked/${rel%/*}"
    mv "$f" "evidence/locked/$rel"
    if grep -qF "  share/$orig" "$B/SHA256SUMS" && [ -f "$B/share/$orig" ]; then
      cp -p "$B/share/$orig" "$S/$orig"
      # Restored, but changed after the snapshot? Then today's edits are lost.
      if awk -v t="$bktime" -v p="path=$orig" '$1 > t && ($0 ~ /op=(write|create) /) && index($0, p " ") { f = 1 } END { exit !f }' "$log"; then
        lost+=("$orig (restored to the $B version; changes after the backup lost)")
      fi
    else
      lost+=("$orig (created after the backup; not restorable; encrypted copy kept)")
    fi
  done < <(find "$S" -type f -name '*.locked' -print0)
  find "$S" -name README_RESTORE_FILES.txt -delete
  rm -f "$S/$exe"
  { echo "Recovery notes ($(date '+%F %T %z'))"; echo "Backup used: $B"; echo "Files whose latest version could not be restored:"
    printf '  %s\n' "${lost[@]}"; echo "Encrypted copies: ~/evidence/locked/"; } >recovery-notes.txt
  (cd /srv && sha256sum --quiet -c "$B/SHA256SUMS" 2>/dev/null) || echo "(files changed after the backup differ, as expected)" >&2
  cat recovery-notes.txt >&2
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 \
    bash -c "$(declare -f solve); solve"
else
  HOME=$LHOME solve
fi
