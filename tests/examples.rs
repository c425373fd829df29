#![cfg(target_arch = "wasm32")]
//! Runs the examples of the crate documentation and the README against the
//! local test server: Go's three errgroup examples, and a Rust frontend's
//! three tasks (typed results in order, a component's life, a stream). The
//! docs include the same files, so what is shown is what is tested.

mod common;

mod fetch_all {
    include!("examples/fetch_all.rs");
}
mod search {
    include!("examples/search.rs");
}
mod pipeline {
    include!("examples/pipeline.rs");
}
mod fetch_texts {
    include!("examples/fetch_texts.rs");
}
mod component {
    include!("examples/component.rs");
}
mod stream_pages {
    include!("examples/stream_pages.rs");
}

use common::{origin, sleep};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn fetch_all_succeeds_and_reports_the_first_bad_status() {
    let ok: Vec<String> = (0..6)
        .map(|i| format!("{}/ok?delay={i}", origin()))
        .collect();
    assert!(fetch_all::fetch_all(&ok).await.is_ok());
    let mut urls = ok.clone();
    urls.insert(2, format!("{}/status?code=404", origin()));
    urls.push(format!("{}/slow?ms=5000", origin()));
    let error = fetch_all::fetch_all(&urls).await.unwrap_err();
    let message = String::from(error.unchecked_ref::<js_sys::Error>().message());
    assert!(message.ends_with("/status?code=404: HTTP 404"), "{message}");
}

#[wasm_bindgen_test]
async fn search_collects_results_by_index_whatever_the_arrival_order() {
    let backends: Vec<String> = [("web", 20), ("image", 0), ("video", 10)]
        .iter()
        .map(|(kind, delay)| format!("{}/echo?delay={delay}&text={kind}:", origin()))
        .collect();
    let results = search::search(&backends, "golang").await.unwrap();
    assert_eq!(results, ["web:golang", "image:golang", "video:golang"]);
}

#[wasm_bindgen_test]
async fn pipeline_digests_every_file_and_stops_at_the_first_failure() {
    let files: Vec<String> = (0..50).map(|i| format!("file-{i}")).collect();
    let mut digests = pipeline::digest_all(files.clone(), 4).await.unwrap();
    digests.sort();
    let mut names: Vec<_> = digests.iter().map(|(name, _)| name.clone()).collect();
    names.sort();
    let mut expected = files.clone();
    expected.sort();
    assert_eq!(names, expected);

    let mut bad = files;
    bad.insert(10, String::new());
    assert_eq!(
        pipeline::digest_all(bad, 4).await,
        Err("empty file name".to_string())
    );
}

/// How many `/slow` requests are open on the test server, once it has seen
/// every abort (polled for at most a second).
async fn open_on_the_server() -> f64 {
    let mut open = f64::NAN;
    for _ in 0..50 {
        let stats = gloo_net::http::Request::get(&format!("{}/stats", origin()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let stats = js_sys::JSON::parse(&stats).unwrap();
        open = common::num(common::get(&stats, "open"));
        if open == 0.0 {
            break;
        }
        sleep(20).await;
    }
    open
}

#[wasm_bindgen_test]
async fn fetch_texts_returns_the_bodies_in_the_order_of_the_urls() {
    let urls: Vec<String> = [30, 0, 10, 5, 0]
        .iter()
        .enumerate()
        .map(|(i, delay)| format!("{}/echo?delay={delay}&text=page{i}", origin()))
        .collect();
    let texts = fetch_texts::fetch_texts(&urls).await.unwrap();
    assert_eq!(texts, ["page0", "page1", "page2", "page3", "page4"]);
}

#[wasm_bindgen_test]
async fn fetch_texts_returns_the_first_bad_status_and_stops_the_slow_fetches() {
    let urls = vec![
        format!("{}/slow?ms=5000", origin()),
        format!("{}/slow?ms=5000", origin()),
        format!("{}/status?code=503", origin()),
        format!("{}/ok", origin()),
    ];
    let error = fetch_texts::fetch_texts(&urls).await.unwrap_err();
    assert!(error.ends_with("/status?code=503: HTTP 503"), "{error}");
    assert_eq!(
        open_on_the_server().await,
        0.0,
        "the slow fetches were aborted"
    );
}

#[wasm_bindgen_test]
async fn a_panel_shows_its_widgets_once_loaded() {
    let urls = (0..3)
        .map(|i| format!("{}/echo?delay={}&text=w{i}", origin(), 3 - i))
        .collect();
    let panel = component::Panel::open(urls);
    assert_eq!(panel.view(), component::View::Loading);
    for _ in 0..100 {
        if panel.view() != component::View::Loading {
            break;
        }
        sleep(5).await;
    }
    assert_eq!(
        panel.view(),
        component::View::Loaded(vec!["w0".into(), "w1".into(), "w2".into()])
    );
}

#[wasm_bindgen_test]
async fn dropping_a_panel_aborts_every_fetch_it_started() {
    let urls = (0..6)
        .map(|_| format!("{}/slow?ms=5000", origin()))
        .collect();
    let panel = component::Panel::open(urls);
    let view = panel.view_handle();
    sleep(50).await;
    drop(panel);
    assert_eq!(open_on_the_server().await, 0.0, "no request is left open");
    for _ in 0..50 {
        if *view.borrow() != component::View::Loading {
            break;
        }
        sleep(5).await;
    }
    assert!(
        matches!(&*view.borrow(), component::View::Failed(_)),
        "{:?}",
        view.borrow()
    );
}

#[wasm_bindgen_test]
async fn stream_pages_hands_over_each_page_as_it_arrives() {
    let urls = [120, 0, 60]
        .iter()
        .map(|delay| format!("{}/echo?delay={delay}&text=d{delay}", origin()))
        .collect();
    let mut seen = Vec::new();
    stream_pages::stream_pages(urls, |i, text| seen.push((i, text)))
        .await
        .unwrap();
    assert_eq!(
        seen,
        [
            (1, "d0".to_string()),
            (2, "d60".to_string()),
            (0, "d120".to_string())
        ]
    );
}

#[wasm_bindgen_test]
async fn stream_pages_stops_at_the_first_bad_status() {
    let urls = vec![
        format!("{}/ok", origin()),
        format!("{}/status?code=404", origin()),
        format!("{}/slow?ms=5000", origin()),
    ];
    let mut seen = 0;
    let error = stream_pages::stream_pages(urls, |_, _| seen += 1)
        .await
        .unwrap_err();
    assert!(error.ends_with("/status?code=404: HTTP 404"), "{error}");
    assert!(seen <= 1);
    assert_eq!(open_on_the_server().await, 0.0);
}
