#!/usr/bin/env bash
# npm run bench [-- <case prefix>…]: prints history events, Label Studio requests and notice delay per sync.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npx tsx bench/sync-bench.ts "$@"
