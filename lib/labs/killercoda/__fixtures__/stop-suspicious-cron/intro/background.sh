#!/bin/bash
# Plant a fake "cryptominer": a renamed copy of bash running a harmless busy loop, owned by the
# unprivileged user when there is one (Kenshu's learner), plus its line in the app's scheduler.
U=$(id -u learner 2>/dev/null || echo 0)
cp /bin/bash /tmp/kworkerds
chmod 755 /tmp/kworkerds /opt/app/.cache/miner.sh
chown -R "$U:$U" /opt/app
echo '* * * * * /opt/app/.cache/miner.sh # kworkerds' >> /opt/app/crontab
( exec </dev/null >/dev/null 2>&1 3>&-
  setsid setpriv --reuid="$U" --regid="$U" --clear-groups /tmp/kworkerds /opt/app/.cache/miner.sh ) &
for i in $(seq 1 50); do pgrep -x kworkerds >/dev/null && break; sleep 0.1; done
