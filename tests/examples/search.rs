use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_errgroup::{Context, Group};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_url(url: &str, init: &web_sys::RequestInit) -> js_sys::Promise;
}

/// Queries every search backend in parallel and returns their answers in
/// the order of `backends`, whatever order they arrive in.
pub async fn search(backends: &[String], query: &str) -> Result<Vec<String>, JsValue> {
    let (group, ctx) = Group::<JsValue>::with_context(&Context::background());
    let results = Rc::new(RefCell::new(vec![String::new(); backends.len()]));
    for (i, backend) in backends.iter().enumerate() {
        let url = format!("{backend}{query}");
        let (results, ctx) = (results.clone(), ctx.clone());
        group.go(async move {
            let init = web_sys::RequestInit::new();
            init.set_signal(Some(ctx.signal()));
            let response: web_sys::Response =
                JsFuture::from(fetch_url(&url, &init)).await?.unchecked_into();
            let text = JsFuture::from(response.text()?).await?;
            results.borrow_mut()[i] = text.as_string().unwrap_or_default();
            Ok(())
        });
    }
    group.wait().await?;
    Ok(results.take())
}
