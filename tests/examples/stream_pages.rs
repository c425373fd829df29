use futures::stream::{self, StreamExt};
use gloo_net::http::Request;
use wasm_errgroup::{map_stream_unordered, Context};

/// Fetches every URL, at most four at a time, and hands each body to `show`
/// with its URL's index as soon as it arrives. The first failure stops the
/// others and is returned.
pub async fn stream_pages(
    urls: Vec<String>,
    mut show: impl FnMut(usize, String),
) -> Result<(), String> {
    let parent = Context::background();
    let items = stream::iter(urls.into_iter().enumerate());
    let mut pages = map_stream_unordered(&parent, items, 4, |(i, url), ctx| async move {
        let response = Request::get(&url)
            .abort_signal(Some(ctx.signal()))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        Ok((i, response.text().await.map_err(|e| e.to_string())?))
    });
    while let Some(page) = pages.next().await {
        let (i, text) = page?;
        show(i, text);
    }
    Ok(())
}
