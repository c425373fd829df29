#![cfg(target_arch = "wasm32")]
//! `ErrGroup.map`, driven with real JS iterables and mappers, in Node and
//! browsers.

mod common;

use common::{get, js, num, same, settle, ErrGroup};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// `{ items, pulled, closed, running, peak, aheadPeak, mapper }`: an async
/// generator of `n` items that records how far pulling runs ahead of the
/// mappers, and a mapper that doubles after `ms` milliseconds, failing on
/// `failAt`.
fn lab(n: u32, ms: u32, fail_at: i32) -> JsValue {
    js(
        "n, ms, failAt",
        "const s = { pulled: 0, done: 0, closed: false, running: 0, peak: 0, aheadPeak: 0, signals: [] };
         s.items = (async function* () {
           try {
             for (let i = 0; i < n; i++) {
               s.pulled++;
               s.aheadPeak = Math.max(s.aheadPeak, s.pulled - s.done);
               yield i;
             }
           } finally { s.closed = true; }
         })();
         s.failure = new Error('mapper failed');
         s.mapper = async (x, i, signal) => {
           s.signals.push(signal);
           s.peak = Math.max(s.peak, ++s.running);
           await new Promise((r) => setTimeout(r, ms * ((x % 3) + 1)));
           s.running--; s.done++;
           if (x === failAt) throw s.failure;
           return x * 2;
         };
         return s;",
    )
    .call3(&JsValue::NULL, &n.into(), &ms.into(), &fail_at.into())
    .unwrap()
}

fn options(limit: JsValue, signal: JsValue) -> JsValue {
    let options = js_sys::Object::new();
    Reflect::set(&options, &"limit".into(), &limit).unwrap();
    Reflect::set(&options, &"signal".into(), &signal).unwrap();
    options.into()
}

#[wasm_bindgen_test]
async fn results_come_in_input_order_with_at_most_limit_mappers() {
    let s = lab(30, 1, -1);
    let out = settle(ErrGroup::map(
        get(&s, "items"),
        get(&s, "mapper"),
        options(4.into(), JsValue::UNDEFINED),
    ))
    .await
    .unwrap();
    let out: Vec<f64> = Array::from(&out)
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(out, (0..30).map(|i| (i * 2) as f64).collect::<Vec<_>>());
    assert_eq!(num(get(&s, "peak")), 4.0);
    assert!(
        num(get(&s, "aheadPeak")) <= 4.0,
        "never more than limit items held ahead"
    );
}

#[wasm_bindgen_test]
async fn the_first_failure_rejects_aborts_running_mappers_and_stops_pulling() {
    let s = lab(1000, 2, 5);
    let error = settle(ErrGroup::map(
        get(&s, "items"),
        get(&s, "mapper"),
        options(3.into(), JsValue::UNDEFINED),
    ))
    .await
    .unwrap_err();
    let failure = get(&s, "failure");
    assert!(same(&error, &failure));
    let signals = Array::from(&get(&s, "signals"));
    let first: web_sys::AbortSignal = signals.get(0).unchecked_into();
    assert!(
        same(&first.reason(), &failure),
        "mappers' signal aborted with the failure"
    );
    assert!(
        num(get(&s, "pulled")) < 20.0,
        "pulled {}",
        num(get(&s, "pulled"))
    );
    assert_eq!(
        get(&s, "closed"),
        JsValue::TRUE,
        "the iterator was closed with return()"
    );
}

#[wasm_bindgen_test]
async fn sync_iterables_values_and_thenables_all_work() {
    let items = js("", "return new Set(['a', 'b', 'c'])")
        .call0(&JsValue::NULL)
        .unwrap();
    let mapper = js(
        "",
        "return (x, i) => i === 0 ? x + i : i === 1 ? Promise.resolve(x + i) : { then(ok) { ok(x + i); } }",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let out = settle(ErrGroup::map(items, mapper, JsValue::UNDEFINED))
        .await
        .unwrap();
    let out: Vec<String> = Array::from(&out)
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(out, ["a0", "b1", "c2"]);
    let empty = settle(ErrGroup::map(
        Array::new().into(),
        js("", "").into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(Array::from(&empty).length(), 0);
}

#[wasm_bindgen_test]
async fn a_parent_abort_rejects_with_its_reason_and_skips_the_rest() {
    let s = lab(1000, 3, -1);
    let parent = web_sys::AbortController::new().unwrap();
    let promise = ErrGroup::map(
        get(&s, "items"),
        get(&s, "mapper"),
        options(2.into(), parent.signal().into()),
    );
    common::sleep(10).await;
    let reason = JsValue::from_str("user left");
    parent.abort_with_reason(&reason);
    assert!(same(&settle(promise).await.unwrap_err(), &reason));
    assert!(num(get(&s, "pulled")) < 20.0);
    assert_eq!(get(&s, "closed"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn an_iterator_that_throws_is_the_failure() {
    let items = js(
        "",
        "const e = new Error('broken source'); return [e, (function* () { yield 1; throw e; })()];",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let (error, iterator) = (
        Reflect::get_u32(&items, 0).unwrap(),
        Reflect::get_u32(&items, 1).unwrap(),
    );
    let out = settle(ErrGroup::map(
        iterator,
        js("x", "return x").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(same(&out.unwrap_err(), &error));
}

#[wasm_bindgen_test]
async fn bad_input_rejects_with_a_clear_error() {
    let mapper: JsValue = js("x", "return x").into();
    let cases: Vec<(JsValue, JsValue, JsValue, &str)> = vec![
        (
            JsValue::from(5),
            mapper.clone(),
            JsValue::UNDEFINED,
            "TypeError",
        ),
        (
            JsValue::NULL,
            mapper.clone(),
            JsValue::UNDEFINED,
            "TypeError",
        ),
        (
            Array::new().into(),
            JsValue::from(1),
            JsValue::UNDEFINED,
            "TypeError",
        ),
        (
            Array::new().into(),
            mapper.clone(),
            "fast".into(),
            "TypeError",
        ),
        (
            Array::new().into(),
            mapper.clone(),
            options(0.into(), JsValue::UNDEFINED),
            "RangeError",
        ),
        (
            Array::new().into(),
            mapper.clone(),
            options(1.5.into(), JsValue::UNDEFINED),
            "RangeError",
        ),
        (
            Array::new().into(),
            mapper.clone(),
            options("2".into(), JsValue::UNDEFINED),
            "TypeError",
        ),
        (
            Array::new().into(),
            mapper.clone(),
            options(JsValue::UNDEFINED, 3.into()),
            "TypeError",
        ),
    ];
    for (items, mapper, options, kind) in cases {
        let error = settle(ErrGroup::map(items.clone(), mapper, options))
            .await
            .unwrap_err();
        let name = get(&error, "name").as_string().unwrap();
        assert_eq!(name, kind, "{items:?}: {:?}", get(&error, "message"));
        assert!(get(&error, "message")
            .as_string()
            .unwrap()
            .starts_with("ErrGroup.map:"));
    }
    let unlimited = options(f64::INFINITY.into(), JsValue::UNDEFINED);
    let out = settle(ErrGroup::map(
        Array::of1(&1.into()).into(),
        mapper,
        unlimited,
    ))
    .await;
    assert_eq!(Array::from(&out.unwrap()).get(0), JsValue::from(1));
}

#[wasm_bindgen_test]
async fn a_lazy_source_of_200k_items_runs_each_mapper_once() {
    let s = js(
        "",
        "const s = { seen: new Uint8Array(2e5), aheadPeak: 0, pulled: 0, done: 0 };
         s.items = { [Symbol.asyncIterator]() { let i = 0; return { next: async () => {
             if (i >= 2e5) return { done: true };
             s.pulled++; s.aheadPeak = Math.max(s.aheadPeak, s.pulled - s.done);
             return { done: false, value: i++ };
         } }; } };
         s.mapper = (x) => { s.seen[x]++; s.done++; return x & 1; };
         return s;",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let out = settle(ErrGroup::map(
        get(&s, "items"),
        get(&s, "mapper"),
        options(8.into(), JsValue::UNDEFINED),
    ))
    .await
    .unwrap();
    assert_eq!(Array::from(&out).length(), 200_000);
    let once: Function = js("s", "return s.seen.every((n) => n === 1)");
    assert_eq!(once.call1(&JsValue::NULL, &s).unwrap(), JsValue::TRUE);
    assert!(num(get(&s, "aheadPeak")) <= 8.0);
}

#[wasm_bindgen_test]
async fn an_aborted_map_rejects_with_the_reason_even_when_nothing_was_skipped() {
    // No limit: every item runs at once, and the mappers ignore the signal.
    let mapper = js(
        "",
        "return async (x) => { await new Promise((r) => setTimeout(r, 40)); return x; }",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let parent = web_sys::AbortController::new().unwrap();
    let items = js("", "return [1, 2, 3]").call0(&JsValue::NULL).unwrap();
    let promise = ErrGroup::map(
        items,
        mapper,
        options(JsValue::UNDEFINED, parent.signal().into()),
    );
    common::sleep(5).await;
    let reason = JsValue::from_str("stop");
    parent.abort_with_reason(&reason);
    let outcome = settle(promise).await;
    assert!(
        same(&outcome.unwrap_err(), &reason),
        "it rejects, not resolves"
    );
}

#[wasm_bindgen_test]
async fn an_aborted_map_waits_for_its_running_mappers() {
    let state = js(
        "",
        "const s = { ended: 0 };
         s.mapper = async () => { await new Promise((r) => setTimeout(r, 30)); s.ended++; };
         return s;",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let parent = web_sys::AbortController::new().unwrap();
    let items = js("", "return [1, 2, 3, 4]").call0(&JsValue::NULL).unwrap();
    let promise = ErrGroup::map(
        items,
        get(&state, "mapper"),
        options(2.into(), parent.signal().into()),
    );
    common::sleep(5).await;
    parent.abort();
    assert!(settle(promise).await.is_err());
    assert_eq!(
        num(get(&state, "ended")),
        2.0,
        "the two running mappers ended first; the rest never started"
    );
}

#[wasm_bindgen_test]
async fn promise_items_are_awaited_and_a_rejected_one_is_the_failure() {
    let pair = js(
        "",
        "const bad = new Error('bad item'); const p = Promise.reject(bad); p.catch(() => {});
         return [bad, [Promise.resolve(1), 2, { then(ok) { ok(3); } }], [Promise.resolve(1), p, 3]];",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let (bad, good, failing) = (
        Reflect::get_u32(&pair, 0).unwrap(),
        Reflect::get_u32(&pair, 1).unwrap(),
        Reflect::get_u32(&pair, 2).unwrap(),
    );
    let double: JsValue = js("x", "return x * 2").into();
    let out = settle(ErrGroup::map(good, double.clone(), JsValue::UNDEFINED))
        .await
        .unwrap();
    let out: Vec<f64> = Array::from(&out)
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(out, [2.0, 4.0, 6.0]);
    let error = settle(ErrGroup::map(
        failing,
        double,
        options(1.into(), JsValue::UNDEFINED),
    ))
    .await
    .unwrap_err();
    assert!(same(&error, &bad));
}

#[wasm_bindgen_test]
async fn a_string_is_mapped_by_character() {
    let out = settle(ErrGroup::map(
        "ab".into(),
        js("c, i", "return c + i").into(),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let out: Vec<String> = Array::from(&out)
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(out, ["a0", "b1"]);
}
