#!/bin/bash
# iot-botnet-telnet — reference solution. Runs as sandbox root like a check, but does all the work
# as the learner's uid, with only what the learner has, to prove every task is doable without root.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000}
LGID=${LAB_LEARNER_GID:-1000}
LHOME=${LAB_LEARNER_HOME:-/home/learner}

solve() {
  set -euo pipefail
  local gw=/srv/gateway pids=() p exe
  cd "$HOME"

  # First response: find the bot (a process running from a deleted file in /tmp) and preserve it.
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in /tmp/*' (deleted)') pids+=("${p#/proc/}") ;; esac
  done
  [ ${#pids[@]} -gt 0 ] || { echo "solve: no bot process found" >&2; exit 1; }
  mkdir -p evidence && chmod 700 evidence
  for p in "${pids[@]}"; do
    cp "/proc/$p/exe" "evidence/$p.exe"
    cp "/proc/$p/fd/0" "evidence/$p.stdin" # the renamed shell reads its program from a deleted file
    { echo "pid=$p"; tr '\0' ' ' <"/proc/$p/cmdline"; echo; ls -l "/proc/$p/fd"; } >"evidence/$p.txt" 2>&1 || true
  done
  sha256sum evidence/* >evidence/SHA256SUMS

  # Eradicate: find the file the crontab runs from a hidden directory, drop its lines, delete it.
  local dropper
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
  local user pw
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
