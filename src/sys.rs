//! Raw JS bindings that `js-sys` lacks. Those that can run user code catch
//! what it throws.
//!
//! Nothing here is public.

use js_sys::{Function, JsString, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Promise.resolve(value)`. It throws when `value` is a promise whose
    /// `constructor` getter throws.
    #[wasm_bindgen(catch, js_namespace = Promise, js_name = resolve)]
    pub(crate) fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;

    /// `Promise.prototype.then.call(promise, on_fulfilled, on_rejected)`:
    /// the built-in `then`, whatever user code did to `promise.then`, and the
    /// derived promise dropped. It throws when a `Promise` subclass's species
    /// constructor throws.
    #[wasm_bindgen(catch, js_namespace = ["Promise", "prototype", "then"], js_name = call)]
    pub(crate) fn then_with(
        this: &Promise,
        on_fulfilled: &Function,
        on_rejected: &Function,
    ) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `Promise.prototype.then.call(promise, on_fulfilled)`: the built-in
    /// `then`, returning the derived promise.
    #[wasm_bindgen(catch, js_namespace = ["Promise", "prototype", "then"], js_name = call)]
    pub(crate) fn then_chain(this: &Promise, on_fulfilled: &Function) -> Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `queueMicrotask(callback)`.
    #[wasm_bindgen(js_name = queueMicrotask)]
    pub(crate) fn queue_microtask(callback: &Function);
}

#[wasm_bindgen]
extern "C" {
    /// A `TypeError`, made from a JS string.
    #[wasm_bindgen(extends = js_sys::Error)]
    pub(crate) type TypeError;
    #[wasm_bindgen(constructor)]
    pub(crate) fn new(message: &JsString) -> TypeError;

    /// A `RangeError`, made from a JS string.
    #[wasm_bindgen(extends = js_sys::Error)]
    pub(crate) type RangeError;
    #[wasm_bindgen(constructor)]
    pub(crate) fn new(message: &JsString) -> RangeError;
}
