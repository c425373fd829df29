#!/usr/bin/env bash
# Builds what the demo serves besides www/: the npm package (pkg/), the
# Rust page's wasm (www/rust, with wasm-pack's web target, into
# target/demo/rust) and MD5All's worker (target/md5all). Run by
# scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
[ -f pkg/index.js ] && [ -z "${REBUILD:-}" ] || node scripts/build-pkg.mjs
wasm-pack --quiet build www/rust --release --target web --out-dir ../../target/demo/rust --no-typescript
bash scripts/build-md5all.sh
