// The core's bytes, which scripts/build-pkg.mjs inlines into the package's
// entry (src/js/index.js) when it bundles it.
declare module 'wasm-errgroup:core' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

// The same core compiled to JavaScript, which scripts/build-pkg.mjs bundles
// into the `wasm-errgroup/no-wasm` entry (src/js/no-wasm.js).
declare module 'wasm-errgroup:core.js' {
  const core: import('./errgroup.js').Core;
  export = core;
}
