#!/bin/bash
# iot-botnet-team — ws01's part of the reference solution (labs:check runs it before gw01's).
# Runs as sandbox root like a check, but does all the work as the PC's user, with only what a team
# member has, to prove every ws01 task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local pids=() p exe dropper
  cd "$HOME"

  # First response: the scanner runs from a deleted file in /tmp; keep its program before stopping it.
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in /tmp/*' (deleted)') pids+=("${p#/proc/}") ;; esac
  done
  [ ${#pids[@]} -gt 0 ] || { echo "solve: no scanner process found" >&2; exit 1; }
  mkdir -p evidence && chmod 700 evidence
  for p in "${pids[@]}"; do
    cp "/proc/$p/fd/0" "evidence/$p.program"
    { echo "pid=$p"; tr '\0' ' ' <"/proc/$p/cmdline"; echo; ls -l "/proc/$p/fd"; cat /proc/net/tcp; } >"evidence/$p.txt" 2>&1 || true
  done
  cp Downloads/gw100-maint-tool.sh .bash_history evidence/ 2>/dev/null || true
  crontab -l >evidence/crontab.txt
  sha256sum evidence/* >evidence/SHA256SUMS

  # Stay clear of the minute boundary, when cron re-runs the dropper: a dropper started in the
  # middle of the clean-up could restart what was just stopped (a person would see that and redo it).
  while s=$(date +%S); [ $(( 10#$s )) -ge 56 ] || [ $(( 10#$s )) -le 3 ]; do sleep 1; done

  # Eradicate: the crontab line that runs a hidden file, then the file itself.
  dropper=$(crontab -l | grep -v '^#' | awk '{ print $6 }' | grep '/\.local/share/\.' | head -n 1)
  [ -n "$dropper" ] || { echo "solve: no persistence found" >&2; exit 1; }
  cp "$dropper" evidence/dropper.sh
  crontab -l | grep -vF "$dropper" | crontab -
  rm -f "$dropper"

  # Contain: nothing restarts it now; stop the scanner.
  kill -9 "${pids[@]}" 2>/dev/null || true
}

if setpriv --reuid="$LUID" --regid="$LGID" --clear-groups true 2>/dev/null; then
  setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/opt/ws/bin:/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 \
    bash -c "$(declare -f solve); solve"
else
  PATH=/opt/ws/bin:$PATH HOME=$LHOME solve
fi
