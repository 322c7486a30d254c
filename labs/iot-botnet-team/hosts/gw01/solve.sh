#!/bin/bash
# iot-botnet-team — gw01's part of the reference solution (after ws01's, whose scanner is stopped).
# Runs as sandbox root like a check, but does all the work as the gateway account, to prove every
# gw01 task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local gw=/srv/gateway pids=() p exe dropper user pw
  cd "$HOME"

  # First response: find the bot (a process running from a deleted file in /tmp) and preserve it.
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in /tmp/*' (deleted)') pids+=("${p#/proc/}") ;; esac
  done
  [ ${#pids[@]} -gt 0 ] || { echo "solve: no bot process found" >&2; exit 1; }
  mkdir -p evidence && chmod 700 evidence
  for p in "${pids[@]}"; do
    cp "/proc/$p/fd/0" "evidence/$p.program"
    { echo "pid=$p"; tr '\0' ' ' <"/proc/$p/cmdline"; echo; ls -l "/proc/$p/fd"; } >"evidence/$p.txt" 2>&1 || true
  done
  cp "$gw/log/messages" "$gw/log/flow.log" evidence/
  sha256sum evidence/* >evidence/SHA256SUMS

  # Stay clear of the minute boundary, when cron re-runs the dropper: a dropper started in the
  # middle of the clean-up could restart what was just stopped (a person would see that and redo it).
  while s=$(date +%S); [ $(( 10#$s )) -ge 56 ] || [ $(( 10#$s )) -le 3 ]; do sleep 1; done

  # Eradicate: the hidden file the crontab runs; drop its lines from crontab and rc.local, delete it.
  dropper=$(grep -v '^#' "$gw/etc/crontab" | awk '{ print $6 }' | grep '/\.cache/' | head -n 1)
  [ -n "$dropper" ] || { echo "solve: no persistence found" >&2; exit 1; }
  cp "$dropper" evidence/dropper.sh
  sed -i "\\#${dropper}#d" "$gw/etc/crontab" "$gw/etc/rc.local"
  rm -f "$dropper"

  # Contain: now that nothing restarts it, stop the bot.
  kill -9 "${pids[@]}" 2>/dev/null || true

  # Recover: close the maintenance port and replace every default password.
  sed -i 's/^telnet=on/telnet=off/' "$gw/etc/services.conf"
  "$gw/bin/gwctl" stop telnetd
  for user in $(grep -v '^#' "$gw/etc/users" | cut -d: -f1); do
    pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
    printf '%s\n%s\n' "$pw" "$pw" | "$gw/bin/gwctl" passwd "$user"
  done
  "$gw/bin/gwctl" status
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 \
    bash -c "$(declare -f solve); solve"
else
  HOME=$LHOME solve
fi
