#!/usr/bin/env bash
# Runs the wasm-errgroup demo: builds the npm package (installing what is
# missing first), then fetches URLs from a local server with ErrGroup.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
echo "building the npm package..." >&2
node scripts/build-pkg.mjs >/dev/null 2>&1 || node scripts/build-pkg.mjs
node www/demo.mjs
