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
use wasm_errgroup::{map, Context, Group};

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

/// `wasm_errgroup::map` over `0..n` with `limit`, collecting the results.
#[wasm_bindgen]
pub async fn map_limit(n: u32, limit: u32) {
    let results = map(&Context::background(), 0..n, limit as usize, |i, _ctx| async move {
        Ok::<_, JsValue>(i)
    })
    .await;
    assert_eq!(results.map(|r| r.len()), Ok(n as usize));
}

/// `buffered(limit)` over a stream of `n` futures, collecting the results
/// in order: what `map` replaces.
#[wasm_bindgen]
pub async fn buffered(n: u32, limit: u32) {
    let results: Vec<u32> = stream::iter(0..n)
        .map(|i| async move { i })
        .buffered(limit as usize)
        .collect()
        .await;
    assert_eq!(results.len(), n as usize);
}

/// `Group::spawn` for each future, then awaits every handle.
#[wasm_bindgen]
pub async fn spawn_handles(n: u32) {
    let group = Group::<JsValue>::new();
    let handles: Vec<_> = (0..n).map(|i| group.spawn(async move { Ok(i) })).collect();
    let mut sum = 0u64;
    for handle in handles {
        sum += u64::from(handle.await.unwrap_or(0));
    }
    assert_eq!(sum, u64::from(n) * u64::from(n.saturating_sub(1)) / 2);
}

/// `spawn_local` for each future, each sending its value through a
/// `futures` oneshot, then awaits every receiver: what `spawn` replaces.
#[wasm_bindgen]
pub async fn spawn_local_oneshot(n: u32) {
    let receivers: Vec<_> = (0..n)
        .map(|i| {
            let (tx, rx) = oneshot::channel();
            spawn_local(async move {
                let _ = tx.send(i);
            });
            rx
        })
        .collect();
    let mut sum = 0u64;
    for rx in receivers {
        sum += u64::from(rx.await.unwrap_or(0));
    }
    assert_eq!(sum, u64::from(n) * u64::from(n.saturating_sub(1)) / 2);
}
