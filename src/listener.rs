//! [`AbortListener`]: an `abort` listener on an `AbortSignal`, removed when
//! dropped.

use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

/// Calls a Rust callback when `signal` aborts, until dropped.
///
/// Dropping it removes the listener and frees the callback, even from inside
/// the callback itself.
pub(crate) struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    pub(crate) fn new(signal: &AbortSignal, callback: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(callback);
        // `addEventListener` throws only on bad arguments, and these are good.
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        AbortListener {
            signal: signal.clone(),
            callback,
        }
    }
}

impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.callback.as_ref().unchecked_ref());
    }
}
