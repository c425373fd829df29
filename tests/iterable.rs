#![cfg(target_arch = "wasm32")]
//! `ErrGroup.mapIterable` as an async iterator: the cases of
//! `tests/js/iterable-cases.js` (what p-map's tests check of `pMapIterable`,
//! and the iterator's own methods), in every engine.

mod common;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/tests/js/iterable-cases.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2)]
    #[wasm_bindgen(js_name = cases)]
    static CASES: JsValue;
}

async fn run(name: &str) {
    let cases = CASES.with(JsValue::clone);
    common::run_case(&cases, name, None).await;
}

#[wasm_bindgen_test]
async fn results_come_in_input_order_with_their_indexes() {
    run("resultsComeInInputOrderWithTheirIndexes").await;
}

#[wasm_bindgen_test]
async fn many_results_waiting_for_a_consumer_stay_in_order() {
    run("manyResultsWaitingForAConsumerStayInOrder").await;
}

#[wasm_bindgen_test]
async fn a_source_whose_next_rejects_rejects_next() {
    run("aSourceWhoseNextRejectsRejectsNext").await;
}

#[wasm_bindgen_test]
async fn a_failure_ends_the_stream_after_the_results_before_it() {
    run("aFailureEndsTheStreamAfterTheResultsBeforeIt").await;
}

#[wasm_bindgen_test]
async fn no_unhandled_rejection_from_a_next_left_pending_by_a_failure() {
    run("noUnhandledRejectionFromANextLeftPendingByAFailure").await;
}

#[wasm_bindgen_test]
async fn the_limit_bounds_how_many_mappers_run() {
    run("theLimitBoundsHowManyMappersRun").await;
}

#[wasm_bindgen_test]
async fn a_slow_consumer_holds_at_most_limit_results() {
    run("aSlowConsumerHoldsAtMostLimitResults").await;
}

#[wasm_bindgen_test]
async fn leaving_the_loop_stops_pulling_and_mapping() {
    run("leavingTheLoopStopsPullingAndMapping").await;
}

#[wasm_bindgen_test]
async fn the_running_mappers_settle_before_the_loop_exits() {
    run("theRunningMappersSettleBeforeTheLoopExits").await;
}

#[wasm_bindgen_test]
async fn input_that_arrives_after_the_stop_is_never_mapped() {
    run("inputThatArrivesAfterTheStopIsNeverMapped").await;
}

#[wasm_bindgen_test]
async fn a_pending_earlier_item_is_dropped_when_a_later_mapper_fails() {
    run("aPendingEarlierItemIsDroppedWhenALaterMapperFails").await;
}

#[wasm_bindgen_test]
async fn the_source_is_closed_once_and_only_when_it_must_be() {
    run("theSourceIsClosedOnceAndOnlyWhenItMustBe").await;
}

#[wasm_bindgen_test]
async fn a_source_whose_return_rejects_does_not_trouble_the_consumer() {
    run("aSourceWhoseReturnRejectsDoesNotTroubleTheConsumer").await;
}

#[wasm_bindgen_test]
async fn a_source_blocked_in_next_does_not_hold_the_exit() {
    run("aSourceBlockedInNextDoesNotHoldTheExit").await;
}

#[wasm_bindgen_test]
async fn next_calls_that_overlap_are_served_in_order() {
    run("nextCallsThatOverlapAreServedInOrder").await;
}

#[wasm_bindgen_test]
async fn return_or_throw_before_the_first_next_runs_nothing() {
    run("returnOrThrowBeforeTheFirstNextRunsNothing").await;
}

#[wasm_bindgen_test]
async fn return_awaits_its_value_as_an_async_generator_does() {
    run("returnAwaitsItsValueAsAnAsyncGeneratorDoes").await;
}

#[wasm_bindgen_test]
async fn throw_leaves_as_return_and_rejects_with_its_value() {
    run("throwLeavesAsReturnAndRejectsWithItsValue").await;
}

#[wasm_bindgen_test]
async fn await_using_the_stream_leaves_nothing_running() {
    run("awaitUsingTheStreamLeavesNothingRunning").await;
}
