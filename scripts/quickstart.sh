#!/usr/bin/env bash
# Kenshu quick start: install, build, prepare the embedded SQLite database with the demo organisation,
# bring bubblewrap for the labs where possible, and serve on http://localhost:3000.
# Safe to run again: existing data in data/ is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20 || (a===20 && b<19)) { console.error("Kenshu needs Node.js 20.19 or newer (found " + process.versions.node + ")"); process.exit(1) }'

if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "» installing bubblewrap (lab sandboxes)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
  else
    echo "! bubblewrap is not installed: the app runs, but labs stay closed until it is."
    echo "  Install it with:  sudo apt-get install -y bubblewrap"
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "» installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

echo "» building"
npm run build --silent

echo "» preparing the database"
node dist/seed.js

echo "» starting Kenshu on http://localhost:${PORT:-3000}  (Ctrl-C to stop)"
export PORT="${PORT:-3000}"
exec env NODE_ENV=production node --enable-source-maps dist/server.js
