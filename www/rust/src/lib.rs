//! The demo's Rust page (www/rust.html): the page's batch of fetches run by
//! a Rust wasm frontend through `Group` and `Context`, as the README's Rust
//! example does. The page renders what it reports, as it does for the JS
//! class.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_errgroup::{Context, Group};
use web_sys::{AbortSignal, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    // The global `fetch`.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> js_sys::Promise;
}

/// Fetches `paths`, at most `limit` at once (0: no limit), through a
/// `Group`: from `Group::with_context(parent)` if `with_context`, else
/// `Group::new()`. Calls `report(index, state, detail)` as each request
/// runs and ends ("running", "done", "failed", "aborted"). Resolves when
/// `wait()` completes, or rejects with the group's first failure (or the
/// parent's reason, if its abort skipped requests).
#[wasm_bindgen]
pub async fn run_batch(
    paths: Vec<String>,
    limit: u32,
    with_context: bool,
    parent: Option<AbortSignal>,
    report: js_sys::Function,
) -> Result<(), JsValue> {
    let parent = parent.map_or_else(Context::background, Context::from_signal);
    let (group, ctx) = if with_context {
        Group::<JsValue>::with_context(&parent)
    } else {
        (Group::new(), Context::background())
    };
    group.set_limit((limit > 0).then_some(limit as usize));
    for (index, path) in paths.into_iter().enumerate() {
        let (ctx, report) = (ctx.clone(), report.clone());
        group.go(async move {
            let say = |state: &str, detail: &JsValue| {
                let _ = report.call3(&JsValue::NULL, &(index as u32).into(), &state.into(), detail);
            };
            say("running", &JsValue::UNDEFINED);
            let result = fetch_text(index + 1, &path, &ctx).await;
            match &result {
                Ok(()) => say("done", &JsValue::UNDEFINED),
                // Aborted by the group's signal: a failure elsewhere, or the parent.
                Err(_) if ctx.is_aborted() => say("aborted", &ctx.signal().reason()),
                Err(error) => say("failed", error),
            }
            result
        });
    }
    group.wait().await
}

/// Fetches request `id` of the batch, at `path`, with the group's signal.
async fn fetch_text(id: usize, path: &str, ctx: &Context) -> Result<(), JsValue> {
    let init = RequestInit::new();
    init.set_signal(Some(ctx.signal()));
    let response: Response = JsFuture::from(fetch_with_init(path, &init)).await?.unchecked_into();
    if !response.ok() {
        let message = format!("request {id} answered HTTP {}", response.status());
        return Err(js_sys::Error::new(&message).into());
    }
    JsFuture::from(response.text()?).await?;
    Ok(())
}
