#!/bin/bash
# firmware-supply-chain — reference solution. Runs as sandbox root like a check, but does all the
# work as the learner's uid with standard tools, to prove every task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  cd /srv/firmware
  local v list bad model old
  # Trust the vendors' lists only once their signatures check out against the registered keys.
  if command -v openssl >/dev/null; then
    for v in vendors/*/; do
      v=${v%/}; v=${v#vendors/}
      [ -f "vendors/$v/SHA256SUMS.sig" ] || continue
      openssl dgst -sha256 -verify "keys/$v.pem" -signature "vendors/$v/SHA256SUMS.sig" "vendors/$v/SHA256SUMS" >&2
    done
  fi
  # Verify what arrived against the vendors' lists, not the integrator's.
  list=$(mktemp "$HOME/vendor-sums.XXXXXX")
  grep -hv '^#' vendors/*/SHA256SUMS >"$list"
  { echo "# Verification of incoming/ against the vendors' published SHA-256 lists ($(date '+%F %T %z'))"
    (cd incoming && sha256sum -c --ignore-missing "$list" 2>&1) || true; } >verification-report.txt
  cat verification-report.txt >&2
  bad=$(sed -n 's/^\([^ ]*\.bin\): FAILED$/\1/p' verification-report.txt)
  [ "$(printf '%s\n' "$bad" | grep -c .)" = 1 ] || { echo "solve: expected exactly one failing image" >&2; exit 1; }

  # What was added: compare with the version running today.
  model=${bad%_v*}
  old=$(ls deployed/"${model}"_v*.bin | head -n 1)
  diff <(tar -tzf "$old" | sort) <(tar -tzf "incoming/$bad" | sort) >&2 || true

  # Quarantine (unchanged, as evidence) and hold its rollout.
  mv "incoming/$bad" quarantine/
  sed -i "s/^\(.*,$bad,\)scheduled\$/\1hold/" deploy/rollout.csv
  cat deploy/rollout.csv >&2
  rm -f "$list"
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 TZ=JST-9 \
    bash -c "$(declare -f solve); solve"
else
  HOME=$LHOME solve
fi
