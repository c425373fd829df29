#!/usr/bin/env bash
# Builds what the demo serves besides www/: the npm package (pkg/) and the
# Rust page's wasm (www/rust, with wasm-pack's web target, into
# target/demo/rust). Run by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ -f pkg/index.js ] && [ -z "${REBUILD:-}" ] || node scripts/build-pkg.mjs
wasm-pack --quiet build www/rust --release --target web --out-dir ../../target/demo/rust --no-typescript
