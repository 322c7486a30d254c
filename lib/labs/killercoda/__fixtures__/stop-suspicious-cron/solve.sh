#!/bin/bash
# Kenshu extension: Killercoda scenarios have no reference solution; the importer copies this one.
pkill -x kworkerds || true
sed -i '/miner/d' /opt/app/crontab
for i in $(seq 1 30); do pgrep -x kworkerds >/dev/null || exit 0; sleep 0.1; done
exit 1
