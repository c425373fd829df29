// The core's bytes, which scripts/build-pkg.mjs inlines into the package's
// entry (src/js/index.js) when it bundles it.
declare module 'wasm-errgroup:core' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
