#![cfg(target_arch = "wasm32")]
//! Memory stays flat: 100k groups with successes, failures, parent aborts
//! and dropped handles, over one long-lived parent signal; 100k join
//! handles; 100k `map` runs; 100k derived contexts. The Rust API
//! frees everything without help from the JS garbage collector, so the
//! wasm memory is compared directly, in every engine. (The JS class, whose
//! callbacks the JS GC frees, is measured in tests/js/leaks.test.mjs under
//! Node with a forced GC.)

mod common;

use std::cell::Cell;
use std::rc::Rc;

use std::time::Duration;

use common::{call0, counted_signal, counted_timers, ticks};
use futures::FutureExt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use wasm_errgroup::{map, Context, Group};

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

async fn round(i: u32, parent: &Context, ran: &Rc<Cell<u32>>) {
    let own = web_sys::AbortController::new().unwrap();
    let ctx = if i % 3 == 0 {
        Context::from_signal(own.signal())
    } else {
        parent.clone()
    };
    let (group, _ctx) = Group::<JsValue>::with_context(&ctx);
    group.set_limit(Some(2));
    for k in 0..3 {
        let ran = ran.clone();
        group.go(async move {
            ticks(1).await;
            ran.set(ran.get() + 1);
            if (i + k) % 4 == 0 {
                Err(JsValue::from(k))
            } else {
                Ok(())
            }
        });
    }
    if i % 3 == 0 {
        own.abort_with_reason(&"stop".into());
    }
    if i % 5 == 0 {
        // Every handle dropped while tasks run: they finish on their own.
        drop(group);
        ticks(6).await;
    } else {
        let _ = group.wait().await;
    }
}

#[wasm_bindgen_test]
async fn hundred_thousand_groups_leave_wasm_memory_flat() {
    let (parent, listeners) = counted_signal();
    let parent = Context::from_signal(parent.signal());
    let ran = Rc::new(Cell::new(0));
    for i in 0..10_000 {
        round(i, &parent, &ran).await;
    }
    let first = wasm_memory_bytes();
    for i in 10_000..100_000 {
        round(i, &parent, &ran).await;
    }
    ticks(10).await;
    let last = wasm_memory_bytes();
    console_log!("wasm memory after 10k groups: {first} bytes, after 100k: {last} bytes");
    assert!(ran.get() > 100_000, "tasks ran: {}", ran.get());
    assert_eq!(
        last - first,
        0.0,
        "wasm memory grew from {first} to {last} bytes"
    );
    assert_eq!(
        call0(&listeners).as_f64(),
        Some(0.0),
        "the parent holds no listeners"
    );
}

/// Runs `round(i)` 100,000 times and asserts that the wasm memory did not
/// grow between the 10,000th round and the last.
async fn flat<F: std::future::Future<Output = ()>>(what: &str, mut round: impl FnMut(u32) -> F) {
    for i in 0..10_000 {
        round(i).await;
    }
    let first = wasm_memory_bytes();
    for i in 10_000..100_000 {
        round(i).await;
    }
    ticks(10).await;
    let last = wasm_memory_bytes();
    console_log!("wasm memory after 10k {what}: {first} bytes, after 100k: {last} bytes");
    assert_eq!(
        last - first,
        0.0,
        "wasm memory grew from {first} to {last} bytes over 90k {what}"
    );
}

#[wasm_bindgen_test]
async fn hundred_thousand_join_handles_leave_wasm_memory_flat() {
    let (parent, listeners) = counted_signal();
    let parent = Context::from_signal(parent.signal());
    let group = Group::<JsValue>::new();
    group.set_limit(Some(2));
    let values = Rc::new(Cell::new(0u64));
    flat("handles", |i| {
        let (group, values, parent) = (group.clone(), values.clone(), parent.clone());
        async move {
            // A typed value, a failure, a detached handle, and a skip.
            let value = group.spawn(async move {
                ticks(1).await;
                Ok(vec![i; 4])
            });
            let failed = group.spawn(async move { Err::<String, _>(JsValue::from(i)) });
            drop(group.spawn(async move { Ok(i.to_string()) }));
            let (signal_group, _) = Group::<JsValue>::with_context(&parent);
            signal_group.go(async { Err(JsValue::NULL) });
            let skipped = signal_group.spawn(async { Ok(Box::new(1)) });
            values.set(values.get() + value.await.unwrap().len() as u64);
            assert!(failed.await.unwrap_err().is_failed());
            assert!(skipped.await.unwrap_err().is_skipped());
            let _ = signal_group.wait().await;
        }
    })
    .await;
    let _ = group.wait().await;
    assert_eq!(values.get(), 400_000);
    assert_eq!(
        call0(&listeners).as_f64(),
        Some(0.0),
        "the parent holds no listeners"
    );
}

#[wasm_bindgen_test]
async fn hundred_thousand_map_runs_leave_wasm_memory_flat() {
    let (parent, listeners) = counted_signal();
    let parent = Context::from_signal(parent.signal());
    flat("map runs", |i| {
        let parent = parent.clone();
        async move {
            let run = map(&parent, 0..4, 2, move |k, ctx| async move {
                ticks(1).await;
                if (i + k) % 7 == 0 {
                    Err(format!("{k}"))
                } else {
                    drop(ctx);
                    Ok(k.to_string())
                }
            });
            if i % 5 == 0 {
                // Dropped while its mappers run.
                let mut run = Box::pin(run);
                assert!((&mut run).now_or_never().is_none());
            } else {
                let _ = run.await;
            }
        }
    })
    .await;
    assert_eq!(
        call0(&listeners).as_f64(),
        Some(0.0),
        "the parent holds no listeners"
    );
}

#[wasm_bindgen_test]
async fn hundred_thousand_derived_contexts_leave_no_listener_no_timer_and_flat_memory() {
    let (parent, listeners) = counted_signal();
    let timers = counted_timers();
    let parent = Context::from_signal(parent.signal());
    flat("derived contexts", |i| {
        let parent = parent.clone();
        async move {
            match i % 5 {
                0 => Context::with_cancel(&parent).1.cancel(),
                1 => drop(Context::with_cancel(&parent)),
                2 => {
                    let (ctx, cancel) = Context::with_cancel(&parent);
                    cancel.forget();
                    let child = Context::with_timeout(&ctx, Duration::from_secs(60));
                    drop((ctx, child));
                }
                3 => drop(Context::with_timeout(&parent, Duration::from_secs(60))),
                _ if i % 1000 == 4 => {
                    // One in a thousand times out, a macrotask later.
                    Context::with_timeout(&parent, Duration::ZERO).done().await;
                }
                _ => {
                    let ctx = Context::with_timeout(&parent, Duration::from_millis(1));
                    let (_child, cancel) = Context::with_cancel(&ctx);
                    drop(cancel);
                }
            }
            if i % 1000 == 0 {
                ticks(1).await;
            }
        }
    })
    .await;
    assert_eq!(
        call0(&listeners).as_f64(),
        Some(0.0),
        "the parent holds no listeners"
    );
    assert_eq!(call0(&timers).as_f64(), Some(0.0), "no timer is pending");
}
