#![cfg(target_arch = "wasm32")]
//! Signals from another realm: an iframe's `AbortController`, whose signals
//! fail `instanceof AbortSignal` in this one. Browsers only (Node has no
//! iframes).

mod common;

use common::ErrGroup;
use common::{js, same, settle};
use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A new `AbortController` made by an iframe's realm.
fn foreign_controller() -> JsValue {
    js(
        "",
        "const frame = document.createElement('iframe');
         document.body.appendChild(frame);
         const controller = new frame.contentWindow.AbortController();
         if (controller.signal instanceof AbortSignal) throw new Error('same realm');
         return controller;",
    )
    .call0(&JsValue::NULL)
    .unwrap()
}

fn abort(controller: &JsValue, reason: &JsValue) {
    js("c, r", "c.abort(r)")
        .call2(&JsValue::NULL, controller, reason)
        .unwrap();
}

fn signal_of(controller: &JsValue) -> JsValue {
    js_sys::Reflect::get(controller, &"signal".into()).unwrap()
}

#[wasm_bindgen_test]
async fn with_signal_takes_an_iframes_signal_and_follows_its_abort() {
    let controller = foreign_controller();
    let group = ErrGroup::with_signal(signal_of(&controller)).expect("accepted");
    group.set_limit(JsValue::from(0)).unwrap();
    let called = js("", "return () => { throw new Error('must not run'); }")
        .call0(&JsValue::NULL)
        .unwrap();
    group.go(called).unwrap();
    let wait = group.wait();
    let reason = js_sys::Error::new("stop");
    abort(&controller, &reason);
    let outcome = settle(wait).await;
    assert!(
        same(&outcome.unwrap_err(), &reason),
        "wait() rejects with the parent's reason"
    );
    assert!(group.signal().aborted());
    assert!(same(&group.signal().reason(), &reason));
}

#[wasm_bindgen_test]
async fn map_takes_an_iframes_signal() {
    let controller = foreign_controller();
    let options = js("signal", "return { limit: 1, signal }")
        .call1(&JsValue::NULL, &signal_of(&controller))
        .unwrap();
    let mapper: Function = js("", "return async (x) => x * 2")
        .call0(&JsValue::NULL)
        .unwrap()
        .unchecked_into();
    let items = Array::of3(&1.into(), &2.into(), &3.into());
    let result = settle(ErrGroup::map(items.into(), mapper.into(), options))
        .await
        .expect("fulfils");
    let doubled: Vec<f64> = Array::from(&result)
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(doubled, [2.0, 4.0, 6.0]);
}

#[wasm_bindgen_test]
fn a_look_alike_that_is_no_signal_is_still_a_type_error() {
    let fake = js("", "return { aborted: false, addEventListener() {} }")
        .call0(&JsValue::NULL)
        .unwrap();
    let error = ErrGroup::with_signal(fake).unwrap_err();
    assert!(error.is_instance_of::<js_sys::TypeError>());
}
