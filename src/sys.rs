//! Raw JS bindings: a few built-ins `js-sys` binds less cheaply, and a small
//! inline JS module for what is cheaper done on the JS side of the boundary.
//!
//! The inline module keeps the registry of pending promises (so that a panic
//! can reject them without a Rust global) and calls tasks: calling one,
//! testing its result and adopting a thenable is one crossing of the
//! boundary instead of four. `scripts/build-pkg.mjs` bundles it into the
//! glue. Nothing here is public.

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen(inline_js = r#"
const then = Promise.prototype.then;
const pending = new Set();
export function track(reject) { pending.add(reject); }
export function untrack(reject) { pending.delete(reject); }
export function rejectAll(message) {
  const rejects = [...pending];
  pending.clear();
  const error = new Error(message);
  for (const reject of rejects) reject(error);
}
export function callResolve(resolve) { resolve(); }
const toString = Object.prototype.toString;
export function isAbortSignal(value) {
  return value instanceof AbortSignal || toString.call(value) === '[object AbortSignal]';
}
// Error messages are built here: in Rust, formatting would double the
// module's size, and a Rust `String` costs a UTF-16 transcoder.
const describe = (value) =>
  value === null ? 'null'
  : typeof value === 'string' ? 'string ' + JSON.stringify(value)
  : typeof value === 'number' ? String(value)
  : typeof value;
export function typeError(message, value) { return new TypeError(message + describe(value)); }
export function rangeError(message, value) { return new RangeError(message + describe(value)); }
const isThenable = (value) =>
  value !== null && (typeof value === 'object' || typeof value === 'function');
export function watch(value, onFulfilled, onRejected) {
  then.call(Promise.resolve(value), onFulfilled, onRejected);
}
export function start(task, signal, onFulfilled, onRejected) {
  const value = task(signal);
  if (!isThenable(value)) return false;
  watch(value, onFulfilled, onRejected);
  return true;
}
export function item(result, slot) {
  if (typeof result !== 'object' || result === null) {
    slot[0] = result;
    return 2;
  }
  if (result.done) return 0;
  slot[0] = result.value;
  return 1;
}
export function pull(iterator, next, slot) {
  return item(next.call(iterator), slot);
}
export function startMapper(mapper, item, index, signal, results, onFulfilled, onRejected) {
  const value = mapper(item, index, signal);
  if (!isThenable(value)) {
    results[index] = value;
    return false;
  }
  const stored = then.call(Promise.resolve(value), (result) => { results[index] = result; });
  then.call(stored, onFulfilled, onRejected);
  return true;
}
"#)]
extern "C" {
    /// Adds `reject` to the registry of pending promises.
    pub(crate) fn track(reject: &Function);
    /// Takes `reject` out of the registry.
    pub(crate) fn untrack(reject: &Function);
    /// Empties the registry, rejecting each promise with an `Error` saying
    /// `message`.
    #[wasm_bindgen(js_name = rejectAll)]
    pub(crate) fn reject_all(message: &str);

    /// A `TypeError` saying `message` followed by a short description of
    /// `value`: `null`, a quoted string, a number, or its `typeof`.
    #[wasm_bindgen(js_name = typeError)]
    pub(crate) fn type_error(message: &str, value: &JsValue) -> JsValue;

    /// A `RangeError`, described as by [`type_error`].
    #[wasm_bindgen(js_name = rangeError)]
    pub(crate) fn range_error(message: &str, value: &JsValue) -> JsValue;

    /// Whether `value` is an `AbortSignal` of this realm or of another (an
    /// iframe's), where `instanceof` fails.
    #[wasm_bindgen(js_name = isAbortSignal)]
    pub(crate) fn is_abort_signal(value: &JsValue) -> bool;

    /// Calls the `resolve` of a promise's own executor, which never throws.
    #[wasm_bindgen(js_name = callResolve)]
    pub(crate) fn call_resolve(resolve: &Function);

    /// Adopts `value` as `await` would (`Promise.resolve`) and settles it
    /// through the built-in `then`, whatever user code did to `value.then`
    /// or `Promise.prototype.then`. Throws what `Promise.resolve` or a
    /// species constructor throws.
    #[wasm_bindgen(catch)]
    pub(crate) fn watch(
        value: &JsValue,
        on_fulfilled: &Function,
        on_rejected: &Function,
    ) -> Result<(), JsValue>;

    /// Calls `task(signal)`. If it returns a thenable, watches it (as
    /// [`watch`]) and returns true; returns false for any other value.
    /// Throws what the task, or adopting its thenable, throws.
    #[wasm_bindgen(catch)]
    pub(crate) fn start(
        task: &Function,
        signal: &AbortSignal,
        on_fulfilled: &Function,
        on_rejected: &Function,
    ) -> Result<bool, JsValue>;

    /// Reads one iterator result: returns 0 once done; 1 with its `value`
    /// stored at `slot[0]`; 2 if it is not an object, stored at `slot[0]`.
    /// Throws what its `done` or `value` getter throws.
    #[wasm_bindgen(catch)]
    pub(crate) fn item(result: &JsValue, slot: &Array) -> Result<u32, JsValue>;

    /// `item(next.call(iterator), slot)`: pulls one item from a sync
    /// iterator. Throws what `next` throws.
    #[wasm_bindgen(catch)]
    pub(crate) fn pull(iterator: &JsValue, next: &Function, slot: &Array) -> Result<u32, JsValue>;

    /// Calls `mapper(item, index, signal)` and stores its result, or what
    /// its thenable fulfils with, at `results[index]`. A thenable is
    /// watched (as [`watch`]) after the store, and true returned; false is
    /// returned for a value stored at once.
    #[wasm_bindgen(catch, js_name = startMapper)]
    pub(crate) fn start_mapper(
        mapper: &Function,
        item: &JsValue,
        index: u32,
        signal: &AbortSignal,
        results: &Array,
        on_fulfilled: &Function,
        on_rejected: &Function,
    ) -> Result<bool, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `queueMicrotask(callback)`.
    #[wasm_bindgen(js_name = queueMicrotask)]
    pub(crate) fn queue_microtask(callback: &Function);
}
