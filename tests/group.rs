#![cfg(target_arch = "wasm32")]
//! The Rust API: `Group`, `Context` and `AbortReason`, in Node and browsers.

mod common;

use std::cell::{Cell, RefCell};
use std::error::Error;
use std::fmt;
use std::rc::Rc;

use common::{counted_signal, same, sleep, ticks};
use futures::FutureExt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_errgroup::{error_reason, AbortReason, Aborted, Context, Group};

fn js_err(text: &str) -> JsValue {
    js_sys::Error::new(text).into()
}

#[wasm_bindgen_test]
async fn zero_group_runs_every_task_even_after_a_failure() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(1));
    let ran = Rc::new(Cell::new(0));
    group.go(async { Err(js_err("first")) });
    for _ in 0..5 {
        let ran = ran.clone();
        group.go(async move {
            ran.set(ran.get() + 1);
            Ok(())
        });
    }
    assert!(group.wait().await.is_err());
    assert_eq!(ran.get(), 5);
}

#[wasm_bindgen_test]
async fn first_failure_in_time_wins_and_keeps_its_identity() {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    let slow = js_err("slow");
    let fast = js_err("fast");
    let (s, f) = (slow.clone(), fast.clone());
    group.go(async move {
        sleep(30).await;
        Err(s)
    });
    group.go(async move {
        sleep(5).await;
        Err(f)
    });
    let error = group.wait().await.unwrap_err();
    assert!(same(&error, &fast));
    assert!(same(&ctx.reason().unwrap(), &fast));
}

#[wasm_bindgen_test]
async fn first_error_aborts_siblings_with_the_error_as_reason() {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    let failure = js_err("boom");
    let seen = Rc::new(RefCell::new(None));
    {
        let (ctx, seen) = (ctx.clone(), seen.clone());
        group.go(async move {
            let reason = ctx.done().await;
            *seen.borrow_mut() = Some(reason);
            Ok(())
        });
    }
    let f = failure.clone();
    group.go(async move {
        sleep(5).await;
        Err(f)
    });
    assert!(same(&group.wait().await.unwrap_err(), &failure));
    assert!(same(seen.borrow().as_ref().unwrap(), &failure));
}

#[wasm_bindgen_test]
async fn go_never_polls_the_task_inside_the_call() {
    let group = Group::<JsValue>::new();
    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    group.go(async move {
        p.set(true);
        Ok(())
    });
    assert!(!polled.get());
    assert_eq!(group.active(), 1, "an admitted task holds its slot at once");
    group.wait().await.unwrap();
    assert!(polled.get());
}

#[wasm_bindgen_test]
async fn limit_bounds_active_tasks_and_admits_fifo() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(3));
    let running = Rc::new(Cell::new(0));
    let peak = Rc::new(Cell::new(0));
    let order = Rc::new(RefCell::new(Vec::new()));
    for i in 0..20 {
        let (running, peak, order) = (running.clone(), peak.clone(), order.clone());
        group.go(async move {
            order.borrow_mut().push(i);
            running.set(running.get() + 1);
            peak.set(peak.get().max(running.get()));
            sleep(i % 4).await;
            running.set(running.get() - 1);
            Ok(())
        });
    }
    assert_eq!((group.active(), group.queued()), (3, 17));
    group.wait().await.unwrap();
    assert_eq!(peak.get(), 3);
    assert_eq!(*order.borrow(), (0..20).collect::<Vec<_>>());
    assert_eq!((group.active(), group.queued()), (0, 0));
}

#[wasm_bindgen_test]
async fn tasks_queued_or_added_after_an_abort_are_never_polled() {
    let (group, ctx) = Group::<String>::with_context(&Context::background());
    group.set_limit(Some(1));
    let polled = Rc::new(Cell::new(0));
    group.go(async {
        sleep(1).await;
        Err("stop".to_string())
    });
    for _ in 0..3 {
        let polled = polled.clone();
        group.go(async move {
            polled.set(polled.get() + 1);
            Ok(())
        });
    }
    assert_eq!(group.wait().await, Err("stop".to_string()));
    assert!(ctx.is_aborted());
    let p = polled.clone();
    group.go(async move {
        p.set(p.get() + 1);
        Ok(())
    });
    assert!(!group.try_go(async { Ok(()) }));
    sleep(1).await;
    assert_eq!(polled.get(), 0);
    assert_eq!(group.wait().await, Err("stop".to_string()));
}

#[wasm_bindgen_test]
async fn parent_abort_skips_queued_work_and_wait_fails_with_the_parent_reason() {
    let parent = web_sys::AbortController::new().unwrap();
    let (group, ctx) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
    group.set_limit(Some(1));
    let ran = Rc::new(Cell::new(0));
    for _ in 0..3 {
        let ran = ran.clone();
        group.go(async move {
            sleep(5).await;
            ran.set(ran.get() + 1);
            Ok(())
        });
    }
    ticks(2).await;
    let reason = js_err("parent gone");
    parent.abort_with_reason(&reason);
    assert!(same(&ctx.reason().unwrap(), &reason));
    assert_eq!(group.queued(), 0);
    assert!(same(&group.wait().await.unwrap_err(), &reason));
    assert_eq!(ran.get(), 1, "only the task started before the abort ran");
}

#[wasm_bindgen_test]
async fn parent_abort_without_skipped_work_is_not_a_failure() {
    let parent = web_sys::AbortController::new().unwrap();
    let (group, _ctx) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
    group.go(async {
        sleep(5).await;
        Ok(())
    });
    ticks(2).await;
    parent.abort();
    assert_eq!(group.wait().await, Ok(()));
}

#[wasm_bindgen_test]
async fn an_already_aborted_parent_aborts_the_group_at_once() {
    let parent = web_sys::AbortController::new().unwrap();
    let reason = JsValue::from_str("early");
    parent.abort_with_reason(&reason);
    let (group, ctx) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
    assert!(same(&ctx.reason().unwrap(), &reason));
    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    group.go(async move {
        p.set(true);
        Ok(())
    });
    assert!(same(&group.wait().await.unwrap_err(), &reason));
    assert!(!polled.get());
}

#[wasm_bindgen_test]
async fn an_already_aborted_parent_with_no_tasks_waits_ok() {
    let parent = web_sys::AbortController::new().unwrap();
    parent.abort();
    let (group, _) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
    assert_eq!(group.wait().await, Ok(()));
}

#[wasm_bindgen_test]
async fn the_parent_listener_is_removed_once_the_group_settles_or_aborts() {
    let (parent, listeners) = counted_signal();
    let count = || common::call0(&listeners).as_f64().unwrap();
    let context = Context::from_signal(parent.signal());
    for round in 0..50 {
        let (group, _) = Group::<JsValue>::with_context(&context);
        assert_eq!(count(), 1.0);
        if round % 2 == 0 {
            group.go(async { Ok(()) });
        } else {
            group.go(async { Err(JsValue::NULL) });
        }
        let _ = group.wait().await;
        assert_eq!(count(), 0.0, "round {round}");
    }
    // Dropping a group that never settled removes its listener too.
    let (group, _) = Group::<JsValue>::with_context(&context);
    assert_eq!(count(), 1.0);
    drop(group);
    assert_eq!(count(), 0.0);
}

#[wasm_bindgen_test]
async fn wait_covers_tasks_added_by_running_tasks() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(2));
    let done = Rc::new(Cell::new(0));
    fn spawn(group: Group<JsValue>, depth: u32, done: Rc<Cell<u32>>) {
        let inner = group.clone();
        group.go(async move {
            sleep(1).await;
            if depth < 4 {
                spawn(inner.clone(), depth + 1, done.clone());
                spawn(inner, depth + 1, done.clone());
            }
            done.set(done.get() + 1);
            Ok(())
        });
    }
    spawn(group.clone(), 0, done.clone());
    group.wait().await.unwrap();
    assert_eq!(done.get(), 31);
}

#[wasm_bindgen_test]
async fn every_wait_yields_the_same_outcome() {
    let (group, _) = Group::<String>::with_context(&Context::background());
    group.go(async {
        sleep(2).await;
        Err("once".into())
    });
    let (a, b) = futures::join!(group.wait(), group.wait());
    assert_eq!(a, Err("once".to_string()));
    assert_eq!(b, a);
    assert_eq!(group.wait().await, a);
}

#[wasm_bindgen_test]
async fn wait_with_no_tasks_is_ok_and_aborts_the_signal() {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    assert!(!ctx.is_aborted());
    assert_eq!(group.wait().await, Ok(()));
    assert!(ctx.is_aborted());
    let reason = ctx.reason().unwrap();
    let name = js_sys::Reflect::get(&reason, &"name".into()).unwrap();
    assert_eq!(name.as_string().as_deref(), Some("AbortError"));
}

#[wasm_bindgen_test]
async fn zero_group_is_reusable_after_wait() {
    let group = Group::<JsValue>::new();
    group.go(async { Ok(()) });
    group.wait().await.unwrap();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    group.go(async move {
        r.set(true);
        Ok(())
    });
    group.wait().await.unwrap();
    assert!(ran.get());
}

#[wasm_bindgen_test]
async fn try_go_admits_only_into_a_free_slot_with_nothing_queued() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(1));
    assert!(group.try_go(async {
        sleep(2).await;
        Ok(())
    }));
    assert!(!group.try_go(async { panic!("refused tasks are never polled") }));
    group.wait().await.unwrap();
    assert!(group.try_go(async { Ok(()) }));
    group.wait().await.unwrap();
}

#[wasm_bindgen_test]
async fn set_limit_zero_admits_nothing_until_raised() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(0));
    let ran = Rc::new(Cell::new(0));
    for _ in 0..4 {
        let ran = ran.clone();
        group.go(async move {
            ran.set(ran.get() + 1);
            Ok(())
        });
    }
    sleep(2).await;
    assert_eq!((ran.get(), group.active(), group.queued()), (0, 0, 4));
    group.set_limit(Some(2));
    assert_eq!(
        (group.active(), group.queued()),
        (2, 2),
        "raising admits at once"
    );
    group.wait().await.unwrap();
    assert_eq!(ran.get(), 4);
}

#[wasm_bindgen_test]
async fn lowering_the_limit_interrupts_nothing() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(4));
    let finished = Rc::new(Cell::new(0));
    for _ in 0..8 {
        let finished = finished.clone();
        group.go(async move {
            sleep(3).await;
            finished.set(finished.get() + 1);
            Ok(())
        });
    }
    ticks(2).await;
    group.set_limit(Some(1));
    assert_eq!(group.active(), 4);
    group.set_limit(None);
    group.wait().await.unwrap();
    assert_eq!(finished.get(), 8);
}

#[wasm_bindgen_test]
async fn ready_waits_for_a_free_slot() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(2));
    let peak_queued = Rc::new(Cell::new(0));
    for _ in 0..10 {
        group.ready().await;
        peak_queued.set(peak_queued.get().max(group.queued()));
        group.go(async {
            sleep(1).await;
            Ok(())
        });
    }
    group.wait().await.unwrap();
    assert_eq!(peak_queued.get(), 0);
}

#[wasm_bindgen_test]
async fn hundred_thousand_tasks_under_a_limit_each_run_exactly_once() {
    const N: usize = 100_000;
    let group = Group::<JsValue>::new();
    group.set_limit(Some(64));
    let runs = Rc::new(RefCell::new(vec![0u8; N]));
    let peak = Rc::new(Cell::new(0));
    for i in 0..N {
        let (runs, peak, group2) = (runs.clone(), peak.clone(), group.clone());
        group.go(async move {
            peak.set(peak.get().max(group2.active()));
            runs.borrow_mut()[i] += 1;
            if i % 1000 == 0 {
                ticks(1).await;
            }
            Ok(())
        });
    }
    group.wait().await.unwrap();
    assert!(runs.borrow().iter().all(|&n| n == 1));
    assert_eq!(peak.get(), 64);
}

#[wasm_bindgen_test]
async fn dropping_every_handle_lets_running_and_queued_tasks_finish() {
    let finished = Rc::new(Cell::new(0));
    {
        let group = Group::<JsValue>::new();
        group.set_limit(Some(1));
        for _ in 0..3 {
            let finished = finished.clone();
            group.go(async move {
                sleep(1).await;
                finished.set(finished.get() + 1);
                Ok(())
            });
        }
    }
    sleep(30).await;
    assert_eq!(finished.get(), 3);
}

#[wasm_bindgen_test]
async fn abort_listeners_may_call_back_into_the_group() {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    let calls = Rc::new(RefCell::new(Vec::new()));
    let listener = {
        let (group, calls) = (group.clone(), calls.clone());
        gloo_events_listener(ctx.signal(), move || {
            group.set_limit(Some(5));
            group.go(async { Ok(()) });
            calls.borrow_mut().push((
                group.try_go(async { Ok(()) }),
                group.queued(),
                group.active(),
            ));
            let mut wait = group.wait();
            calls
                .borrow_mut()
                .push(((&mut wait).now_or_never().is_some(), 0, 0));
        })
    };
    group.go(async { Err(JsValue::from_str("x")) });
    assert!(group.wait().await.is_err());
    assert_eq!(*calls.borrow(), vec![(false, 0, 0), (true, 0, 0)]);
    drop(listener);
}

/// Adds an `abort` listener, as a user of the signal would.
fn gloo_events_listener(
    signal: &web_sys::AbortSignal,
    f: impl FnMut() + 'static,
) -> wasm_bindgen::closure::Closure<dyn FnMut()> {
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(f);
    signal
        .add_event_listener_with_callback("abort", closure.as_ref().unchecked_ref())
        .unwrap();
    closure
}

#[wasm_bindgen_test]
async fn done_completes_with_the_reason_and_its_drop_removes_the_listener() {
    let (controller, listeners) = counted_signal();
    let count = || common::call0(&listeners).as_f64().unwrap();
    let ctx = Context::from_signal(controller.signal());
    let mut done = ctx.done();
    assert!((&mut done).now_or_never().is_none());
    assert_eq!(count(), 1.0);
    drop(done);
    assert_eq!(count(), 0.0);
    let done = ctx.done();
    let reason = JsValue::from_str("bye");
    let r = reason.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(1).await;
        controller.abort_with_reason(&r);
    });
    assert!(same(&done.await, &reason));
    assert!(
        same(&ctx.done().await, &reason),
        "completes at once once aborted"
    );
}

#[derive(Debug)]
struct Outer(Inner);
#[derive(Debug)]
struct Inner;
impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outer failed")
    }
}
impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("inner cause")
    }
}
impl Error for Outer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}
impl Error for Inner {}

fn message(reason: &JsValue) -> String {
    reason
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn string_errors_abort_with_a_js_error_carrying_the_text() {
    let (group, ctx) = Group::<String>::with_context(&Context::background());
    group.go(async { Err("disk full".to_string()) });
    assert_eq!(group.wait().await, Err("disk full".to_string()));
    assert_eq!(message(&ctx.reason().unwrap()), "disk full");

    let (group, ctx) = Group::<&'static str>::with_context(&Context::background());
    group.go(async { Err("static text") });
    assert_eq!(group.wait().await, Err("static text"));
    assert_eq!(message(&ctx.reason().unwrap()), "static text");
}

#[wasm_bindgen_test]
async fn std_errors_abort_with_their_display_and_cause_chain() {
    let (group, ctx) = Group::<Rc<dyn Error>>::with_context(&Context::background());
    group.go(async { Err(Rc::new(Outer(Inner)) as Rc<dyn Error>) });
    assert_eq!(group.wait().await.unwrap_err().to_string(), "outer failed");
    let reason = ctx.reason().unwrap();
    assert_eq!(message(&reason), "outer failed");
    let cause = js_sys::Reflect::get(&reason, &"cause".into()).unwrap();
    assert_eq!(message(&cause), "inner cause");
    assert_eq!(message(&error_reason(&Inner)), "inner cause");
}

#[wasm_bindgen_test]
async fn skipped_work_becomes_each_error_types_abort_error() {
    async fn skipped<E: AbortReason + Clone + 'static>(reason: &JsValue) -> E {
        let parent = web_sys::AbortController::new().unwrap();
        parent.abort_with_reason(reason);
        let (group, _) = Group::<E>::with_context(&Context::from_signal(parent.signal()));
        group.go(async { Ok(()) });
        match group.wait().await {
            Err(error) => error,
            Ok(()) => panic!("skipped work reported as success"),
        }
    }
    let reason = js_err("gone");
    assert_eq!(skipped::<String>(&reason).await, "Error: gone");
    assert_eq!(
        skipped::<&'static str>(&reason).await,
        "aborted by the parent context"
    );
    let error: Rc<dyn Error> = skipped(&reason).await;
    assert_eq!(error.to_string(), "aborted: Error: gone");
    let js: js_sys::Error = skipped(&JsValue::from_str("text")).await;
    assert_eq!(String::from(js.message()), "text");
    assert!(same(
        &Aborted::new(reason.clone()).reason().clone(),
        &reason
    ));
}

#[wasm_bindgen_test]
async fn a_task_admitted_but_not_yet_polled_when_the_signal_aborts_is_never_polled() {
    // Both tasks are admitted and spawned in one go; the first fails on its
    // first poll, before the second has been polled.
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    group.go(async { Err(JsValue::from_str("first")) });
    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    group.go(async move {
        p.set(true);
        Ok(())
    });
    assert_eq!(group.wait().await, Err(JsValue::from_str("first")));
    assert!(ctx.is_aborted());
    assert!(!polled.get(), "a task polled after the signal aborted");
    assert_eq!((group.active(), group.queued()), (0, 0));
}
