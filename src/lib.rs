//! Go's [`errgroup`](https://pkg.go.dev/golang.org/x/sync/errgroup) for the
//! browser: run many async tasks with a concurrency limit, keep the first
//! failure exactly as it was raised, tell every sibling to stop through an
//! `AbortSignal`, and learn that the group is done only when nothing is still
//! running.
//!
//! - [`Group`] runs Rust futures with `wasm_bindgen_futures::spawn_local`.
//! - [`Context`] is an `AbortSignal`, the parent of a group and the signal
//!   its tasks hand to `fetch`.
//! - The same core runs the npm package's JS class `ErrGroup`, which is
//!   written in JS (`src/js/errgroup.js`) over the calls of the `js`
//!   feature.
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
//!   (`panic = "abort"`); Go's `Wait` would re-panic instead.
//!
//! # Features
//!
//! - `std` (default): the standard library. Without it the crate is
//!   `no_std` with `alloc`, and an app that builds it into a `cdylib`
//!   provides the global allocator and the panic handler.
//! - `group` (default): the Rust API, [`Group`] and [`Context`]. Without
//!   it only the core is built, for the `js` feature.
//! - `js`: exports the calls the npm package's JS class makes into the
//!   core (`src/js/mod.rs`). Rust apps leave it off.
//! - `npm`: how the npm package is built (`--no-default-features
//!   --features npm`): `js`, and a panic handler that traps at once, so no
//!   formatting code is linked. The core allocates nothing. Not for Rust
//!   apps.
//! - `console-panic-hook`: `set_panic_hook()` logs panics to
//!   `console.error` before the trap. Needs `std`.
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
// No unsafe code; the one `allow` places the JS protocol's text in a custom
// section of the npm package's core (src/js/protocol.rs).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, missing_debug_implementations)]

#[cfg(any(feature = "group", test))]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "group")]
mod context;
#[cfg(feature = "group")]
mod group;
#[cfg(feature = "group")]
mod join;
#[cfg(any(feature = "js", test))]
mod js;
#[cfg(feature = "group")]
mod listener;
#[cfg(feature = "group")]
mod map;
#[cfg(feature = "group")]
mod reason;
mod state;
#[cfg(feature = "group")]
mod timer;

#[cfg(feature = "group")]
pub use context::{Cancel, Context, Done};
#[cfg(feature = "group")]
pub use group::{Group, Ready, Wait};
#[cfg(feature = "group")]
pub use join::{JoinError, JoinHandle};
#[cfg(feature = "group")]
pub use map::{map, map_stream, map_stream_unordered};
#[cfg(feature = "group")]
pub use reason::{error_reason, AbortReason, Aborted};

// The npm package's build: `--no-default-features --features npm`.
#[cfg(all(
    feature = "npm",
    not(all(target_arch = "wasm32", not(target_feature = "atomics")))
))]
compile_error!(
    "the `npm` feature builds the npm package's module, for single-threaded wasm32 only"
);

// The core allocates nothing (src/js/mod.rs); wasm-bindgen's runtime, whose
// allocating exports the build strips, still needs an allocator to link.
#[cfg(all(
    feature = "npm",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: lol_alloc::FailAllocator = lol_alloc::FailAllocator;

/// Without `std` there is no panic hook, and no formatting machinery linked
/// for one: a panic traps at once. The core's calls cannot panic (they do
/// arithmetic on numbers), and the JS class fails loudly if one traps.
#[cfg(all(feature = "npm", not(feature = "std"), target_arch = "wasm32"))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Sets a panic hook that logs panics to `console.error`, before the panic
/// traps the WebAssembly instance. Available with the `console-panic-hook`
/// feature.
#[cfg(feature = "console-panic-hook")]
pub fn set_panic_hook() {
    console_error_panic_hook::set_once();
}
