//! The Rust `map`, `map_stream` and `map_stream_unordered`, in Node and
//! browsers. (tests/map.rs is the JS `ErrGroup.map`.)

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::{error_name, same, sleep, ticks};
use futures::channel::mpsc;
use futures::stream::{self, StreamExt};
use futures::FutureExt;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_errgroup::{map, map_stream, map_stream_unordered, Context};

fn background() -> Context {
    Context::background()
}

/// Counts running mappers and their peak.
#[derive(Clone, Default)]
struct Gauge {
    now: Rc<Cell<usize>>,
    peak: Rc<Cell<usize>>,
}

impl Gauge {
    fn enter(&self) {
        self.now.set(self.now.get() + 1);
        self.peak.set(self.peak.get().max(self.now.get()));
    }
    fn leave(&self) {
        self.now.set(self.now.get() - 1);
    }
}

#[wasm_bindgen_test]
async fn map_returns_results_in_input_order_whatever_the_completion_order() {
    let delays = [5, 0, 3, 1, 4, 0, 2];
    let results = map(&background(), delays, 3, |ms, _ctx| async move {
        sleep(ms).await;
        Ok::<_, String>(ms * 10)
    })
    .await;
    assert_eq!(results, Ok(vec![50, 0, 30, 10, 40, 0, 20]));
}

#[wasm_bindgen_test]
async fn map_runs_at_most_limit_mappers_at_once() {
    let gauge = Gauge::default();
    let results = map(&background(), 0..40, 4, |i, _ctx| {
        let gauge = gauge.clone();
        async move {
            gauge.enter();
            ticks(i % 5).await;
            gauge.leave();
            Ok::<_, String>(i)
        }
    })
    .await
    .unwrap();
    assert_eq!(results, (0..40).collect::<Vec<_>>());
    assert_eq!(gauge.peak.get(), 4);
}

#[wasm_bindgen_test]
async fn map_pulls_an_item_only_into_a_free_slot() {
    let pulled = Rc::new(Cell::new(0));
    let ended = Rc::new(Cell::new(0));
    let most_ahead = Rc::new(Cell::new(0));
    let items = {
        let (pulled, ended, most_ahead) = (pulled.clone(), ended.clone(), most_ahead.clone());
        (0..30).inspect(move |_| {
            pulled.set(pulled.get() + 1);
            most_ahead.set(most_ahead.get().max(pulled.get() - ended.get()));
        })
    };
    let e = ended.clone();
    map(&background(), items, 3, move |i, _ctx| {
        let ended = e.clone();
        async move {
            ticks(i % 3).await;
            ended.set(ended.get() + 1);
            Ok::<_, String>(())
        }
    })
    .await
    .unwrap();
    assert_eq!(pulled.get(), 30);
    assert_eq!(most_ahead.get(), 3);
}

#[wasm_bindgen_test]
async fn map_of_no_items_is_ok_and_empty() {
    let results = map(&background(), Vec::<u8>::new(), 2, |i, _ctx| async move {
        Ok::<_, String>(i)
    })
    .await;
    assert_eq!(results, Ok(vec![]));
}

#[wasm_bindgen_test]
async fn the_first_failure_aborts_running_siblings_with_the_error_as_reason() {
    let reasons = Rc::new(RefCell::new(Vec::new()));
    let r = reasons.clone();
    let result = map(&background(), 0..10, 4, move |i, ctx| {
        let reasons = r.clone();
        async move {
            if i == 2 {
                sleep(2).await;
                return Err(JsValue::from_str("item 2 failed"));
            }
            let reason = ctx.done().await;
            reasons.borrow_mut().push(reason);
            Ok(i)
        }
    })
    .await;
    assert_eq!(result, Err(JsValue::from_str("item 2 failed")));
    let reasons = reasons.take();
    assert_eq!(reasons.len(), 3, "the three running siblings saw the abort");
    assert!(reasons
        .iter()
        .all(|r| same(r, &JsValue::from_str("item 2 failed"))));
}

#[wasm_bindgen_test]
async fn after_the_first_failure_no_item_is_pulled() {
    let pulled = Rc::new(Cell::new(0));
    let p = pulled.clone();
    let items = (0..100).inspect(move |_| p.set(p.get() + 1));
    let result = map(&background(), items, 2, |i, _ctx| async move {
        ticks(1).await;
        if i == 5 {
            Err(format!("item {i}"))
        } else {
            Ok(i)
        }
    })
    .await;
    assert_eq!(result, Err("item 5".to_string()));
    assert!(pulled.get() <= 7, "pulled {} items", pulled.get());
}

#[wasm_bindgen_test]
async fn the_failure_is_returned_only_once_the_running_mappers_have_ended() {
    let running = Gauge::default();
    let g = running.clone();
    let result = map(&background(), 0..4, 4, move |i, ctx| {
        let gauge = g.clone();
        async move {
            gauge.enter();
            if i == 0 {
                gauge.leave();
                return Err("first".to_string());
            }
            ctx.done().await;
            // A mapper that takes its time to stop after the abort.
            sleep(3).await;
            gauge.leave();
            Err::<(), _>(format!("late {i}"))
        }
    })
    .await;
    assert_eq!(
        result,
        Err("first".to_string()),
        "later failures are dropped"
    );
    assert_eq!(running.now.get(), 0);
}

#[wasm_bindgen_test]
async fn a_parent_abort_before_the_items_ran_out_fails_the_map_with_the_parents_reason() {
    let parent = web_sys::AbortController::new().unwrap();
    let ctx = Context::from_signal(parent.signal());
    let mapped = Rc::new(Cell::new(0));
    let m = mapped.clone();
    let map = map(&ctx, 0..100, 2, move |_, _ctx| {
        let mapped = m.clone();
        async move {
            sleep(1).await;
            mapped.set(mapped.get() + 1);
            Ok::<_, JsValue>(())
        }
    });
    let reason = JsValue::from_str("parent gone");
    let (result, ()) = futures::join!(map, async {
        sleep(5).await;
        parent.abort_with_reason(&reason);
    });
    assert!(same(&result.unwrap_err(), &reason));
    assert!(mapped.get() < 100);
}

#[wasm_bindgen_test]
async fn a_parent_abort_after_every_item_was_pulled_lets_successful_mappers_return_ok() {
    let parent = web_sys::AbortController::new().unwrap();
    let ctx = Context::from_signal(parent.signal());
    let map = map(&ctx, vec![1, 2], 2, |i, _ctx| async move {
        sleep(5).await;
        Ok::<_, JsValue>(i)
    });
    let (result, ()) = futures::join!(map, async {
        sleep(1).await;
        parent.abort();
    });
    assert_eq!(result, Ok(vec![1, 2]));
}

#[wasm_bindgen_test]
async fn an_already_aborted_parent_maps_nothing() {
    let parent = web_sys::AbortController::new().unwrap();
    parent.abort_with_reason(&JsValue::from_str("early"));
    let called = Rc::new(Cell::new(false));
    let c = called.clone();
    let result = map(
        &Context::from_signal(parent.signal()),
        0..3,
        2,
        move |i, _ctx| {
            c.set(true);
            async move { Ok::<_, String>(i) }
        },
    )
    .await;
    assert_eq!(result, Err("early".to_string()));
    assert!(!called.get());
}

#[wasm_bindgen_test]
async fn the_mappers_context_aborts_once_the_map_has_ended() {
    let seen = Rc::new(RefCell::new(None));
    let s = seen.clone();
    map(&background(), [()], 1, move |(), ctx| {
        *s.borrow_mut() = Some(ctx);
        async { Ok::<_, String>(()) }
    })
    .await
    .unwrap();
    let ctx = seen.take().unwrap();
    assert_eq!(error_name(&ctx.reason().unwrap()), "AbortError");
}

#[wasm_bindgen_test]
async fn dropping_the_map_aborts_the_mappers_context_and_drops_them() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let mut map = Box::pin(map(&background(), 0..10, 3, move |_, ctx| {
        s.borrow_mut().push(ctx.clone());
        async move {
            ctx.done().await;
            Ok::<_, String>(())
        }
    }));
    assert!((&mut map).now_or_never().is_none());
    assert_eq!(seen.borrow().len(), 3);
    drop(map);
    assert!(seen.borrow().iter().all(|ctx| ctx.is_aborted()));
}

#[wasm_bindgen_test]
#[should_panic(expected = "`limit` must be from 1 up, got 0")]
fn a_limit_of_zero_panics_at_the_call() {
    drop(map(&Context::background(), [1], 0, |i, _ctx| async move {
        Ok::<_, String>(i)
    }));
}

#[wasm_bindgen_test]
async fn map_stream_yields_in_input_order_as_results_come() {
    let items = stream::iter([4, 0, 2, 1, 3]);
    let results: Vec<_> = map_stream(&background(), items, 5, |ms, _ctx| async move {
        sleep(ms).await;
        Ok::<_, String>(ms)
    })
    .collect()
    .await;
    assert_eq!(results, [4, 0, 2, 1, 3].map(Ok));
}

#[wasm_bindgen_test]
async fn map_stream_unordered_yields_in_completion_order() {
    let items = stream::iter([12, 0, 6]);
    let results: Vec<_> = map_stream_unordered(&background(), items, 3, |ms, _ctx| async move {
        sleep(ms).await;
        Ok::<_, String>(ms)
    })
    .collect()
    .await;
    assert_eq!(results, [0, 6, 12].map(Ok));
}

#[wasm_bindgen_test]
async fn map_stream_holds_at_most_limit_results_ahead_of_a_slow_item() {
    let pulled = Rc::new(Cell::new(0));
    let p = pulled.clone();
    let items = stream::iter(0..20).inspect(move |_| p.set(p.get() + 1));
    let mut results = map_stream(&background(), items, 3, |i, _ctx| async move {
        sleep(if i == 0 { 20 } else { 0 }).await;
        Ok::<_, String>(i)
    });
    let first = results.next().await;
    assert_eq!(first, Some(Ok(0)));
    assert_eq!(
        pulled.get(),
        3,
        "items 1 and 2 waited in their slots behind item 0"
    );
    let rest: Vec<_> = results.collect().await;
    assert_eq!(rest, (1..20).map(Ok).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn map_stream_ends_after_the_first_failure_and_pulls_no_further_item() {
    let (tx, rx) = mpsc::unbounded();
    for i in 0..10 {
        tx.unbounded_send(i).unwrap();
    }
    let pulled = Rc::new(Cell::new(0));
    let p = pulled.clone();
    let items = rx.inspect(move |_| p.set(p.get() + 1));
    let results: Vec<_> = map_stream(&background(), items, 2, |i, _ctx| async move {
        ticks(1).await;
        if i == 4 {
            Err(format!("item {i}"))
        } else {
            Ok(i)
        }
    })
    .collect()
    .await;
    assert_eq!(
        results,
        vec![Ok(0), Ok(1), Ok(2), Ok(3), Err("item 4".to_string())],
        "values before the failure, in order, then the failure, never mixed up"
    );
    assert!(pulled.get() <= 6, "pulled {}", pulled.get());
    drop(tx);
}

#[wasm_bindgen_test]
async fn map_stream_unordered_ends_after_the_first_failure_and_aborts_the_siblings() {
    let aborted = Rc::new(Cell::new(0));
    let a = aborted.clone();
    let items = stream::iter(0..8);
    let results: Vec<_> = map_stream_unordered(&background(), items, 4, move |i, ctx| {
        let aborted = a.clone();
        async move {
            match i {
                0 => Ok(0),
                1 => {
                    sleep(2).await;
                    Err(JsValue::from_str("one"))
                }
                _ => {
                    ctx.done().await;
                    aborted.set(aborted.get() + 1);
                    Ok(i)
                }
            }
        }
    })
    .collect()
    .await;
    assert_eq!(results, vec![Ok(0), Err(JsValue::from_str("one"))]);
    assert_eq!(
        aborted.get(),
        3,
        "items 2, 3 and 4 (in the slot item 0 freed) were running"
    );
}

#[wasm_bindgen_test]
async fn dropping_the_stream_aborts_the_mappers_and_pulls_nothing_more() {
    let pulled = Rc::new(Cell::new(0));
    let p = pulled.clone();
    let contexts = Rc::new(RefCell::new(Vec::new()));
    let c = contexts.clone();
    let items = stream::iter(0..100).inspect(move |_| p.set(p.get() + 1));
    let mut results = map_stream_unordered(&background(), items, 2, move |i, ctx| {
        c.borrow_mut().push(ctx.clone());
        async move {
            sleep(i % 3).await;
            Ok::<_, String>(i)
        }
    });
    assert!(results.next().await.unwrap().is_ok());
    drop(results);
    let before = pulled.get();
    assert!(contexts.borrow().iter().all(|ctx| ctx.is_aborted()));
    sleep(5).await;
    assert_eq!(pulled.get(), before);
    assert!(before <= 3, "pulled {before}");
}

#[wasm_bindgen_test]
async fn map_stream_over_a_pending_source_ends_when_the_parent_aborts() {
    let parent = web_sys::AbortController::new().unwrap();
    let (tx, rx) = mpsc::unbounded::<u32>();
    tx.unbounded_send(1).unwrap();
    let mut results = map_stream(
        &Context::from_signal(parent.signal()),
        rx,
        2,
        |i, _ctx| async move { Ok::<_, JsValue>(i) },
    );
    assert_eq!(results.next().await, Some(Ok(1)));
    let reason = JsValue::from_str("closed");
    let (next, ()) = futures::join!(results.next(), async {
        sleep(1).await;
        parent.abort_with_reason(&reason);
    });
    assert!(same(&next.unwrap().unwrap_err(), &reason));
    assert_eq!(results.next().await, None);
    drop(tx);
}
