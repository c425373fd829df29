// Runs a suite over the core compiled to JavaScript instead of the wasm one:
//
//   NODE_OPTIONS=--import=./tests/js-core/instantiate.mjs node --test tests/js/
//
// Every WebAssembly instance of a core that scripts/build-pkg.mjs built
// (the package's, inlined in pkg/, or the test-hooks one) is made with the
// same core's wasm2js output in place of its exports: the suites run
// unchanged, and so does anything they spawn (NODE_OPTIONS is inherited).
// The module itself stays the real one, for checks of its shape.
import { readFileSync } from 'node:fs';

const target = new URL('../../target/', import.meta.url);
/** The cores build-pkg.mjs made: each one's wasm bytes and its JavaScript exports. */
const cores = await Promise.all(['pkg-build', 'pkg-test-hooks'].map(async (build) => ({
  bytes: readFileSync(new URL(`${build}/core.wasm`, target)),
  exports: Object.freeze(Object.assign(Object.create(null), await import(new URL(`${build}/core.mjs`, target).href))),
})));

const { Module, Instance } = WebAssembly;
/** @type {WeakMap<WebAssembly.Module, object>} */
const compiled = new WeakMap();

/** @param {BufferSource} source */
function bytesOf(source) {
  return ArrayBuffer.isView(source)
    ? Buffer.from(source.buffer, source.byteOffset, source.byteLength)
    : Buffer.from(/** @type {ArrayBuffer} */ (source));
}

WebAssembly.Module = new Proxy(Module, {
  construct(target, args, newTarget) {
    const module = Reflect.construct(target, args, newTarget);
    const core = cores.find(({ bytes }) => bytes.equals(bytesOf(args[0])));
    if (core !== undefined) compiled.set(module, core.exports);
    return module;
  },
});
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args, newTarget) {
    const exports = compiled.get(args[0]);
    if (exports === undefined) return Reflect.construct(target, args, newTarget);
    return { exports };
  },
});
