#!/usr/bin/env bash
# The test command (README, CI): installs what the tests need on a fresh machine, then runs the
# suite on a real Temporal dev server and a real Label Studio, then audits every history it left.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh

rm -rf .lst/test
mkdir -p .lst/test
npx tsc --noEmit

status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.lst/test/suite.json || status=$?
npx vitest run --config vitest.audit.config.mts --reporter=default --reporter=json --outputFile.json=.lst/test/audit.json || status=$?

# One plain closing line over both runs, for readers that do not parse vitest's own summary.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of [".lst/test/suite.json", ".lst/test/audit.json"]) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrors ?? 0); skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "$status"
