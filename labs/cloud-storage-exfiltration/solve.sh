#!/bin/bash
# cloud-storage-exfiltration — reference solution. Runs as sandbox root like a check, but does all
# the work as the learner's uid with the tenant's own CLI, to prove every task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local st=/srv/storage key contractor ip
  cd "$HOME"
  # Who: the key that did the night's GetObject burst; where from: the address that is not the contractor's.
  key=$(awk -F, '$2 == "svc-cs-sync" && $3 == "Active" { print $1 }' "$st/iam/access-keys.csv" | head -n 1)
  contractor=$(awk -F, '$2 == "svc-cs-sync" { print $NF }' "$st/iam/access-keys.csv" | grep -oE '[0-9]+(\.[0-9]+){3}' | head -n 1)
  ip=$(grep -hF "\"accessKeyId\":\"$key\"" "$st"/logs/access/*.jsonl | grep -o '"sourceIp":"[0-9.]*"' | cut -d'"' -f4 \
    | sort | uniq -c | sort -rn | awk -v c="$contractor" '$2 != c { print $2; exit }')
  [ -n "$key" ] && [ -n "$ip" ] || { echo "solve: investigation found nothing" >&2; exit 1; }
  grep -hF "\"sourceIp\":\"$ip\"" "$st"/logs/access/*.jsonl | grep '"eventName":"GetObject"' | grep '"httpStatus":200' \
    | grep -o '"bytesSent":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print "solve: bytes", s }' >&2

  # Preserve: every line from the attacker's address, as written, with a manifest.
  mkdir -p evidence
  grep -hF "\"sourceIp\":\"$ip\"" "$st"/logs/access/*.jsonl >evidence/attacker-access.jsonl
  cp "$st/buckets/kmgas-cs-exchange/policy.json" evidence/policy-before.json
  (cd evidence && sha256sum attacker-access.jsonl policy-before.json >SHA256SUMS)

  # Contain: revoke the key, remove the public statement (keep the contractor's), rotate the key.
  stctl() { "$st/bin/stctl" "$@"; }
  stctl key-deactivate "$key"
  cat >"$st/buckets/kmgas-cs-exchange/policy.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ContractorSync",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::123456789012:user/svc-cs-sync" },
      "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::kmgas-cs-exchange", "arn:aws:s3:::kmgas-cs-exchange/*"]
    }
  ]
}
JSON
  stctl public kmgas-cs-exchange
  stctl key-create svc-cs-sync
  stctl buckets
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 \
    bash -c "$(declare -f solve); solve"
else
  HOME=$LHOME solve
fi
