#!/bin/bash
# Pass when /srv/firmware/verification-report.txt gives every received image (in incoming/ or
# quarantine/) a verdict against the vendors' published hashes: FAIL(ED) for the tampered one, OK for
# the others. Accepts sha256sum -c output ("name: OK" / "name: FAILED") or any line naming the image.
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
FW=/srv/firmware
R=$FW/verification-report.txt
if [ ! -f "$R" ] || [ -L "$R" ]; then
  say "検証結果のファイル $R がありません。" "The verification report $R does not exist."
  exit 1
fi
mapfile -t imgs < <(find "$FW/incoming" "$FW/quarantine" -maxdepth 1 -type f -name '*.bin' -printf '%f\n' 2>/dev/null | sort -u)
if [ "${#imgs[@]}" -lt "$VAR_IMAGE_COUNT" ]; then
  say "受け取ったイメージの一部が incoming/ にも quarantine/ にもありません。消さずに残してください。" \
    "Some received images are in neither incoming/ nor quarantine/. Do not delete them."
  exit 1
fi
verdict() { # image → ok | fail | both | none, from the report lines that name it
  awk -v n="$1" '
    { i = index($0, n); if (!i) next
      pre = (i > 1) ? substr($0, i - 1, 1) : ""; post = substr($0, i + length(n), 1)
      if (pre ~ /[A-Za-z0-9_.-]/ || post ~ /[A-Za-z0-9_-]/) next
      rest = substr($0, i + length(n))
      if (rest ~ /FAIL/) f = 1; else if (rest ~ /(^|[^A-Za-z])OK([^A-Za-z]|$)/) o = 1 }
    END { print (f && o) ? "both" : f ? "fail" : o ? "ok" : "none" }' "$R"
}
missing=0 wrong=0
for i in "${imgs[@]}"; do
  v=$(verdict "$i")
  if [ "$i" = "$VAR_TAMPERED_IMAGE" ]; then want=fail; else want=ok; fi
  case $v in
    none) missing=$(( missing + 1 )) ;;
    "$want") ;;
    *) wrong=$(( wrong + 1 )) ;;
  esac
done
if [ "$missing" -gt 0 ]; then
  say "検証結果に、判定（OK/FAIL）が書かれていないイメージが $missing 件あります。" "$missing images have no verdict (OK/FAIL) in the report."
  exit 1
fi
if [ "$wrong" -gt 0 ]; then
  say "検証結果の判定のうち $wrong 件が、メーカー公開のハッシュ値との照合結果と一致しません。" \
    "$wrong verdicts in the report do not match a check against the vendors' published hashes."
  exit 1
fi
say "すべてのイメージが、メーカー公開のハッシュ値で正しく判定されています。" "Every image is correctly judged against the vendors' published hashes."
exit 0
