//! [`Timer`]: a `setTimeout`, cleared when dropped.

use core::time::Duration;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // The global timer functions, present in browsers, workers and Node.
    // Node's `setTimeout` returns an object, not a number: keep it as is.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Calls a Rust callback once, after a delay, unless dropped first.
///
/// Dropping it clears the timeout and frees the callback, even from inside
/// the callback itself.
pub(crate) struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `callback` after `delay`, rounded up to whole milliseconds, and
    /// shortened to 2^31 − 1 ms (about 24.8 days): `setTimeout` takes no
    /// more, and fires at once past it.
    pub(crate) fn new(delay: Duration, callback: impl FnOnce() + 'static) -> Self {
        let ms = delay.as_nanos().div_ceil(1_000_000);
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let callback = Closure::<dyn FnMut()>::once(callback);
        let id = set_timeout(callback.as_ref(), ms);
        Timer {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
