#!/usr/bin/env bash
# Runs every test of wasm-errgroup, installing what is missing first:
#
#   package   the npm package, built (the suites below drive its core)
#   lint      cargo fmt --check, clippy -D warnings (wasm32), tsc over the
#             class's JS (src/js), the state machine's tests on the host,
#             doc examples
#   wasm      every tests/*.rs suite in Node, headless Chromium, headless
#             Firefox and WebKitGTK's MiniBrowser (Safari's engine, under
#             xvfb-run); tests/realm.rs needs iframes: in the Node pass the
#             runner takes it to a headless browser
#   node      `node --test` runs tests/js/ against the package, and tests/pkg/
#             against its packed tarball in Node ESM, Node CJS, a
#             bundler-free page, an esbuild and a webpack bundle (headless
#             Chromium), tsc in five setups, and every environment of the
#             README's "Where it runs" (tests/pkg/*.test.mjs); tests/js-core/
#             checks that the core compiled to JavaScript answers as the
#             wasm one; tests/demo/ drives the demo pages in headless Chromium;
#             tests/workers/ runs the worker pool (wasm-errgroup/workers) in
#             Node, Deno, Bun, Chromium, Firefox, WebKit and the bundlers
#   js core   tests/js/ again, over the core compiled to JavaScript
#             (tests/js-core/instantiate.mjs)
#   bench     benches/run.mjs --smoke: the bench runs in every engine;
#             benches/md5all.mjs --smoke: the pool's bench runs
#
# Ends with one line "N passed, N failed" over all of them; exits non-zero if
# anything failed. ENGINES="node chrome" runs a subset of engines.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bash scripts/setup.sh || exit 1
export PATH="$HOME/.cargo/bin:$PATH"

LOG_DIR="$(mktemp -d)"
PASSED=0
FAILED=0
SUMMARY=()
STATUS=0

say() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

# Adds up "test result: ... N passed; M failed" lines of one cargo run.
count_cargo() {
  local log="$1" label="$2" rc="$3" p f
  p=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  SUMMARY+=("$(printf '%-28s %5d passed, %d failed' "$label" "$p" "$f")")
  [ "$rc" -eq 0 ] || STATUS=1
}

check() {
  local label="$1"; shift
  if "$@" >"$LOG_DIR/check.log" 2>&1; then
    PASSED=$((PASSED + 1)); SUMMARY+=("$(printf '%-28s %5s' "$label" ok)")
  else
    cat "$LOG_DIR/check.log"
    FAILED=$((FAILED + 1)); STATUS=1; SUMMARY+=("$(printf '%-28s %5s' "$label" FAILED)")
  fi
}

say "npm package"
# The package, a core with test hooks (a deliberate panic, a stack probe)
# for tests/js/ (never part of the package), and the demo's Rust page.
if node scripts/build-pkg.mjs >"$LOG_DIR/pkg.log" 2>&1 \
  && node scripts/build-pkg.mjs --test-hooks >>"$LOG_DIR/pkg.log" 2>&1 \
  && bash scripts/build-demo.sh >>"$LOG_DIR/pkg.log" 2>&1; then
  PASSED=$((PASSED + 1)); SUMMARY+=("$(printf '%-28s %5s' "package build" ok)")
  grep -E '^core:' "$LOG_DIR/pkg.log" | head -1
else
  cat "$LOG_DIR/pkg.log"; FAILED=$((FAILED + 1)); STATUS=1
  SUMMARY+=("$(printf '%-28s %5s' "package build" FAILED)")
  printf '%s\n' "${SUMMARY[@]}"; echo "$PASSED passed, $FAILED failed"; exit 1
fi

say "lint"
check "cargo fmt --check" cargo fmt --check
check "clippy (wasm32, -D warnings)" cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
check "clippy (all features)" cargo clippy --target wasm32-unknown-unknown --all-features -- -D warnings
check "clippy (npm, no_std)" cargo clippy --target wasm32-unknown-unknown --no-default-features --features npm -- -D warnings
check "tsc: src/js/*.js (checkJs)" tools/node_modules/.bin/tsc -p src/js
check "tsc: src/js/workers" tools/node_modules/.bin/tsc -p src/js/workers
check "examples/md5all: fmt, clippy" bash -c 'cargo fmt --manifest-path examples/md5all/Cargo.toml --check \
  && cargo clippy --manifest-path examples/md5all/Cargo.toml --target wasm32-unknown-unknown -- -D warnings'
cargo test --lib >"$LOG_DIR/host.log" 2>&1
rc=$?; grep -E 'test result|FAILED|panicked' "$LOG_DIR/host.log" || true
count_cargo "$LOG_DIR/host.log" "state machine (host)" "$rc"
cargo test --doc >"$LOG_DIR/doc.log" 2>&1
rc=$?; cat "$LOG_DIR/doc.log" | grep -E 'test result|FAILED|error' || true
count_cargo "$LOG_DIR/doc.log" "doc examples (compile)" "$rc"

# The local HTTP server for the fetch tests, on 127.0.0.1 only.
SERVER_INFO="$LOG_DIR/server.json"
node scripts/test-server.mjs --lifetime 3600 >"$SERVER_INFO" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$LOG_DIR"' EXIT
for _ in $(seq 50); do [ -s "$SERVER_INFO" ] && break; sleep 0.1; done
export WASM_ERRGROUP_TEST_ORIGIN WASM_ERRGROUP_DEAD_ORIGIN
WASM_ERRGROUP_TEST_ORIGIN=$(node -p "JSON.parse(require('fs').readFileSync('$SERVER_INFO')).origin")
WASM_ERRGROUP_DEAD_ORIGIN=$(node -p "JSON.parse(require('fs').readFileSync('$SERVER_INFO')).deadOrigin")

run_engine() {
  local engine="$1"; shift
  say "wasm tests in $engine"
  # Browsers get 2 minutes per suite: tests/robustness.rs runs a million
  # misuses. WebKitWebDriver needs a display, even for a hidden browser.
  local wrap=()
  [ "$engine" = webkit ] && wrap=(xvfb-run -a)
  "${wrap[@]}" env WASM_BINDGEN_TEST_TIMEOUT=120 "$@" cargo test --target wasm32-unknown-unknown --test "*" 2>&1 | tee "$LOG_DIR/$engine.log" \
    | grep -E '^test result|Running|FAILED|panicked|^error' 
  local rc=${PIPESTATUS[0]} started finished
  # A runner that exits early (Node does when nothing keeps its event loop
  # alive) prints no result line but may exit 0: count that as a failure.
  started=$(grep -c 'Running tests/' "$LOG_DIR/$engine.log")
  finished=$(grep -c '^test result:' "$LOG_DIR/$engine.log")
  if [ "$started" -ne "$finished" ]; then
    echo "error: $((started - finished)) test binaries in $engine ended without a result line" >&2
    [ "$rc" -ne 0 ] || rc=1
  fi
  count_cargo "$LOG_DIR/$engine.log" "wasm tests: $engine" "$rc"
}

for engine in ${ENGINES:-node chrome firefox webkit}; do
  case "$engine" in
    node) run_engine node ;;
    chrome) run_engine chrome WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="$(command -v chromedriver)" ;;
    firefox) run_engine firefox WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER="$(command -v geckodriver)" ;;
    webkit) run_engine webkit WASM_BINDGEN_USE_BROWSER=1 SAFARIDRIVER="$(command -v WebKitWebDriver)" ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
done

say "node --test"
node --expose-gc --test tests/js/ tests/js-core/ tests/pkg/ tests/demo/ tests/workers/ 2>&1 | tee "$LOG_DIR/js.log" | grep -E '^not ok|^# (pass|fail)|growth|bytes'
rc=${PIPESTATUS[0]}
p=$(awk '/^# pass/ {print $3}' "$LOG_DIR/js.log"); f=$(awk '/^# fail/ {print $3}' "$LOG_DIR/js.log")
p=${p:-0}; f=${f:-0}; if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); [ "$rc" -eq 0 ] || STATUS=1
SUMMARY+=("$(printf '%-28s %5d passed, %d failed' "node --test (package)" "$p" "$f")")

say "node --test over the JS-compiled core"
# The same suites, with every instance of the core they make built from the
# core's wasm2js output instead (what wasm-errgroup/no-wasm ships).
NODE_OPTIONS="--import=./tests/js-core/instantiate.mjs" node --expose-gc --test tests/js/ 2>&1 \
  | tee "$LOG_DIR/js-core.log" | grep -E '^not ok|^# (pass|fail)'
rc=${PIPESTATUS[0]}
p=$(awk '/^# pass/ {print $3}' "$LOG_DIR/js-core.log"); f=$(awk '/^# fail/ {print $3}' "$LOG_DIR/js-core.log")
p=${p:-0}; f=${f:-0}; if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); [ "$rc" -eq 0 ] || STATUS=1
SUMMARY+=("$(printf '%-28s %5d passed, %d failed' "node --test (JS core)" "$p" "$f")")

say "bench (smoke)"
# A few hundred tasks per scenario and engine, once: the bench still runs
# and prints numbers. It asserts no time.
check "bench smoke run (5 engines)" node benches/run.mjs --smoke --engines node,node22,chromium,firefox,webkit
check "bench smoke: MD5All, pool" node benches/md5all.mjs --smoke

say "summary"
printf '%s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
exit $STATUS
