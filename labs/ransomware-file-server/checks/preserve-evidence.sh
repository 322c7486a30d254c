#!/bin/bash
# Pass when ~/evidence holds: the ransom note (exact copy), a sample encrypted file of this attack,
# an audit log showing the patient-zero workstation's .locked writes, and a SHA-256 list covering
# those three (sha256sum output or any file that names their hashes).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
dir=$LAB_LEARNER_HOME/evidence
if [ ! -d "$dir" ] || [ -L "$dir" ]; then
  say "$dir がありません。証拠はこのディレクトリに保存してください。" "$dir does not exist. Save the evidence in that directory."
  exit 1
fi
# -type f only: never read FIFOs or devices a learner might leave there.
mapfile -d '' files < <(find "$dir" -maxdepth 4 -type f -size -20M -print0 2>/dev/null)
notes=() samples=() logs=()
declare -A sum=()
for f in "${files[@]}"; do
  h=$(sha256sum <"$f" 2>/dev/null | cut -d' ' -f1); sum[$f]=$h
  [ "$h" = "$VAR_NOTE_SHA256" ] && notes+=("$f")
  tail -c 200 "$f" 2>/dev/null | grep -aqF "KNLOCKER:1:$VAR_VICTIM_ID:" && samples+=("$f")
  grep -aF "ws=$VAR_PZ_HOST " "$f" 2>/dev/null | grep -aqF '.locked' && logs+=("$f")
done
listed() { # any of the given files whose hash another evidence file names
  local f g
  for f in "$@"; do
    for g in "${files[@]}"; do
      [ "$g" = "$f" ] && continue
      grep -aqF -- "${sum[$f]}" "$g" 2>/dev/null && return 0
    done
  done
  return 1
}
if [ ${#notes[@]} -eq 0 ]; then
  say "脅迫文（身代金要求のメモ）の完全なコピーがありません。" "There is no exact copy of the ransom note."
  exit 1
fi
if [ ${#samples[@]} -eq 0 ]; then
  say "今回の攻撃で暗号化されたファイルの見本（.locked）がありません。" "There is no sample file encrypted by this attack (.locked)."
  exit 1
fi
if [ ${#logs[@]} -eq 0 ]; then
  say "最初に暗号化を行った端末の記録を含むログのコピーがありません。" "There is no copy of a log showing the workstation that encrypted the files."
  exit 1
fi
if ! listed "${notes[@]}" || ! listed "${samples[@]}" || ! listed "${logs[@]}"; then
  say "脅迫文・暗号化ファイルの見本・ログのコピーのうち、SHA-256 ハッシュ値が一覧に記録されていないものがあります。" \
    "The ransom note, the encrypted sample and the log copy are not all listed with their SHA-256 hashes."
  exit 1
fi
say "脅迫文・暗号化ファイルの見本・ログがハッシュ値付きで保全されています。" "The ransom note, an encrypted sample and the log are preserved with their hashes."
exit 0
