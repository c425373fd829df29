//! Go's [`errgroup`](https://pkg.go.dev/golang.org/x/sync/errgroup) for the
//! browser: run many async tasks with a concurrency limit, keep the first
//! failure exactly as it was raised, tell every sibling to stop through an
//! `AbortSignal`, and learn that the group is done only when nothing is still
//! running.
//!
//! - [`Group`] runs Rust futures with `wasm_bindgen_futures::spawn_local`:
//!   [`go`](Group::go) for Go's `Go`, [`spawn`](Group::spawn) for a task
//!   whose value you want back through a [`JoinHandle`].
//! - [`map`] maps a list with a limit and returns the values in order;
//!   [`map_stream`] and [`map_stream_unordered`] map a `Stream` and yield
//!   the values as they come. The first failure stops the rest.
//! - [`Context`] is an `AbortSignal`, the parent of a group and the signal
//!   its tasks hand to `fetch`. [`Context::with_cancel`] ties one to a
//!   lifetime through a [`Cancel`] guard, and [`Context::with_timeout`] to
//!   a deadline.
//! - The same state machine decides for the npm package's JS class
//!   `ErrGroup`, written in JS (`src/js/errgroup.js`), which hands it its
//!   state through the `js` feature's pure calls on numbers.
//!
//! # A Rust frontend's three tasks
//!
//! Fetch N URLs with a limit, and get typed results in order (with
//! `gloo-net`; `web-sys`'s `fetch` takes the signal through
//! `RequestInit::set_signal`, as in the examples below):
//!
//! ```no_run
#![doc = include_str!("../tests/examples/fetch_texts.rs")]
//! ```
//!
//! Stop them when the component goes away: keep a [`Cancel`] in the
//! component's state.
//!
//! ```no_run
#![doc = include_str!("../tests/examples/component.rs")]
//! ```
//!
//! Stream the results as they come:
//!
//! ```no_run
#![doc = include_str!("../tests/examples/stream_pages.rs")]
//! ```
//!
//! # Cancellation
//!
//! Two ways stop work here, and they differ in what they reach.
//!
//! - **A signal aborts.** A group's or a map's [`Context`] aborts on the
//!   first failure, when its parent aborts, and when the work has ended;
//!   a [`Cancel`] or a timeout aborts a derived context, and everything
//!   derived from it. An aborted signal stops what was handed it: a
//!   `fetch` rejects and closes its connection, a group skips its queued
//!   tasks, a map pulls no further item. A running Rust future is not
//!   stopped by it: it sees the abort only where it awaits something that
//!   takes the signal, or [`Context::done`] in a `select!`. Group tasks
//!   always run to completion once started, as goroutines do.
//! - **A future is dropped.** Dropping a [`map`] future or a [`map_stream`]
//!   drops the mappers it runs in place, at once, and aborts their
//!   context, so their fetches stop too. Dropping a [`JoinHandle`] or a
//!   [`Group`] stops nothing (the task is detached); dropping a [`Cancel`]
//!   aborts its context.
//!
//! Any fetch client that takes an `AbortSignal` fits: `gloo-net`'s
//! `RequestBuilder::abort_signal(Some(ctx.signal()))`, and `web-sys`'s
//! `RequestInit::set_signal(Some(ctx.signal()))`. `reqwest`'s wasm client
//! takes no signal; it aborts its fetch when its future is dropped. Inside
//! a [`map`] or [`map_stream`] that happens when the map is dropped, but not
//! on a sibling's failure, since the map then waits for its running
//! mappers. Race the request against the context to drop it at the abort:
//!
//! ```no_run
//! # use futures::{future::{select, Either}, pin_mut};
//! # use wasm_errgroup::Context;
//! # async fn send(_: &str) -> Result<String, String> { Ok(String::new()) }
//! # async fn mapper(url: String, ctx: Context) -> Result<String, String> {
//! let request = send(&url); // e.g. reqwest::get(&url), then .text()
//! let done = ctx.done();
//! pin_mut!(request, done);
//! match select(request, done).await {
//!     Either::Left((response, _)) => response,
//!     // Dropping the request aborts reqwest's fetch.
//!     Either::Right((_reason, _)) => Err("aborted".to_string()),
//! }
//! # }
//! ```
//!
//! # Differences from Go
//!
//! - Once a `with_context` group's signal has aborted, queued and later
//!   tasks are skipped instead of started (golang/go#61611). Work skipped
//!   because the parent aborted makes `wait` fail, never succeed.
//! - [`Group::set_limit`] may be called while tasks run; Go panics.
//! - [`Group::go`] never blocks: it queues. [`Group::ready`] is the
//!   backpressure a blocking `Go` gives.
//! - A `with_context` group closes once it is idle after `wait` was first
//!   polled: later tasks are skipped.
//! - Go's `WithCancel` returns a function you must remember to call;
//!   [`Context::with_cancel`] returns a [`Cancel`] guard that cancels when
//!   dropped, so a context dies with its owner.
//! - A panic inside a task traps the whole WebAssembly instance
//!   (`panic = "abort"`); Go's `Wait` would re-panic instead.
//!
//! # Features
//!
//! - `std` (default): the standard library. Without it the crate is
//!   `no_std` with `alloc`, and an app that builds it into a `cdylib`
//!   provides the global allocator and the panic handler.
//! - `group` (default): the Rust API, [`Group`], [`map`] and [`Context`]. Without
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
//! These mirror the three examples of Go's errgroup documentation. Each one,
//! like each example above, is also run by `tests/examples.rs`.
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
