//! Go's [`errgroup`](https://pkg.go.dev/golang.org/x/sync/errgroup) for the
//! browser: run many async tasks with a concurrency limit, keep the first
//! failure exactly as it was raised, tell every sibling to stop through an
//! `AbortSignal`, and learn that the group is done only when nothing is still
//! running.
//!
//! - [`Group`] runs Rust futures with `wasm_bindgen_futures::spawn_local`.
//! - [`Context`] is an `AbortSignal`, the parent of a group and the signal
//!   its tasks hand to `fetch`.
//! - The same group is exported to JavaScript as the `ErrGroup` class
//!   (Rust name [`JsErrGroup`]).
//!
//! # Differences from Go
//!
//! - Once a `with_context` group's signal has aborted, queued and later
//!   tasks are skipped instead of started (golang/go#61611). Work skipped
//!   because the parent aborted makes `wait` fail, never succeed.
//! - [`Group::set_limit`] may be called while tasks run; Go panics.
//! - [`Group::go`] never blocks: it queues. [`Group::ready`] is the
//!   backpressure a blocking `Go` gives.
//! - `wait` on a `with_context` group closes it: later tasks are skipped.
//! - A panic inside a task traps the whole WebAssembly instance
//!   (`panic = "abort"`); Go's `Wait` would re-panic instead. Pending JS
//!   `wait()` and `map()` promises are rejected before the trap.
//!
//! # Features
//!
//! - `std` (default): the standard library. Without it the crate is
//!   `no_std` with `alloc`, and an app that builds it into a `cdylib`
//!   provides the global allocator and the panic handler.
//! - `npm`: how the npm package is built (`--no-default-features
//!   --features npm`): talc as the global allocator and, without `std`, a
//!   panic handler that rejects the pending promises of the JS class and
//!   traps, so no formatting code is linked. Not for Rust apps.
//! - `console-panic-hook`: `set_panic_hook()` also logs panics to
//!   `console.error`. Needs `std`.
//!
//! # Examples
//!
//! These mirror the three examples of Go's errgroup documentation. Each one
//! is also run by `tests/examples.rs`.
//!
//! Fetching several URLs, stopping the others at the first failure:
//!
//! ```no_run
#![doc = include_str!("../tests/examples/fetch_all.rs")]
//! ```
//!
//! A parallel search, collecting results by index:
//!
//! ```no_run
#![doc = include_str!("../tests/examples/search.rs")]
//! ```
//!
//! A bounded pipeline: one walker feeds N digesters through a channel, and
//! the first failure stops the walker and every digester:
//!
//! ```no_run
#![doc = include_str!("../tests/examples/pipeline.rs")]
//! ```
//!
//! The same from JavaScript, where a task receives the group's signal:
//!
//! ```js
//! import { ErrGroup } from 'wasm-errgroup';
//!
//! const group = ErrGroup.withSignal();
//! group.setLimit(4);
//! for (const url of urls) {
//!   group.go(async (signal) => {
//!     const response = await fetch(url, { signal });
//!     if (!response.ok) throw new Error(`${url}: ${response.status}`);
//!   });
//! }
//! await group.wait(); // rejects with the first failure, exactly as thrown
//! ```

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, missing_debug_implementations)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod context;
mod group;
mod js;
mod listener;
mod map;
mod pending;
mod reason;
mod sys;

pub use context::{Context, Done};
pub use group::{Group, Ready, Wait};
pub use js::JsErrGroup;
pub use reason::{error_reason, AbortReason, Aborted};

// The npm package's build: `--no-default-features --features npm`. Without
// `std` there is no panic hook, and no formatting machinery linked for one:
// the panic handler rejects every pending `ErrGroup` promise, then traps.
#[cfg(all(
    feature = "npm",
    not(all(target_arch = "wasm32", not(target_feature = "atomics")))
))]
compile_error!(
    "the `npm` feature builds the npm package's module, for single-threaded wasm32 only"
);

#[cfg(all(
    feature = "npm",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(feature = "npm", not(feature = "std"), target_arch = "wasm32"))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    pending::reject_all();
    core::arch::wasm32::unreachable()
}

/// Installs this crate's panic hook now, with `console.error` logging: on a
/// panic it rejects every pending `ErrGroup` promise, then logs the panic.
/// (The `ErrGroup` class installs the hook, without logging, the first time
/// it hands out a promise.) Available with the `console-panic-hook` feature.
#[cfg(feature = "console-panic-hook")]
pub fn set_panic_hook() {
    pending::hook::set();
}

/// Panics, to test what a panic does to pending promises. Only in builds
/// with the `test-hooks` feature, never in the npm package.
#[cfg(feature = "test-hooks")]
#[doc(hidden)]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __panicForTests)]
pub fn panic_for_tests() {
    panic!("a deliberate panic, for the tests");
}
