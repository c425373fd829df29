//! Rust bindings for `WorkerPool` of `wasm-errgroup/workers`, taking a
//! [`Context`]: the raw binding, and [`run`], a future.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_errgroup::Context;

#[wasm_bindgen]
extern "C" {
    /// A `WorkerPool` of `wasm-errgroup/workers`, made in JS and handed to
    /// Rust.
    #[wasm_bindgen(typescript_type = "WorkerPool")]
    pub type WorkerPool;

    #[wasm_bindgen(method, js_name = run)]
    fn run_with_options(
        this: &WorkerPool,
        name: &str,
        input: &JsValue,
        options: &Object,
    ) -> Promise;
}

/// Runs handler `name` of `pool`'s workers on `input`, with `ctx`'s signal:
/// `pool.run(name, input, { signal })`. Resolves with the handler's result,
/// or fails with its error; once `ctx` aborts, fails with its reason, only
/// after the handler has ended or its worker is gone.
///
/// # Cancellation
///
/// Dropping the future cancels nothing: the run goes on in its worker.
/// Abort `ctx` to stop it.
pub async fn run(
    pool: &WorkerPool,
    name: &str,
    input: &JsValue,
    ctx: &Context,
) -> Result<JsValue, JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), ctx.signal())?;
    JsFuture::from(pool.run_with_options(name, input, &options)).await
}
