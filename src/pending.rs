//! Promises the JS class hands out (`wait()`, `map()`), tracked so that a
//! Rust panic, which traps the whole WebAssembly instance, rejects them
//! first: JS code awaiting them then fails loudly instead of hanging.
//!
//! The registry is a JS `Set` of their `reject` functions, kept in the inline
//! JS module of [`sys`](crate::sys), so this crate needs no Rust global for it.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use crate::sys::{reject_all as reject_all_with, track, untrack};

/// Settles one promise from [`promise`] and takes it out of the registry.
///
/// Dropped unsettled, it rejects the promise: that happens only when the
/// group it waits for is dropped while tasks are queued that can never
/// start, and a rejection says so where a pending promise would hang.
pub(crate) struct Settle {
    resolve: Function,
    reject: Function,
    settled: bool,
}

impl Settle {
    /// Resolves with `Ok`'s value, or rejects with `Err`'s.
    pub(crate) fn settle(mut self, outcome: Result<JsValue, JsValue>) {
        self.finish(outcome);
    }

    fn finish(&mut self, outcome: Result<JsValue, JsValue>) {
        if core::mem::replace(&mut self.settled, true) {
            return;
        }
        untrack(&self.reject);
        let _ = match outcome {
            Ok(value) => self.resolve.call1(&JsValue::UNDEFINED, &value),
            Err(error) => self.reject.call1(&JsValue::UNDEFINED, &error),
        };
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let error = js_sys::Error::new(
            "wasm-errgroup: the group was dropped while tasks it can never start were queued",
        );
        self.finish(Err(error.into()));
    }
}

/// Returns a new promise, handing what settles it to `start`. A panic that
/// traps the instance before it settles rejects it.
pub(crate) fn promise(start: impl FnOnce(Settle)) -> Promise {
    #[cfg(feature = "std")]
    hook::set_once();
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    if let Some((resolve, reject)) = parts {
        track(&reject);
        start(Settle {
            resolve,
            reject,
            settled: false,
        });
    }
    promise
}

/// Rejects every pending promise: called on a panic, before the trap.
pub(crate) fn reject_all() {
    reject_all_with(
        "wasm-errgroup: a Rust panic trapped the WebAssembly instance; every group in it has stopped",
    );
}

/// With `std`, panics reach this crate through the panic hook; without it,
/// through the npm build's panic handler (see `lib.rs`).
#[cfg(feature = "std")]
pub(crate) mod hook {
    use std::cell::Cell;

    std::thread_local! {
        static HOOKED: Cell<bool> = const { Cell::new(false) };
    }

    pub(crate) fn set_once() {
        if !HOOKED.replace(true) {
            set();
        }
    }

    /// Sets the panic hook: reject every pending promise, then, with the
    /// `console-panic-hook` feature, log the panic to `console.error`.
    ///
    /// It replaces the previous hook rather than chaining it: keeping std's
    /// default hook alive costs 7 KB of wasm, and on wasm32 it writes to a
    /// stderr that does not exist.
    pub(crate) fn set() {
        HOOKED.set(true);
        std::panic::set_hook(std::boxed::Box::new(|_info| {
            super::reject_all();
            #[cfg(feature = "console-panic-hook")]
            console_error_panic_hook::hook(_info);
        }));
    }
}
