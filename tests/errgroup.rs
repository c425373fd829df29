#![cfg(target_arch = "wasm32")]
//! The JS class `ErrGroup`, driven with real JS functions and promises as a
//! JS caller would, in Node and browsers.

mod common;

use common::{call0, counted_signal, get, js, num, same, settle, settles_within, sleep, ticks};
use std::rc::Rc;

use common::ErrGroup;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// A JS recorder object `{ log: [], running: 0, peak: 0 }` and task factories
/// over it, the way a JS test would write them.
fn recorder() -> JsValue {
    js(
        "",
        "const r = { log: [], running: 0, peak: 0, signals: [] };
         r.task = (name, ms, fail) => async (signal) => {
           r.signals.push(signal);
           r.log.push('start ' + name); r.running++; r.peak = Math.max(r.peak, r.running);
           await new Promise((res) => setTimeout(res, ms));
           r.running--; r.log.push('end ' + name);
           if (fail !== undefined) throw fail;
         };
         return r;",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap()
}

fn task(rec: &JsValue, name: &str, ms: i32, fail: Option<&JsValue>) -> JsValue {
    let make: Function = get(rec, "task").unchecked_into();
    make.call3(
        &JsValue::UNDEFINED,
        &name.into(),
        &ms.into(),
        fail.unwrap_or(&JsValue::UNDEFINED),
    )
    .unwrap()
}

fn log(rec: &JsValue) -> Vec<String> {
    Array::from(&get(rec, "log"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn first_failure_rejects_wait_and_aborts_the_signal_with_the_same_value() {
    let rec = recorder();
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    let failure = js("", "return new Error('boom')")
        .call0(&JsValue::NULL)
        .unwrap();
    group.go(task(&rec, "slow", 40, None)).unwrap();
    group.go(task(&rec, "bad", 5, Some(&failure))).unwrap();
    let error = settle(group.wait()).await.unwrap_err();
    assert!(same(&error, &failure));
    assert!(same(&group.signal().reason(), &failure));
    assert!(group.signal().aborted());
    assert_eq!(
        log(&rec).last().unwrap(),
        "end slow",
        "wait settles after every task"
    );
}

#[wasm_bindgen_test]
async fn non_error_failure_values_are_kept_as_thrown() {
    let values = [
        JsValue::from_str("just a string"),
        JsValue::UNDEFINED,
        JsValue::NULL,
        js("", "return { code: 7 }").call0(&JsValue::NULL).unwrap(),
        JsValue::from_f64(0.0),
    ];
    for value in values {
        let rejects = js("v", "return () => Promise.reject(v)")
            .call1(&JsValue::NULL, &value)
            .unwrap();
        let group = ErrGroup::new();
        group.go(rejects).unwrap();
        let error = settle(group.wait()).await.unwrap_err();
        assert!(same(&error, &value), "{value:?}");
    }
}

#[wasm_bindgen_test]
async fn a_synchronous_throw_is_a_failure() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    let thrown = js("", "return new RangeError('sync')")
        .call0(&JsValue::NULL)
        .unwrap();
    let throws = js("e", "return () => { throw e; }")
        .call1(&JsValue::NULL, &thrown)
        .unwrap();
    group.go(throws).unwrap();
    assert!(same(&settle(group.wait()).await.unwrap_err(), &thrown));
}

#[wasm_bindgen_test]
async fn any_non_thenable_return_value_is_success() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    for body in [
        "return 1",
        "return {}",
        "return { then: 5 }",
        "return null",
        "return Promise.resolve(2)",
    ] {
        group.go(js("", body).into()).unwrap();
    }
    assert!(settle(group.wait()).await.is_ok());
}

#[wasm_bindgen_test]
async fn thenables_are_adopted_and_a_throwing_then_getter_is_a_failure() {
    let group = ErrGroup::new();
    group
        .go(js("", "return { then(ok) { setTimeout(ok, 1); } }").into())
        .unwrap();
    assert!(settle(group.wait()).await.is_ok());

    let group = ErrGroup::new();
    let getter = js(
        "",
        "const e = new Error('getter'); const o = {}; Object.defineProperty(o, 'then', { get() { throw e; } }); return [e, () => o];",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let (error, make) = (
        Reflect::get_u32(&getter, 0).unwrap(),
        Reflect::get_u32(&getter, 1).unwrap(),
    );
    group.go(make).unwrap();
    assert!(same(&settle(group.wait()).await.unwrap_err(), &error));

    let group = ErrGroup::new();
    let patched = js(
        "",
        "const e = new Error('then'); const p = Promise.reject(e); p.catch(() => {}); p.then = () => { throw new Error('patched then is never used'); }; return [e, () => p];",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let (error, make) = (
        Reflect::get_u32(&patched, 0).unwrap(),
        Reflect::get_u32(&patched, 1).unwrap(),
    );
    group.go(make).unwrap();
    assert!(same(&settle(group.wait()).await.unwrap_err(), &error));
}

#[wasm_bindgen_test]
async fn a_non_function_task_throws_type_error_synchronously() {
    let group = ErrGroup::new();
    for bad in [
        JsValue::UNDEFINED,
        JsValue::from(3),
        "fn".into(),
        js_sys::Object::new().into(),
    ] {
        let error = group.go(bad.clone()).unwrap_err();
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{bad:?}");
        assert!(get(&error, "message")
            .as_string()
            .unwrap()
            .contains("ErrGroup.go"));
        let error = group.try_go(bad).unwrap_err();
        assert!(error.is_instance_of::<js_sys::TypeError>());
    }
    assert_eq!((group.active(), group.queued()), (0, 0));
}

#[wasm_bindgen_test]
async fn bad_limits_throw_and_leave_the_limit_alone() {
    let group = ErrGroup::new();
    group.set_limit(2.into()).unwrap();
    let nan = JsValue::from_f64(f64::NAN);
    let cases: [(JsValue, bool); 9] = [
        (nan, false),
        (1.5.into(), false),
        ((-1).into(), false),
        (f64::NEG_INFINITY.into(), false),
        ("3".into(), true),
        (JsValue::UNDEFINED, true),
        (JsValue::NULL, true),
        (js_sys::BigInt::from(3).into(), true),
        (js_sys::Object::new().into(), true),
    ];
    for (bad, is_type_error) in cases {
        let error = group.set_limit(bad.clone()).unwrap_err();
        if is_type_error {
            assert!(error.is_instance_of::<js_sys::TypeError>(), "{bad:?}");
        } else {
            assert!(error.is_instance_of::<js_sys::RangeError>(), "{bad:?}");
        }
        assert!(get(&error, "message")
            .as_string()
            .unwrap()
            .starts_with("ErrGroup.setLimit: the limit must be"));
        assert_eq!(group.limit(), 2.0);
    }
}

#[wasm_bindgen_test]
async fn the_limit_is_a_whole_number_from_0_up_or_infinity_and_reads_back_as_set() {
    let group = ErrGroup::new();
    assert_eq!(group.limit(), f64::INFINITY, "no limit by default");
    for n in [
        0.0,
        1.0,
        7.0,
        4_294_967_296.0,
        9_007_199_254_740_991.0,
        f64::INFINITY,
    ] {
        group.set_limit(n.into()).unwrap();
        assert_eq!(group.limit(), n);
    }
}

#[wasm_bindgen_test]
async fn no_more_than_limit_tasks_are_active_and_they_start_fifo() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(2.into()).unwrap();
    for i in 0..8 {
        group
            .go(task(&rec, &i.to_string(), (i % 3) + 1, None))
            .unwrap();
    }
    assert_eq!((group.active(), group.queued()), (2, 6));
    settle(group.wait()).await.unwrap();
    assert_eq!(num(get(&rec, "peak")), 2.0);
    let starts: Vec<String> = log(&rec)
        .into_iter()
        .filter(|l| l.starts_with("start"))
        .collect();
    assert_eq!(
        starts,
        (0..8).map(|i| format!("start {i}")).collect::<Vec<_>>()
    );
}

#[wasm_bindgen_test]
async fn a_task_is_called_on_a_later_microtask_with_the_group_signal() {
    let group = ErrGroup::new();
    let seen = js(
        "",
        "const s = { calls: [] }; s.task = (...args) => { s.calls.push(args); }; return s;",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    group.go(get(&seen, "task")).unwrap();
    assert_eq!(
        Array::from(&get(&seen, "calls")).length(),
        0,
        "not called inside go()"
    );
    ticks(1).await;
    let calls = Array::from(&get(&seen, "calls"));
    assert_eq!(calls.length(), 1);
    let args = Array::from(&calls.get(0));
    assert_eq!(args.length(), 1);
    assert!(same(&args.get(0), &group.signal()));
    assert!(
        !group.signal().aborted(),
        "a zero group's signal never aborts"
    );
}

#[wasm_bindgen_test]
async fn ready_resolves_once_go_would_start_a_task_at_once() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(1.into()).unwrap();
    settle(group.ready().unwrap()).await.unwrap();
    group.go(task(&rec, "a", 20, None)).unwrap();
    let ready = group.ready().unwrap();
    assert!(!settles_within(&ready, 5).await, "no slot is free");
    settle(ready).await.unwrap();
    assert_eq!(log(&rec), ["start a", "end a"]);
    group.go(task(&rec, "b", 1, None)).unwrap();
    settle(group.wait()).await.unwrap();
    assert_eq!(log(&rec), ["start a", "end a", "start b", "end b"]);
}

#[wasm_bindgen_test]
async fn ready_waits_for_the_queue_ahead_too() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(1.into()).unwrap();
    group.go(task(&rec, "a", 10, None)).unwrap();
    group.go(task(&rec, "b", 10, None)).unwrap();
    settle(group.ready().unwrap()).await.unwrap();
    assert_eq!(log(&rec), ["start a", "end a", "start b", "end b"]);
}

#[wasm_bindgen_test]
async fn ready_resolves_at_once_on_a_stopped_group() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    group.set_limit(0.into()).unwrap();
    group.go(js("", "").into()).unwrap();
    let ready = group.ready().unwrap();
    // Handled from now on: free() rejects it.
    let waited = wasm_bindgen_futures::JsFuture::from(group.wait());
    group.free().unwrap();
    assert!(settles_within(&ready, 5).await, "go() would skip at once");
    assert!(waited.await.is_err());
}

#[wasm_bindgen_test]
async fn try_go_starts_only_into_a_free_slot() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(1.into()).unwrap();
    assert!(group.try_go(task(&rec, "a", 5, None)).unwrap());
    let never = js("", "throw new Error('refused tasks are never called')");
    assert!(!group.try_go(never.clone().into()).unwrap());
    settle(group.wait()).await.unwrap();
    assert!(group.try_go(task(&rec, "b", 1, None)).unwrap());
    settle(group.wait()).await.unwrap();
    assert_eq!(log(&rec), ["start a", "end a", "start b", "end b"]);
}

#[wasm_bindgen_test]
async fn after_the_signal_aborts_queued_and_later_tasks_are_skipped() {
    let rec = recorder();
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    group.set_limit(1.into()).unwrap();
    let failure = JsValue::from_str("stop");
    group.go(task(&rec, "bad", 2, Some(&failure))).unwrap();
    for i in 0..3 {
        group.go(task(&rec, &format!("q{i}"), 1, None)).unwrap();
    }
    assert!(same(&settle(group.wait()).await.unwrap_err(), &failure));
    group.go(task(&rec, "late", 1, None)).unwrap_err();
    sleep(5).await;
    assert_eq!(log(&rec), ["start bad", "end bad"]);
}

#[wasm_bindgen_test]
async fn a_zero_group_runs_queued_tasks_after_a_failure() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(1.into()).unwrap();
    group.go(task(&rec, "bad", 1, Some(&"x".into()))).unwrap();
    group.go(task(&rec, "next", 1, None)).unwrap();
    assert!(settle(group.wait()).await.is_err());
    assert_eq!(
        log(&rec),
        ["start bad", "end bad", "start next", "end next"]
    );
}

#[wasm_bindgen_test]
async fn parent_abort_skips_work_and_wait_rejects_with_the_parent_reason() {
    let rec = recorder();
    let parent = web_sys::AbortController::new().unwrap();
    let group = ErrGroup::with_signal(parent.signal().into()).unwrap();
    group.set_limit(1.into()).unwrap();
    group.go(task(&rec, "running", 10, None)).unwrap();
    group.go(task(&rec, "queued", 1, None)).unwrap();
    ticks(2).await;
    let reason = js("", "return new Error('user left')")
        .call0(&JsValue::NULL)
        .unwrap();
    parent.abort_with_reason(&reason);
    assert!(same(&group.signal().reason(), &reason));
    assert!(same(&settle(group.wait()).await.unwrap_err(), &reason));
    assert_eq!(log(&rec), ["start running", "end running"]);
}

#[wasm_bindgen_test]
async fn an_already_aborted_parent_aborts_the_group_at_once() {
    let parent = web_sys::AbortController::new().unwrap();
    parent.abort_with_reason(&"early".into());
    let group = ErrGroup::with_signal(parent.signal().into()).unwrap();
    assert!(group.signal().aborted());
    assert!(settle(group.wait()).await.is_ok(), "nothing was skipped");
    let group = ErrGroup::with_signal(parent.signal().into()).unwrap();
    let never = js("", "throw new Error('never called')");
    group.go(never.into()).unwrap();
    assert_eq!(
        settle(group.wait()).await.unwrap_err().as_string().unwrap(),
        "early"
    );
}

#[wasm_bindgen_test]
async fn a_parent_that_is_not_an_abort_signal_is_a_type_error() {
    for bad in [
        JsValue::from(1),
        "signal".into(),
        js_sys::Object::new().into(),
    ] {
        let error = ErrGroup::with_signal(bad.clone()).unwrap_err();
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{bad:?}");
    }
    assert!(ErrGroup::with_signal(JsValue::NULL).is_ok());
}

#[wasm_bindgen_test]
async fn the_parent_listener_is_removed_once_the_group_settles() {
    let (parent, listeners) = counted_signal();
    let rec = recorder();
    for round in 0..30 {
        let group = ErrGroup::with_signal(parent.signal().into()).unwrap();
        assert_eq!(num(call0(&listeners)), 1.0);
        let fail = (round % 3 == 0).then(|| JsValue::from(round));
        group.go(task(&rec, "t", 1, fail.as_ref())).unwrap();
        let _ = settle(group.wait()).await;
        assert_eq!(num(call0(&listeners)), 0.0, "round {round}");
    }
}

#[wasm_bindgen_test]
async fn nested_go_from_js_tasks_is_waited_for() {
    let group = Rc::new(ErrGroup::new());
    group.set_limit(3.into()).unwrap();
    let state = js("", "return { done: 0 }").call0(&JsValue::NULL).unwrap();
    let node = js(
        "s, go",
        "const node = (depth) => async () => {
           await new Promise((r) => setTimeout(r, 1));
           if (depth < 4) { go(node(depth + 1)); go(node(depth + 1)); }
           s.done++;
         };
         return node(0);",
    );
    let go = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new({
        let group = group.clone();
        move |task: JsValue| {
            group.go(task).unwrap();
        }
    });
    let root = node.call2(&JsValue::NULL, &state, go.as_ref()).unwrap();
    group.go(root).unwrap();
    settle(group.wait()).await.unwrap();
    assert_eq!(num(get(&state, "done")), 31.0);
}

#[wasm_bindgen_test]
async fn every_wait_settles_the_same_way() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    let failure = js_sys::Object::new();
    let rejects = js(
        "v",
        "return () => new Promise((_, no) => setTimeout(() => no(v), 2))",
    )
    .call1(&JsValue::NULL, &failure)
    .unwrap();
    group.go(rejects).unwrap();
    let (a, b) = (group.wait(), group.wait());
    assert!(same(&settle(a).await.unwrap_err(), &failure));
    assert!(same(&settle(b).await.unwrap_err(), &failure));
    assert!(same(&settle(group.wait()).await.unwrap_err(), &failure));
}

#[wasm_bindgen_test]
async fn wait_with_no_tasks_resolves_and_closes_a_signal_group() {
    let group = ErrGroup::new();
    assert!(settle(group.wait()).await.is_ok());
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    let wait = group.wait();
    let error = group.go(js("", "").into()).unwrap_err();
    assert!(
        get(&error, "message")
            .as_string()
            .unwrap()
            .contains("settled"),
        "closed at once"
    );
    let aborted_first = js("s, w", "return w.then(() => s.aborted)")
        .call2(&JsValue::NULL, &group.signal(), &wait)
        .unwrap();
    assert_eq!(
        settle(aborted_first.unchecked_into()).await.unwrap(),
        JsValue::TRUE,
        "the signal aborts before wait() settles"
    );
    let error = group.go(js("", "").into()).unwrap_err();
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .contains("settled"));
    assert!(!group.try_go(js("", "").into()).unwrap());
}

#[wasm_bindgen_test]
async fn raising_the_limit_starts_queued_tasks_at_once() {
    let rec = recorder();
    let group = ErrGroup::new();
    group.set_limit(0.into()).unwrap();
    for i in 0..4 {
        group.go(task(&rec, &i.to_string(), 5, None)).unwrap();
    }
    sleep(2).await;
    assert_eq!((group.active(), group.queued(), log(&rec).len()), (0, 4, 0));
    group.set_limit(3.into()).unwrap();
    assert_eq!((group.active(), group.queued()), (3, 1));
    group.set_limit(1.into()).unwrap();
    assert_eq!(group.active(), 3, "lowering interrupts nothing");
    settle(group.wait()).await.unwrap();
    assert_eq!(num(get(&rec, "peak")), 3.0);
}

#[wasm_bindgen_test]
async fn hundred_thousand_js_tasks_under_a_limit_each_run_exactly_once() {
    let group = ErrGroup::new();
    group.set_limit(16.into()).unwrap();
    let state = js(
        "n",
        "const s = { runs: new Uint8Array(n), running: 0, peak: 0 };
         s.make = (i) => async () => {
           s.running++; s.peak = Math.max(s.peak, s.running);
           s.runs[i]++;
           await null;
           s.running--;
         };
         return s;",
    )
    .call1(&JsValue::NULL, &100_000.into())
    .unwrap();
    let make: Function = get(&state, "make").unchecked_into();
    for i in 0..100_000 {
        group
            .go(make.call1(&JsValue::NULL, &i.into()).unwrap())
            .unwrap();
    }
    settle(group.wait()).await.unwrap();
    let all_once = js("s", "return s.runs.every((n) => n === 1)")
        .call1(&JsValue::NULL, &state)
        .unwrap();
    assert_eq!(all_once, JsValue::TRUE);
    assert_eq!(num(get(&state, "peak")), 16.0);
}

#[wasm_bindgen_test]
async fn failures_never_become_unhandled_rejections() {
    let unhandled = common::count_unhandled_rejections();
    // The detector itself must see a real unhandled rejection.
    let _ = js("", "Promise.reject(new Error('deliberately unhandled'))").call0(&JsValue::NULL);
    sleep(20).await;
    let baseline = num(call0(&unhandled));
    assert_eq!(baseline, 1.0, "the unhandled-rejection detector works here");
    {
        let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
        let zero = ErrGroup::new();
        for i in 0..10 {
            let body = match i % 3 {
                0 => "return Promise.reject(new Error('r'))",
                1 => "throw new Error('t')",
                _ => "return new Promise((_, no) => setTimeout(() => no('late'), 1))",
            };
            group.go(js("", body).into()).unwrap();
            zero.go(js("", body).into()).unwrap();
        }
        // Nobody calls wait().
    }
    sleep(30).await;
    assert_eq!(num(call0(&unhandled)), baseline);
}

#[wasm_bindgen_test]
async fn abort_listeners_and_tasks_may_call_back_into_the_group() {
    let group = Rc::new(ErrGroup::with_signal(JsValue::UNDEFINED).unwrap());
    let handle = group.clone();
    let seen = js("", "return []").call0(&JsValue::NULL).unwrap();
    let on_abort = wasm_bindgen::closure::Closure::<dyn Fn()>::new({
        let (group, seen) = (handle.clone(), seen.clone());
        move || {
            // The group has aborted but not settled yet: go() skips.
            let started = group.go(js("", "throw new Error('skipped, never called')").into());
            let seen: Array = seen.clone().unchecked_into();
            seen.push(&started.map(|()| JsValue::TRUE).unwrap_or_else(|e| e));
            seen.push(&group.try_go(js("", "").into()).unwrap().into());
            // Idle and waited on: this call lets the group settle.
            group.set_limit(4.into()).unwrap();
            seen.push(&group.wait());
        }
    });
    group
        .signal()
        .add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref())
        .unwrap();
    let reenter = wasm_bindgen::closure::Closure::<dyn Fn() -> JsValue>::new({
        let group = handle.clone();
        move || {
            group.set_limit(2.into()).unwrap();
            let _ = group.wait();
            JsValue::from_str("fail")
        }
    });
    let task = js("f", "return () => Promise.reject(f())")
        .call1(&JsValue::NULL, reenter.as_ref())
        .unwrap();
    group.go(task).unwrap();
    assert_eq!(
        settle(group.wait()).await.unwrap_err().as_string().unwrap(),
        "fail"
    );
    let seen = Array::from(&seen);
    assert_eq!(
        seen.get(0),
        JsValue::TRUE,
        "go() from an abort listener skips"
    );
    assert_eq!(
        seen.get(1),
        JsValue::FALSE,
        "tryGo() from an abort listener refuses"
    );
    let inner_wait: Promise = seen.get(2).unchecked_into();
    assert_eq!(
        settle(inner_wait).await.unwrap_err().as_string().unwrap(),
        "fail"
    );
}

#[wasm_bindgen_test]
async fn an_abort_listener_that_throws_never_leaves_the_group_stuck() {
    let uncaught = common::catch_uncaught();
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    group.set_limit(1.into()).unwrap();
    let thrown = js("", "return new Error('listener failed')")
        .call0(&JsValue::NULL)
        .unwrap();
    let listener = js("e", "return () => { throw e; }")
        .call1(&JsValue::NULL, &thrown)
        .unwrap();
    group
        .signal()
        .add_event_listener_with_callback("abort", listener.unchecked_ref())
        .unwrap();
    let failure = JsValue::from_str("task failed");
    let rejects = js("v", "return () => Promise.reject(v)")
        .call1(&JsValue::NULL, &failure)
        .unwrap();
    group.go(rejects).unwrap();
    group
        .go(js("", "throw new Error('skipped, never called')").into())
        .unwrap();
    assert!(same(&settle(group.wait()).await.unwrap_err(), &failure));
    sleep(5).await;
    let seen = Array::from(&call0(&uncaught));
    assert_eq!(
        seen.length(),
        1,
        "the listener's error is reported, not swallowed"
    );
    assert!(same(&seen.get(0), &thrown));
}

#[wasm_bindgen_test]
async fn a_task_that_never_settles_keeps_wait_pending_and_a_timeout_parent_bounds_it() {
    let group = ErrGroup::new();
    group
        .go(js("", "return new Promise(() => {})").into())
        .unwrap();
    assert!(
        !settles_within(&group.wait(), 30).await,
        "documented: wait() waits forever"
    );

    // Node unrefs the timer of AbortSignal.timeout: keep the event loop alive.
    let keep_alive: Function = js(
        "",
        "const t = setTimeout(() => {}, 5000); return () => clearTimeout(t);",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into();
    let parent = js("", "return AbortSignal.timeout(20)")
        .call0(&JsValue::NULL)
        .unwrap();
    let group = ErrGroup::with_signal(parent).unwrap();
    group.set_limit(1.into()).unwrap();
    let honours = js(
        "",
        "return (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    group.go(honours).unwrap();
    group
        .go(js("", "throw new Error('skipped, never called')").into())
        .unwrap();
    let error = settle(group.wait()).await.unwrap_err();
    call0(&keep_alive);
    assert_eq!(get(&error, "name").as_string().unwrap(), "TimeoutError");
}

#[wasm_bindgen_test]
async fn a_parent_abort_that_skipped_nothing_lets_wait_resolve() {
    // Tasks that ran to completion despite the abort count as done, as in Go.
    let rec = recorder();
    let parent = web_sys::AbortController::new().unwrap();
    let group = ErrGroup::with_signal(parent.signal().into()).unwrap();
    group.go(task(&rec, "a", 10, None)).unwrap();
    ticks(2).await;
    parent.abort();
    assert!(group.signal().aborted());
    assert!(settle(group.wait()).await.is_ok());
    assert_eq!(log(&rec), ["start a", "end a"]);
}

#[wasm_bindgen_test]
async fn go_returns_undefined_as_gos_go_returns_nothing() {
    let group = ErrGroup::new();
    let go: Function = get(&group, "go").unchecked_into();
    let returned = go.call1(&group, &js("", "").into()).unwrap();
    assert!(returned.is_undefined());
    settle(group.wait()).await.unwrap();
}

/// The failure's abort reaches 1,000 running siblings in the same turn of the
/// event loop: a timer the failing task sets as it throws sees all of them.
#[wasm_bindgen_test]
async fn a_thousand_running_siblings_see_the_abort_before_any_later_macrotask() {
    let rec = js(
        "",
        "const r = { aborted: 0, atNextTask: -1 };
         r.sibling = (signal) => new Promise((resolve) => {
           signal.addEventListener('abort', () => { r.aborted++; resolve(); });
         });
         r.failing = async () => {
           await new Promise((resolve) => setTimeout(resolve, 1));
           setTimeout(() => { r.atNextTask = r.aborted; });
           throw new Error('first');
         };
         return r;",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap();
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    for _ in 0..1000 {
        group.go(get(&rec, "sibling")).unwrap();
    }
    group.go(get(&rec, "failing")).unwrap();
    assert!(settle(group.wait()).await.is_err());
    sleep(5).await;
    assert_eq!(num(get(&rec, "atNextTask")), 1000.0);
}
