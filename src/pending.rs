//! Promises the JS class hands out (`wait()`, `map()`), kept in one registry
//! so that a Rust panic, which traps the whole WebAssembly instance, rejects
//! them first: JS code awaiting them then fails loudly instead of hanging.

use std::cell::{Cell, RefCell};

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;

thread_local! {
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending { rejects: Vec::new(), free: Vec::new() }) };
    static HOOKED: Cell<bool> = const { Cell::new(false) };
}

/// The `reject` of every promise not settled yet, by slot, and the free
/// slots, so that adding and removing one costs O(1).
struct Pending {
    rejects: Vec<Option<Function>>,
    free: Vec<usize>,
}

impl Pending {
    fn insert(&mut self, reject: Function) -> usize {
        match self.free.pop() {
            Some(slot) => {
                self.rejects[slot] = Some(reject);
                slot
            }
            None => {
                self.rejects.push(Some(reject));
                self.rejects.len() - 1
            }
        }
    }

    fn remove(&mut self, slot: usize) {
        if let Some(entry) = self.rejects.get_mut(slot) {
            if entry.take().is_some() {
                self.free.push(slot);
            }
        }
    }
}

/// Settles one promise from [`promise`] and takes it out of the registry.
///
/// Dropped unsettled, it rejects the promise: that happens only when the
/// group it waits for is dropped while tasks are queued that can never
/// start, and a rejection says so where a pending promise would hang.
pub(crate) struct Settle {
    resolve: Function,
    reject: Function,
    slot: Option<usize>,
}

impl Settle {
    /// Resolves with `Ok`'s value, or rejects with `Err`'s.
    pub(crate) fn settle(mut self, outcome: Result<JsValue, JsValue>) {
        self.finish(outcome);
    }

    fn finish(&mut self, outcome: Result<JsValue, JsValue>) {
        let Some(slot) = self.slot.take() else { return };
        PENDING.with(|pending| pending.borrow_mut().remove(slot));
        let _ = match outcome {
            Ok(value) => self.resolve.call1(&JsValue::UNDEFINED, &value),
            Err(error) => self.reject.call1(&JsValue::UNDEFINED, &error),
        };
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        let error = js_sys::Error::new(
            "wasm-errgroup: the group was dropped while tasks it can never start were queued",
        );
        self.finish(Err(error.into()));
    }
}

/// Returns a new promise, handing what settles it to `start`. A panic that
/// traps the instance before it settles rejects it.
pub(crate) fn promise(start: impl FnOnce(Settle)) -> Promise {
    if !HOOKED.replace(true) {
        set_panic_hook();
    }
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    if let Some((resolve, reject)) = parts {
        let slot = PENDING.with(|pending| pending.borrow_mut().insert(reject.clone()));
        start(Settle {
            resolve,
            reject,
            slot: Some(slot),
        });
    }
    promise
}

/// Sets the panic hook: reject every pending promise, then, with the
/// `console-panic-hook` feature, log the panic to `console.error`.
///
/// It replaces the previous hook rather than chaining it: keeping std's
/// default hook alive costs 7 KB of wasm, and on wasm32 it writes to a
/// stderr that does not exist.
pub(crate) fn set_panic_hook() {
    HOOKED.set(true);
    std::panic::set_hook(Box::new(|_info| {
        reject_all();
        #[cfg(feature = "console-panic-hook")]
        console_error_panic_hook::hook(_info);
    }));
}

fn reject_all() {
    let rejects: Vec<Function> = PENDING
        .try_with(|pending| match pending.try_borrow_mut() {
            Ok(mut pending) => {
                pending.free.clear();
                pending.rejects.drain(..).flatten().collect()
            }
            Err(_) => Vec::new(),
        })
        .unwrap_or_default();
    if rejects.is_empty() {
        return;
    }
    let error = js_sys::Error::new(
        "wasm-errgroup: a Rust panic trapped the WebAssembly instance; every group in it has stopped",
    );
    for reject in rejects {
        let _ = reject.call1(&JsValue::UNDEFINED, &error);
    }
}
