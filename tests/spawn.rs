//! `Group::spawn` and `JoinHandle`: typed results under success, failure
//! and skip, in Node and browsers.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{sleep, ticks};
use futures::FutureExt;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_errgroup::{Context, Group};

#[wasm_bindgen_test]
async fn a_handle_yields_the_value_of_a_task_that_succeeded() {
    let group = Group::<String>::new();
    let number = group.spawn(async { Ok(7_u32) });
    let text = group.spawn(async {
        sleep(1).await;
        Ok("seven".to_string())
    });
    assert_eq!(text.await, Ok("seven".to_string()));
    assert_eq!(number.await, Ok(7));
    assert_eq!(group.wait().await, Ok(()));
}

#[wasm_bindgen_test]
async fn a_handle_of_a_failed_task_is_failed_and_the_error_goes_to_the_group() {
    let (group, ctx) = Group::<String>::with_context(&Context::background());
    let failed = group.spawn(async { Err::<u32, _>("broke".to_string()) });
    let error = failed.await.unwrap_err();
    assert!(error.is_failed() && !error.is_skipped(), "{error:?}");
    assert_eq!(group.wait().await, Err("broke".to_string()));
    assert!(ctx.is_aborted());
}

#[wasm_bindgen_test]
async fn when_a_failed_handle_completes_the_group_has_aborted_its_signal() {
    let (group, ctx) = Group::<String>::with_context(&Context::background());
    let failed = group.spawn(async {
        ticks(2).await;
        Err::<(), _>("broke".to_string())
    });
    assert!(failed.await.unwrap_err().is_failed());
    assert!(ctx.is_aborted(), "the failure aborted the signal first");
    assert_eq!(group.active(), 0, "and its slot is free");
}

#[wasm_bindgen_test]
async fn tasks_queued_when_a_sibling_fails_have_skipped_handles_and_never_run() {
    let (group, _ctx) = Group::<String>::with_context(&Context::background());
    group.set_limit(Some(1));
    let polled = Rc::new(Cell::new(0));
    let first = group.spawn(async {
        sleep(1).await;
        Err::<u32, _>("stop".to_string())
    });
    let queued: Vec<_> = (0..3)
        .map(|i| {
            let polled = polled.clone();
            group.spawn(async move {
                polled.set(polled.get() + 1);
                Ok(i)
            })
        })
        .collect();
    assert!(first.await.unwrap_err().is_failed());
    for handle in queued {
        assert!(handle.await.unwrap_err().is_skipped());
    }
    assert_eq!(polled.get(), 0);
    assert_eq!(group.wait().await, Err("stop".to_string()));
}

#[wasm_bindgen_test]
async fn a_task_spawned_after_the_parent_aborted_is_skipped_and_wait_fails() {
    let parent = web_sys::AbortController::new().unwrap();
    parent.abort_with_reason(&JsValue::from_str("gone"));
    let (group, _ctx) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
    let handle = group.spawn(async { Ok(1) });
    assert!(handle.is_finished(), "skipped inside spawn");
    assert!(handle.await.unwrap_err().is_skipped());
    assert_eq!(group.wait().await, Err(JsValue::from_str("gone")));
}

#[wasm_bindgen_test]
async fn a_task_spawned_on_a_closed_group_is_skipped() {
    let (group, _ctx) = Group::<JsValue>::with_context(&Context::background());
    group.wait().await.unwrap();
    let handle = group.spawn(async { Ok(1) });
    assert!(handle.await.unwrap_err().is_skipped());
}

#[wasm_bindgen_test]
async fn a_task_queued_behind_a_limit_of_zero_is_skipped_when_the_group_is_dropped() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(0));
    let handle = group.spawn(async { Ok(1) });
    ticks(2).await;
    assert!(!handle.is_finished());
    drop(group);
    assert!(handle.await.unwrap_err().is_skipped());
}

#[wasm_bindgen_test]
async fn dropping_a_handle_detaches_the_task_which_runs_on() {
    let group = Group::<JsValue>::new();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    drop(group.spawn(async move {
        sleep(1).await;
        r.set(true);
        Ok(())
    }));
    group.wait().await.unwrap();
    assert!(ran.get());
}

#[wasm_bindgen_test]
async fn spawn_never_polls_the_task_inside_the_call() {
    let group = Group::<JsValue>::new();
    let polled = Rc::new(Cell::new(false));
    let p = polled.clone();
    let mut handle = group.spawn(async move {
        p.set(true);
        Ok(3)
    });
    assert!(!polled.get());
    assert!((&mut handle).now_or_never().is_none());
    assert_eq!(handle.await, Ok(3));
    assert!(polled.get());
}

#[wasm_bindgen_test]
async fn spawned_tasks_are_admitted_fifo_under_the_limit_with_go_tasks() {
    let group = Group::<JsValue>::new();
    group.set_limit(Some(2));
    let order = Rc::new(std::cell::RefCell::new(Vec::new()));
    let mut handles = Vec::new();
    for i in 0..6 {
        let order = order.clone();
        if i % 2 == 0 {
            handles.push(group.spawn(async move {
                order.borrow_mut().push(i);
                sleep(1).await;
                Ok(i)
            }));
        } else {
            group.go(async move {
                order.borrow_mut().push(i);
                sleep(1).await;
                Ok(())
            });
        }
    }
    assert_eq!((group.active(), group.queued()), (2, 4));
    for (k, handle) in handles.into_iter().enumerate() {
        assert_eq!(handle.await, Ok(2 * k as i32));
    }
    group.wait().await.unwrap();
    assert_eq!(*order.borrow(), (0..6).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn join_errors_say_what_happened() {
    let group = Group::<JsValue>::new();
    let failed = group.spawn(async { Err::<(), _>(JsValue::NULL) }).await;
    let error = failed.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the task failed; its error went to the group"
    );
    group.set_limit(Some(0));
    let skipped = group.spawn(async { Ok(()) });
    drop(group);
    assert_eq!(
        skipped.await.unwrap_err().to_string(),
        "the task was skipped: the group dropped it before it started"
    );
}

#[wasm_bindgen_test]
#[should_panic(expected = "JoinHandle polled after it completed")]
async fn polling_a_handle_again_after_it_completed_panics() {
    let group = Group::<JsValue>::new();
    let mut handle = group.spawn(async { Ok(1) });
    assert_eq!((&mut handle).await, Ok(1));
    let _ = (&mut handle).now_or_never();
}
