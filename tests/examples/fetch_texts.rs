use gloo_net::http::Request;
use wasm_errgroup::{map, Context};

/// Fetches every URL, at most four at a time, and returns the bodies in the
/// order of `urls`. The first failure (a network error or a status that is
/// not 2xx) aborts the fetches still running, starts no other, and is
/// returned once they have ended.
pub async fn fetch_texts(urls: &[String]) -> Result<Vec<String>, String> {
    map(&Context::background(), urls, 4, |url, ctx| async move {
        let response = Request::get(url)
            .abort_signal(Some(ctx.signal()))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        response.text().await.map_err(|e| e.to_string())
    })
    .await
}
