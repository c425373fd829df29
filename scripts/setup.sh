#!/usr/bin/env bash
# Installs what building and testing wasm-errgroup needs, skipping what is
# already there. Safe to run again; later runs take a few seconds.
#
#   rust target   wasm32-unknown-unknown
#   cargo tools   wasm-bindgen-cli (pinned to Cargo.toml), wasm-pack, geckodriver
#   browsers      Debian's chromium, chromium-driver, firefox-esr, and
#                 webkit2gtk-driver (WebKitWebDriver, MiniBrowser) with xvfb, xauth
#   npm           dev dependencies in tools/ (binaryen, typescript, esbuild, ...),
#                 and tools/typescript-5.4/ (the lowest TypeScript the types are checked with)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

# The CLI must match the `=X.Y.Z` pin of the wasm-bindgen crate exactly.
WB_VERSION="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$WB_VERSION" ] || { echo "setup: no =X.Y.Z pin for wasm-bindgen in Cargo.toml" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

have_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q "$2"; }

if ! have_version wasm-bindgen "$WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION (about 3 minutes)"
  # No --locked: the CLI's lockfile may name versions the registry lacks.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (about 4 minutes)"
  cargo install wasm-pack
fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v firefox >/dev/null || command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || need_apt+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || need_apt+=(xvfb)
command -v xauth >/dev/null || need_apt+=(xauth)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v geckodriver >/dev/null; then
  log "installing geckodriver"
  cargo install geckodriver
fi

if [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  log "installing npm dev dependencies in tools/"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d tools/typescript-5.4/node_modules ] \
  || [ tools/typescript-5.4/package-lock.json -nt tools/typescript-5.4/node_modules/.package-lock.json ]; then
  log "installing TypeScript 5.4 in tools/typescript-5.4/"
  (cd tools/typescript-5.4 && npm ci --no-audit --no-fund --loglevel=error)
fi
