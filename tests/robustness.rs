#![cfg(target_arch = "wasm32")]
//! One bad call never takes down the others: the cases of
//! `tests/js/robustness-cases.js` (calls on a disposed group, revoked
//! proxies, a million queued tasks, a huge array, the stack's end inside
//! `go()`, a stalled source, a stuck group disposed, many busy groups), in
//! every engine. Each checks that fresh groups still work afterwards.

mod common;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/tests/js/robustness-cases.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2)]
    #[wasm_bindgen(js_name = cases)]
    static CASES: JsValue;
}

async fn run(name: &str, n: Option<u32>) {
    let cases = CASES.with(JsValue::clone);
    common::run_case(&cases, name, n).await;
}

#[wasm_bindgen_test]
async fn calls_on_a_disposed_group_throw() {
    run("callsOnADisposedGroup", None).await;
}

#[wasm_bindgen_test]
async fn revoked_proxies_are_a_type_error() {
    run("revokedProxies", None).await;
}

#[wasm_bindgen_test]
async fn many_queued_tasks_run_once_the_limit_is_raised() {
    run("manyQueuedTasks", Some(200_000)).await;
}

#[wasm_bindgen_test]
async fn map_pulls_a_huge_array_lazily() {
    run("mapOverAHugeArray", Some(2_000_000)).await;
}

#[wasm_bindgen_test]
async fn the_stacks_end_inside_go_never_wedges_a_group() {
    run("stackExhaustionInsideGo", Some(20)).await;
}

#[wasm_bindgen_test]
async fn map_over_a_stalled_source_settles_and_closes_it() {
    run("mapOverAStalledSource", None).await;
}

#[wasm_bindgen_test]
async fn map_stops_without_waiting_for_pending_items() {
    run("mapStopsWithoutWaitingForItems", None).await;
}

#[wasm_bindgen_test]
async fn map_over_user_code_that_aborts_or_throws_settles_once() {
    run("mapOverUserCodeThatAbortsOrThrows", None).await;
}

#[wasm_bindgen_test]
async fn a_stuck_group_disposed_settles_its_promises() {
    run("stuckTasksOfADisposedGroup", None).await;
}

#[wasm_bindgen_test]
async fn smaller_misuses_get_what_the_docs_say() {
    run("smallerOnes", None).await;
}

#[wasm_bindgen_test]
async fn as_many_groups_can_be_busy_as_memory_holds() {
    run("manyBusyGroups", Some(100_000)).await;
}

#[wasm_bindgen_test]
async fn a_source_that_throws_as_it_starts_leaves_no_listener() {
    run("aSourceThatThrowsAsItStartsLeavesNoListener", None).await;
}
