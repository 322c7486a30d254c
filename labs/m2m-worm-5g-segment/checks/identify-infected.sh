#!/bin/bash
# Passes when ~/case/infected.txt names exactly the nodes infected right now (the worm keeps
# spreading until isolation, so a list that was right ten minutes ago may no longer be).
say() { if [ "$LAB_LANG" = ja ]; then echo "$1"; else echo "$2"; fi; }
f=$LAB_LEARNER_HOME/case/infected.txt
if [ ! -f "$f" ] || [ -L "$f" ]; then
  say "~/case/infected.txt がまだありません（感染ノードの ID を 1 行に 1 つ）。" "~/case/infected.txt does not exist yet (one infected node id per line)."
  exit 1
fi
listed=$(timeout 2 head -c 65536 -- "$f" | tr -s ' \t,;\r' '\n' | grep -E '^[a-z]{3}-[0-9]{2,4}$' | sort -u)
truth=$(awk '{ print $1 }' /run/segment/infected | sort -u)
n=$(printf '%s' "$listed" | grep -c .)
if [ "$listed" = "$truth" ]; then
  say "正解です。いま感染しているノード ${n} 台を特定できました。" "Correct: you identified the ${n} nodes that are infected right now."
  exit 0
fi
say "${n} 台が書かれていますが、いま感染しているノードの一覧と一致しません（調べた後にも感染は広がります）。" \
  "${n} node(s) listed, but that is not the set of nodes infected right now (the worm keeps spreading after you look)."
exit 1
