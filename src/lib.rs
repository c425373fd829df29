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
//!
//! # Examples
//!
//! These mirror the three examples of Go's errgroup documentation. Each one
//! is also run by `tests/examples.rs`.
//!
//! Fetching several URLs, stopping the others at the first failure:
//!
//! ```no_run
//! use wasm_bindgen::{JsCast, JsValue};
//! use wasm_bindgen_futures::JsFuture;
//! use wasm_errgroup::{Context, Group};
//! # #[wasm_bindgen::prelude::wasm_bindgen]
//! # extern "C" {
//! #     #[wasm_bindgen(js_name = fetch)]
//! #     fn fetch_with_init(url: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
//! # }
//!
//! async fn fetch_all(urls: &[&str]) -> Result<(), JsValue> {
//!     let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
//!     group.set_limit(Some(4));
//!     for url in urls {
//!         let (url, ctx) = (url.to_string(), ctx.clone());
//!         group.go(async move {
//!             let init = web_sys::RequestInit::new();
//!             init.set_signal(Some(ctx.signal()));
//!             let response: web_sys::Response =
//!                 JsFuture::from(fetch_with_init(&url, &init)).await?.unchecked_into();
//!             if !response.ok() {
//!                 return Err(js_sys::Error::new(&format!("{url}: {}", response.status())).into());
//!             }
//!             Ok(())
//!         });
//!     }
//!     group.wait().await
//! }
//! ```
//!
//! A parallel search, collecting results by index:
//!
//! ```no_run
//! use std::{cell::RefCell, rc::Rc};
//! use wasm_errgroup::{Context, Group};
//!
//! async fn search(query: &str, sources: &[&str]) -> Result<Vec<String>, String> {
//!     let (group, _ctx) = Group::<String>::with_context(&Context::background());
//!     let results = Rc::new(RefCell::new(vec![String::new(); sources.len()]));
//!     for (i, source) in sources.iter().enumerate() {
//!         let (results, hit) = (results.clone(), format!("{source} result for {query}"));
//!         group.go(async move {
//!             results.borrow_mut()[i] = hit;
//!             Ok(())
//!         });
//!     }
//!     group.wait().await?;
//!     Ok(results.take())
//! }
//! ```
//!
//! A bounded pipeline: one walker feeds N digesters through a channel, and
//! the first failure stops the walker and every digester:
//!
//! ```no_run
//! use futures::channel::mpsc;
//! use futures::{select, FutureExt, SinkExt, StreamExt};
//! use std::{cell::RefCell, rc::Rc};
//! use wasm_errgroup::{Context, Group};
//!
//! async fn digest_all(files: Vec<String>, digesters: usize) -> Result<Vec<(String, u32)>, String> {
//!     let (group, ctx) = Group::<String>::with_context(&Context::background());
//!     let (mut paths_tx, paths_rx) = mpsc::channel::<String>(0);
//!     let walker_ctx = ctx.clone();
//!     group.go(async move {
//!         for file in files {
//!             select! {
//!                 sent = paths_tx.send(file).fuse() => sent.map_err(|e| e.to_string())?,
//!                 _ = walker_ctx.done().fuse() => return Err("walk cancelled".into()),
//!             }
//!         }
//!         Ok(())
//!     });
//!     let paths_rx = Rc::new(RefCell::new(paths_rx));
//!     let digests = Rc::new(RefCell::new(Vec::new()));
//!     for _ in 0..digesters {
//!         let (paths_rx, digests, ctx) = (paths_rx.clone(), digests.clone(), ctx.clone());
//!         group.go(async move {
//!             loop {
//!                 let next = paths_rx.borrow_mut().next().now_or_never();
//!                 let path = match next {
//!                     Some(Some(path)) => path,
//!                     Some(None) => return Ok(()),
//!                     None => {
//!                         let mut done = ctx.done().fuse();
//!                         let mut receive = futures::future::poll_fn(|cx| {
//!                             paths_rx.borrow_mut().poll_next_unpin(cx)
//!                         })
//!                         .fuse();
//!                         select! {
//!                             path = receive => match path { Some(p) => p, None => return Ok(()) },
//!                             _ = done => return Ok(()),
//!                         }
//!                     }
//!                 };
//!                 if path.is_empty() {
//!                     return Err("empty path".into());
//!                 }
//!                 let digest = path.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
//!                 digests.borrow_mut().push((path, digest));
//!             }
//!         });
//!     }
//!     group.wait().await?;
//!     Ok(digests.take())
//! }
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

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, missing_debug_implementations)]

mod context;
mod group;
mod js;
mod reason;
mod sys;

pub use context::{Context, Done};
pub use group::{Group, Ready, Wait};
pub use js::JsErrGroup;
pub use reason::{error_reason, AbortReason, Aborted};

/// Installs a panic hook that logs Rust panics to `console.error` before
/// the instance traps. Available with the `console-panic-hook` feature.
#[cfg(feature = "console-panic-hook")]
pub fn set_panic_hook() {
    console_error_panic_hook::set_once();
}
