#!/usr/bin/env bash
# The wasm-errgroup demo: installs what is missing, builds the package and
# the Rust page, and serves the demo on 127.0.0.1 until Ctrl-C.
#
#   ./scripts/demo.sh              prints the URL to open
#   ./scripts/demo.sh --headless   runs one batch in headless Chromium, prints
#                                  what happened, and writes screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "building the package and the Rust page..." >&2
REBUILD=1 bash scripts/build-demo.sh >/dev/null 2>&1 || REBUILD=1 bash scripts/build-demo.sh
if [ "${1:-}" = "--headless" ]; then
  exec node www/headless.mjs
fi
exec node www/server.mjs
