#!/usr/bin/env bash
# Builds MD5All's worker (examples/md5all) into target/md5all/: the Rust
# digest compiled to wasm (wasm-pack, web target), and md5.worker.js bundled
# with the package's wasm-errgroup/workers by esbuild, as a user's bundler
# would, beside the wasm it loads. The demo, the bench and the tests use it;
# build the package first (pkg/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
OUT=target/md5all
wasm-pack --quiet build examples/md5all --release --target web --out-dir pkg --no-typescript
mkdir -p $OUT && cp examples/md5all/pkg/wasm_errgroup_md5all_bg.wasm $OUT/
# Node reads a .js file as a module only beside a package.json that says so.
echo '{ "type": "module" }' > $OUT/package.json
tools/node_modules/.bin/esbuild examples/md5all/md5.worker.js --bundle --format=esm --platform=neutral \
  --target=es2022 --alias:wasm-errgroup/workers=./pkg/workers.js \
  --outfile=$OUT/md5.worker.js --log-level=warning
