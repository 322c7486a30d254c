#!/bin/bash
# Reference solution. Does the operator's work as the operator (uid 1000): find the infected nodes
# from the node agents' snapshots, quarantine them, apply, and repeat if the worm spread meanwhile.
set -euo pipefail
LUID=${LAB_LEARNER_UID:-1000} LGID=${LAB_LEARNER_GID:-1000} LHOME=${LAB_LEARNER_HOME:-/home/learner}
as_learner() { setpriv --reuid="$LUID" --regid="$LGID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$LHOME" LANG=C.UTF-8 "$@"; }
infected() { grep -l '\.m2md$' /srv/segment/nodes/*/agent.txt | awk -F/ '{ print $(NF-1) }' | sort; }
prev=""
for _ in 1 2 3 4 5 6; do
  now=$(infected)
  [ "$now" = "$prev" ] && break
  printf '%s\n' "$now" | as_learner tee "$LHOME/case/infected.txt" >/dev/null
  # shellcheck disable=SC2016
  as_learner bash -c 'for n in $(cat "$HOME/case/infected.txt"); do sed -i "s/^node $n vlan [0-9]*$/node $n vlan 999/" /srv/segment/etc/vlan.conf; done'
  as_learner /srv/segment/bin/segctl apply >/dev/null
  prev=$now
  sleep 0.3
done
# Wait for a scan cycle after the last change and for the worms to drop their C2 connections.
at=$(cat /run/segment/applied_at)
for _ in $(seq 1 200); do
  last=$(tail -n 1 /run/segment/ticks | awk '{ print $1 }')
  [ "$last" -gt "$at" ] && break
  sleep 0.2
done
sleep 3
echo "solve: quarantined $(printf '%s\n' "$prev" | grep -c .) node(s)"
