#!/bin/bash
# vpn-phishing-telework — reference solution. Runs as sandbox root like a check, but does all the
# work as the learner's uid with the appliance's own CLI, to prove every task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local logs=/srv/logs ctl=/srv/vpn/bin/vpnctl dom victim ip sid
  cd "$HOME"
  # Investigate: the phishing domain from the reported mail, who POSTed to it (proxy), from where
  # that account then logged in (VPN log, the non-JP source with a non-city PC name).
  dom=$(grep -o 'https://[^/ ]*' inbox/reported-mail.eml | head -n 1 | cut -d/ -f3)
  victim=$(grep -F " POST https://$dom/" "$logs/proxy/access.log" | awk '{ print $4 }' | sort -u | head -n 1)
  ip=$(grep -F " AUTH OK user=$victim " "$logs/vpn/vpn.log" | grep -v ' geo=JP ' | grep -o 'src=[0-9.]*' | cut -d= -f2 | sort -u | head -n 1)
  [ -n "$dom" ] && [ -n "$victim" ] && [ -n "$ip" ] || { echo "solve: investigation found nothing" >&2; exit 1; }
  mkdir -p evidence
  grep -F -e "$dom" -e "$ip" -e "user=$victim " "$logs"/*/* >evidence/related-lines.txt || true
  sha256sum evidence/related-lines.txt >evidence/SHA256SUMS

  # Contain: block the source first (no re-login), lock the account, then end its tunnels.
  "$ctl" deny "$ip"
  "$ctl" disable "$victim"
  for sid in $(grep -v '^#' /srv/vpn/run/sessions | awk -F'\t' -v u="$victim" '$2 == u { print $1 }'); do
    "$ctl" kill "$sid"
  done
  # Recover: a new password handed over out of band, and MFA before the account is used again.
  "$ctl" reset-password "$victim"
  "$ctl" require-mfa "$victim"
  "$ctl" user "$victim"
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 \
    bash -c "$(declare -f solve); solve"
else
  HOME=$LHOME solve
fi
