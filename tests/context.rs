//! `Context::with_cancel`, `Cancel` and `Context::with_timeout`: contexts
//! tied to a lifetime, in Node and browsers.

mod common;

use std::time::Duration;

use common::{call0, counted_signal, counted_timers, error_name, same, sleep};
use futures::FutureExt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_errgroup::{Context, Group};

fn controller() -> web_sys::AbortController {
    web_sys::AbortController::new().unwrap()
}

#[wasm_bindgen_test]
fn cancel_aborts_the_context_with_an_abort_error() {
    let (ctx, cancel) = Context::with_cancel(&Context::background());
    assert!(!ctx.is_aborted() && !cancel.is_cancelled());
    cancel.cancel();
    assert!(ctx.is_aborted() && ctx.signal().aborted());
    assert_eq!(error_name(&ctx.reason().unwrap()), "AbortError");
    assert!(cancel.is_cancelled());
}

#[wasm_bindgen_test]
fn a_second_cancel_does_nothing() {
    let (ctx, cancel) = Context::with_cancel(&Context::background());
    cancel.cancel();
    let reason = ctx.reason().unwrap();
    cancel.cancel();
    assert!(same(&ctx.reason().unwrap(), &reason));
}

#[wasm_bindgen_test]
fn dropping_cancel_aborts_the_context() {
    let (ctx, cancel) = Context::with_cancel(&Context::background());
    drop(cancel);
    assert!(ctx.signal().aborted());
    assert_eq!(error_name(&ctx.signal().reason()), "AbortError");
}

#[wasm_bindgen_test]
async fn forget_leaves_the_context_running_until_the_parent_aborts() {
    let parent = controller();
    let (ctx, cancel) = Context::with_cancel(&Context::from_signal(parent.signal()));
    cancel.forget();
    sleep(1).await;
    assert!(!ctx.is_aborted());
    let reason = JsValue::from_str("parent gone");
    parent.abort_with_reason(&reason);
    assert!(same(&ctx.reason().unwrap(), &reason));
}

#[wasm_bindgen_test]
fn the_parent_abort_reaches_the_child_with_the_parents_reason_during_dispatch() {
    let parent = controller();
    let (ctx, _cancel) = Context::with_cancel(&Context::from_signal(parent.signal()));
    let reason = JsValue::from_str("stop");
    parent.abort_with_reason(&reason);
    assert!(ctx.signal().aborted(), "before abort_with_reason returned");
    assert!(same(&ctx.signal().reason(), &reason));
}

#[wasm_bindgen_test]
fn an_already_aborted_parent_aborts_the_child_at_once() {
    let parent = controller();
    let reason = JsValue::from_str("early");
    parent.abort_with_reason(&reason);
    let (ctx, _cancel) = Context::with_cancel(&Context::from_signal(parent.signal()));
    assert!(same(&ctx.reason().unwrap(), &reason));
    let timed = Context::with_timeout(&Context::from_signal(parent.signal()), Duration::ZERO);
    assert!(same(&timed.reason().unwrap(), &reason));
}

#[wasm_bindgen_test]
fn cancelling_a_child_leaves_the_parent_running() {
    let (parent, _parent_cancel) = Context::with_cancel(&Context::background());
    let (child, cancel) = Context::with_cancel(&parent);
    cancel.cancel();
    assert!(child.is_aborted());
    assert!(!parent.is_aborted());
}

#[wasm_bindgen_test]
fn an_abort_reaches_grandchildren() {
    let (root, cancel) = Context::with_cancel(&Context::background());
    let (child, _c) = Context::with_cancel(&root);
    let grandchild = Context::with_timeout(&child, Duration::from_secs(60));
    cancel.cancel();
    assert!(same(&grandchild.reason().unwrap(), &root.reason().unwrap()));
}

#[wasm_bindgen_test]
fn the_parent_listener_goes_when_the_child_aborts() {
    let (parent, listeners) = counted_signal();
    let parent = Context::from_signal(parent.signal());
    let (ctx, cancel) = Context::with_cancel(&parent);
    assert_eq!(call0(&listeners).as_f64(), Some(1.0));
    cancel.cancel();
    assert_eq!(call0(&listeners).as_f64(), Some(0.0));
    drop(ctx);
}

#[wasm_bindgen_test]
fn the_parent_listener_goes_when_a_forgotten_child_is_dropped() {
    let (parent, listeners) = counted_signal();
    let parent = Context::from_signal(parent.signal());
    let (ctx, cancel) = Context::with_cancel(&parent);
    cancel.forget();
    let clone = ctx.clone();
    drop(ctx);
    assert_eq!(
        call0(&listeners).as_f64(),
        Some(1.0),
        "a clone still holds it"
    );
    drop(clone);
    assert_eq!(call0(&listeners).as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
async fn with_timeout_aborts_with_a_timeout_error_after_the_time() {
    let ctx = Context::with_timeout(&Context::background(), Duration::from_millis(20));
    sleep(1).await;
    assert!(!ctx.is_aborted());
    let reason = ctx.done().await;
    assert_eq!(error_name(&reason), "TimeoutError");
    assert!(reason.is_instance_of::<web_sys::DomException>());
    assert!(ctx.is_aborted());
}

#[wasm_bindgen_test]
async fn with_timeout_aborts_with_the_parents_reason_if_the_parent_aborts_first() {
    let timers = counted_timers();
    let parent = controller();
    let ctx = Context::with_timeout(
        &Context::from_signal(parent.signal()),
        Duration::from_secs(60),
    );
    assert_eq!(call0(&timers).as_f64(), Some(1.0));
    let reason = JsValue::from_str("parent first");
    parent.abort_with_reason(&reason);
    assert!(same(&ctx.reason().unwrap(), &reason));
    assert_eq!(
        call0(&timers).as_f64(),
        Some(0.0),
        "the abort cleared the timer"
    );
}

#[wasm_bindgen_test]
fn dropping_a_timeout_context_clears_its_timer() {
    let timers = counted_timers();
    let ctx = Context::with_timeout(&Context::background(), Duration::from_secs(60));
    let clone = ctx.clone();
    assert_eq!(call0(&timers).as_f64(), Some(1.0));
    drop(ctx);
    assert_eq!(call0(&timers).as_f64(), Some(1.0), "a clone still holds it");
    drop(clone);
    assert_eq!(call0(&timers).as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
async fn dropping_cancel_aborts_a_group_under_it_and_skips_its_queued_tasks() {
    let (ctx, cancel) = Context::with_cancel(&Context::background());
    let (group, group_ctx) = Group::<JsValue>::with_context(&ctx);
    group.set_limit(Some(1));
    let running = group.spawn({
        let group_ctx = group_ctx.clone();
        async move { Ok(group_ctx.done().await) }
    });
    let queued = group.spawn(async { Ok(()) });
    sleep(1).await;
    drop(cancel);
    assert!(group_ctx.is_aborted());
    let reason = running.await.unwrap();
    assert_eq!(error_name(&reason), "AbortError");
    assert!(queued.await.unwrap_err().is_skipped());
    let error = group.wait().await.unwrap_err();
    assert_eq!(error_name(&error), "AbortError");
}

#[wasm_bindgen_test]
async fn done_of_a_cancelled_context_completes() {
    let (ctx, cancel) = Context::with_cancel(&Context::background());
    let mut done = ctx.done();
    assert!((&mut done).now_or_never().is_none());
    cancel.cancel();
    assert_eq!(error_name(&done.await), "AbortError");
}
