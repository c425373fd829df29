#![cfg(target_arch = "wasm32")]
//! Runs the three examples of the crate documentation (Go's errgroup
//! examples) against the local test server. The crate docs include the same
//! files, so what is shown is what is tested.

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

use common::origin;
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
