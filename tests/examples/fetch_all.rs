use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_errgroup::{Context, Group};

#[wasm_bindgen]
extern "C" {
    // The global `fetch`, present in browsers, workers and Node.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
}

/// Fetches every URL, at most four at a time. The first failure (a network
/// error or a status that is not 2xx) aborts the fetches still running and
/// is returned; the others are skipped.
pub async fn fetch_all(urls: &[String]) -> Result<(), JsValue> {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    group.set_limit(Some(4));
    for url in urls {
        let (url, ctx) = (url.clone(), ctx.clone());
        group.go(async move {
            let init = web_sys::RequestInit::new();
            init.set_signal(Some(ctx.signal()));
            let response: web_sys::Response =
                JsFuture::from(fetch_with_init(&url, &init)).await?.unchecked_into();
            if !response.ok() {
                let message = format!("{url}: HTTP {}", response.status());
                return Err(js_sys::Error::new(&message).into());
            }
            Ok(())
        });
    }
    group.wait().await
}
