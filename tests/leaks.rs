#![cfg(target_arch = "wasm32")]
//! Memory stays flat: 100k groups with successes, failures, parent aborts
//! and dropped handles, over one long-lived parent signal. The Rust API
//! frees everything without help from the JS garbage collector, so the
//! wasm memory is compared directly, in every engine. (The JS class, whose
//! callbacks the JS GC frees, is measured in tests/js/leaks.test.mjs under
//! Node with a forced GC.)

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{call0, counted_signal, ticks};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use wasm_errgroup::{Context, Group};

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
