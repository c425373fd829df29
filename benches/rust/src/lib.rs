//! The Rust contenders of `benches/run.mjs`: `n` futures that complete on
//! their first poll, run through `Group` and through what a Rust wasm app
//! would write by hand. Each export returns a promise that resolves when
//! all `n` have completed; the JS side times it.

use std::cell::Cell;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::stream::{self, FuturesUnordered, StreamExt};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use wasm_errgroup::Group;

/// `Group::go` for each future, then `wait`; `limit` 0 is no limit.
#[wasm_bindgen]
pub async fn group(n: u32, limit: u32) {
    let group = Group::<JsValue>::new();
    group.set_limit((limit > 0).then_some(limit as usize));
    for _ in 0..n {
        group.go(async { Ok(()) });
    }
    let _ = group.wait().await;
}

/// `spawn_local` for each future, counting them down to a oneshot.
#[wasm_bindgen]
pub async fn spawn_local_counter(n: u32) {
    let (done, finished) = oneshot::channel::<()>();
    let left = Rc::new(Cell::new(n));
    let done = Rc::new(Cell::new(Some(done)));
    for _ in 0..n {
        let (left, done) = (left.clone(), done.clone());
        spawn_local(async move {
            left.set(left.get() - 1);
            if left.get() == 0 {
                if let Some(done) = done.take() {
                    let _ = done.send(());
                }
            }
        });
    }
    if n > 0 {
        let _ = finished.await;
    }
}

/// One future polling a `FuturesUnordered` of all `n`.
#[wasm_bindgen]
pub async fn futures_unordered(n: u32) {
    let mut set: FuturesUnordered<_> = (0..n).map(|_| async {}).collect();
    while set.next().await.is_some() {}
}

/// `buffer_unordered(limit)` over a stream of `n` futures.
#[wasm_bindgen]
pub async fn buffer_unordered(n: u32, limit: u32) {
    stream::iter(0..n)
        .map(|_| async {})
        .buffer_unordered(limit as usize)
        .for_each(|()| async {})
        .await;
}
