#![cfg(target_arch = "wasm32")]
//! Real `fetch()` against the local server `scripts/test-server.mjs`, which
//! the test command starts on 127.0.0.1 before building this suite.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::ErrGroup;
use common::{dead_origin, js, origin, same, settle, sleep};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_errgroup::{Context, Group};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &web_sys::RequestInit) -> Promise;
}

/// Polls the server until no `/slow` request is open on it, for at most a
/// second, and returns how many are still open.
async fn open_on_the_server() -> f64 {
    let mut open = f64::NAN;
    for _ in 0..50 {
        let url = format!("{}/stats", origin());
        let response: web_sys::Response =
            JsFuture::from(fetch_with_init(&url, &web_sys::RequestInit::new()))
                .await
                .unwrap()
                .unchecked_into();
        let stats = JsFuture::from(response.json().unwrap()).await.unwrap();
        open = Reflect::get(&stats, &"open".into())
            .unwrap()
            .as_f64()
            .unwrap();
        if open == 0.0 {
            break;
        }
        sleep(20).await;
    }
    open
}

#[wasm_bindgen_test]
async fn js_group_fetches_with_a_limit_and_the_first_failure_aborts_the_rest() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    group.set_limit(4.into()).unwrap();
    let state = js(
        "origin",
        "const s = { ok: 0, aborted: [], failure: null, running: 0, peak: 0 };
         s.fetchTask = (path) => async (signal) => {
           s.running++; s.peak = Math.max(s.peak, s.running);
           let response;
           try {
             response = await fetch(origin + path, { signal });
             await response.clone().text();
           } catch (e) {
             s.aborted.push(e);
             throw e;
           } finally { s.running--; }
           if (!response.ok) {
             s.failure = new Error(path + ': HTTP ' + response.status);
             throw s.failure;
           }
           s.ok++;
         };
         return s;",
    )
    .call1(&JsValue::NULL, &origin().into())
    .unwrap();
    let make: Function = Reflect::get(&state, &"fetchTask".into())
        .unwrap()
        .unchecked_into();
    let paths = [
        "/ok",
        "/ok?delay=5",
        "/slow?ms=5000",
        "/slow?ms=5000",
        "/ok?delay=10",
        "/status?code=503",
        "/slow?ms=5000",
        "/ok",
    ];
    for path in paths {
        group
            .go(make.call1(&JsValue::NULL, &path.into()).unwrap())
            .unwrap();
    }
    let error = settle(group.wait()).await.unwrap_err();
    let failure = Reflect::get(&state, &"failure".into()).unwrap();
    assert!(
        same(&error, &failure),
        "wait rejects with the thrown failure"
    );
    let peak = Reflect::get(&state, &"peak".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(peak <= 4.0, "peak {peak}");
    // The slow fetches that had started were aborted with the failure itself.
    let aborted = Array::from(&Reflect::get(&state, &"aborted".into()).unwrap());
    assert!(aborted.length() >= 2, "{} aborted", aborted.length());
    let reason_itself = common::fetch_rejects_with_the_reason().await;
    for reason in aborted.iter() {
        assert!(
            common::is_abort_of_fetch(&reason, &failure, reason_itself),
            "fetch rejects with the group's reason (an AbortError in WebKit)"
        );
    }
    assert_eq!(
        open_on_the_server().await,
        0.0,
        "no request is left open on the server"
    );
}

#[wasm_bindgen_test]
async fn an_unreachable_port_fails_the_group_with_a_type_error() {
    let group = ErrGroup::with_signal(JsValue::UNDEFINED).unwrap();
    let task = js("url", "return (signal) => fetch(url, { signal })")
        .call1(&JsValue::NULL, &format!("{}/ok", dead_origin()).into())
        .unwrap();
    group.go(task).unwrap();
    let error = settle(group.wait()).await.unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
    assert!(same(&group.signal().reason(), &error));
}

#[wasm_bindgen_test]
async fn rust_group_fetches_and_the_first_failure_aborts_slow_siblings() {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    group.set_limit(Some(3));
    let sibling_errors = Rc::new(RefCell::new(Vec::new()));
    let ok = Rc::new(RefCell::new(0));
    for path in [
        "/ok",
        "/slow?ms=5000",
        "/slow?ms=5000",
        "/ok?delay=5",
        "/status?code=500",
        "/ok",
    ] {
        let url = format!("{}{path}", origin());
        let (ctx, sibling_errors, ok) = (ctx.clone(), sibling_errors.clone(), ok.clone());
        group.go(async move {
            let init = web_sys::RequestInit::new();
            init.set_signal(Some(ctx.signal()));
            let response: web_sys::Response =
                match JsFuture::from(fetch_with_init(&url, &init)).await {
                    Ok(response) => response.unchecked_into(),
                    Err(error) => {
                        sibling_errors.borrow_mut().push(error.clone());
                        return Err(error);
                    }
                };
            if !response.ok() {
                return Err(
                    js_sys::Error::new(&format!("{url}: HTTP {}", response.status())).into(),
                );
            }
            *ok.borrow_mut() += 1;
            Ok(())
        });
    }
    let error = group.wait().await.unwrap_err();
    let message = String::from(error.unchecked_ref::<js_sys::Error>().message());
    assert!(message.ends_with("/status?code=500: HTTP 500"), "{message}");
    let siblings = sibling_errors.take();
    assert_eq!(siblings.len(), 2, "both slow fetches were aborted");
    let reason_itself = common::fetch_rejects_with_the_reason().await;
    assert!(siblings
        .iter()
        .all(|e| common::is_abort_of_fetch(e, &error, reason_itself)));
    assert!(*ok.borrow() >= 2);
    assert_eq!(
        open_on_the_server().await,
        0.0,
        "no request is left open on the server"
    );
}

#[wasm_bindgen_test]
async fn a_parent_timeout_bounds_a_group_of_slow_fetches() {
    let parent = js("", "return AbortSignal.timeout(50)")
        .call0(&JsValue::NULL)
        .unwrap();
    let group = ErrGroup::with_signal(parent).unwrap();
    group.set_limit(1.into()).unwrap();
    let task = js("url", "return (signal) => fetch(url, { signal })")
        .call1(&JsValue::NULL, &format!("{}/slow?ms=5000", origin()).into())
        .unwrap();
    for _ in 0..3 {
        group.go(task.clone()).unwrap();
    }
    let error = settle(group.wait()).await.unwrap_err();
    let name = Reflect::get(&error, &"name".into())
        .unwrap()
        .as_string()
        .unwrap();
    // The running fetch fails with the signal's reason, the parent's
    // TimeoutError, and that is the first failure; WebKit's fetch fails
    // with an AbortError instead.
    let reason_itself = common::fetch_rejects_with_the_reason().await;
    assert_eq!(
        name,
        if reason_itself {
            "TimeoutError"
        } else {
            "AbortError"
        }
    );
    assert_eq!(
        open_on_the_server().await,
        0.0,
        "no request is left open on the server"
    );
}
