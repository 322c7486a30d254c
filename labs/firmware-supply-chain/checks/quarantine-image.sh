#!/bin/bash
# Pass when the tampered image is out of incoming/, kept unchanged in quarantine/, its rollout row is
# on hold, and the other rows are still scheduled (the verified updates go ahead).
set -u
say() { if [ "${LAB_LANG:-en}" = ja ]; then echo "$1"; else echo "$2"; fi; }
FW=/srv/firmware
CSV=$FW/deploy/rollout.csv
img=$VAR_TAMPERED_IMAGE
if [ -e "$FW/incoming/$img" ] || [ -L "$FW/incoming/$img" ]; then
  say "改ざんされたイメージがまだ incoming/ にあります。" "The tampered image is still in incoming/."
  exit 1
fi
q=$FW/quarantine/$img
if [ ! -f "$q" ] || [ -L "$q" ] || [ "$(sha256sum <"$q" | cut -d' ' -f1)" != "$VAR_TAMPERED_SHA256" ]; then
  say "quarantine/ に、受け取ったときのままの改ざんイメージ（同じファイル名）がありません。証拠として変更せずに保管してください。" \
    "quarantine/ does not hold the tampered image unchanged under its name. Keep it as received: it is evidence."
  exit 1
fi
if [ ! -f "$CSV" ]; then
  say "配備計画 deploy/rollout.csv がありません。" "The rollout plan deploy/rollout.csv is missing."
  exit 1
fi
# The status is the last field of the row naming the image.
st=$(awk -F, -v i="$img" '$0 !~ /^#/ && $4 == i { gsub(/[[:space:]\r]/, "", $NF); print tolower($NF) }' "$CSV" 2>/dev/null | tail -n 1)
case $st in
  hold|held|blocked|quarantined|cancelled|canceled|rejected|suspended) ;;
  *)
    say "配備計画で、改ざんされたイメージの行がまだ配備対象のままです（status を hold に）。" \
      "The rollout plan still schedules the tampered image (set its status to hold)."
    exit 1 ;;
esac
others=$(awk -F, -v i="$img" '$0 !~ /^#/ && NR > 1 && $4 != i && $4 ~ /\.bin$/ { gsub(/[[:space:]\r]/, "", $NF); if (tolower($NF) != "scheduled") n++ } END { print n + 0 }' "$CSV" 2>/dev/null)
total=$(awk -F, '$0 !~ /^#/ && $4 ~ /\.bin$/ { n++ } END { print n + 0 }' "$CSV" 2>/dev/null)
if [ "$others" -gt 0 ] || [ "$total" -lt "$VAR_IMAGE_COUNT" ]; then
  say "検証で問題のなかった更新まで配備計画から外されています。脆弱性修正を待っている機器があります。" \
    "Updates that passed verification were taken off the plan too. Devices are waiting for their security fixes."
  exit 1
fi
say "改ざんされたイメージは隔離され、配備計画から外されています。" "The tampered image is quarantined and held back from the rollout."
exit 0
