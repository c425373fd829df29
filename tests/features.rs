#![cfg(target_arch = "wasm32")]
//! What the class does beyond Go's errgroup: the cases of
//! `tests/js/features-cases.js` (mapIterable, mapSettled, abort(), `await
//! using`, deadlines, counters), in every engine.

mod common;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/tests/js/features-cases.js")]
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
async fn map_iterable_yields_in_input_order() {
    run("mapIterableYieldsInInputOrder").await;
}

#[wasm_bindgen_test]
async fn map_iterable_unordered_yields_in_completion_order() {
    run("mapIterableUnorderedYieldsInCompletionOrder").await;
}

#[wasm_bindgen_test]
async fn map_iterable_pulls_no_more_than_limit_ahead_of_the_consumer() {
    run("mapIterablePullsNoMoreThanLimitAheadOfTheConsumer").await;
}

#[wasm_bindgen_test]
async fn breaking_out_aborts_the_mappers_closes_the_source_and_waits_for_them() {
    run("breakingOutAbortsTheMappersClosesTheSourceAndWaitsForThem").await;
}

#[wasm_bindgen_test]
async fn a_stalled_next_does_not_block_leaving_the_loop() {
    run("aStalledNextDoesNotBlockLeavingTheLoop").await;
}

#[wasm_bindgen_test]
async fn a_throw_in_the_loop_body_stops_the_mapping() {
    run("aThrowInTheLoopBodyStopsTheMapping").await;
}

#[wasm_bindgen_test]
async fn the_first_failure_is_thrown_once_the_running_mappers_ended() {
    run("theFirstFailureIsThrownOnceTheRunningMappersEnded").await;
}

#[wasm_bindgen_test]
async fn an_aborted_signal_ends_the_loop_with_its_reason() {
    run("anAbortedSignalEndsTheLoopWithItsReason").await;
}

#[wasm_bindgen_test]
async fn map_iterable_settled_yields_every_outcome() {
    run("mapIterableSettledYieldsEveryOutcome").await;
}

#[wasm_bindgen_test]
async fn map_iterable_settled_ends_with_the_reason_of_an_abort() {
    run("mapIterableSettledEndsWithTheReasonOfAnAbort").await;
}

#[wasm_bindgen_test]
async fn map_iterable_checks_its_arguments_at_once() {
    run("mapIterableChecksItsArgumentsAtOnce").await;
}

#[wasm_bindgen_test]
async fn map_settled_maps_every_item_whatever_fails() {
    run("mapSettledMapsEveryItemWhateverFails").await;
}

#[wasm_bindgen_test]
async fn an_aborted_map_settled_reports_every_item_pulled() {
    run("anAbortedMapSettledReportsEveryItemPulled").await;
}

#[wasm_bindgen_test]
async fn abort_stops_a_group_with_a_signal_as_its_parent_would() {
    run("abortStopsAGroupWithASignalAsItsParentWould").await;
}

#[wasm_bindgen_test]
async fn abort_stops_a_zero_group_too() {
    run("abortStopsAZeroGroupToo").await;
}

#[wasm_bindgen_test]
async fn await_using_aborts_skips_and_waits_for_running_tasks() {
    run("awaitUsingAbortsSkipsAndWaitsForRunningTasks").await;
}

#[wasm_bindgen_test]
async fn a_failure_nobody_waited_for_is_not_an_unhandled_rejection() {
    run("aFailureNobodyWaitedForIsNotAnUnhandledRejection").await;
}

#[wasm_bindgen_test]
async fn a_deadline_passing_in_the_queue_fails_the_task_uncalled() {
    run("aDeadlinePassingInTheQueueFailsTheTaskUncalled").await;
}

#[wasm_bindgen_test]
async fn a_deadline_passing_while_running_aborts_the_tasks_signal() {
    run("aDeadlinePassingWhileRunningAbortsTheTasksSignal").await;
}

#[wasm_bindgen_test]
async fn a_timed_tasks_signal_aborts_with_its_group() {
    run("aTimedTasksSignalAbortsWithItsGroup").await;
}

#[wasm_bindgen_test]
async fn map_deadlines_count_from_the_pull() {
    run("mapDeadlinesCountFromThePull").await;
}

#[wasm_bindgen_test]
async fn bad_timeouts_are_range_or_type_errors() {
    run("badTimeoutsAreRangeOrTypeErrors").await;
}

#[wasm_bindgen_test]
async fn counters_add_up() {
    run("countersAddUp").await;
}

#[wasm_bindgen_test]
async fn free_skips_a_queue_stuck_behind_zero_once_the_running_tasks_end() {
    run("freeSkipsAQueueStuckBehindZeroOnceTheRunningTasksEnd").await;
}

#[wasm_bindgen_test]
async fn async_dispose_resolves_with_nothing_whatever_the_tasks_did() {
    run("asyncDisposeResolvesWithNothingWhateverTheTasksDid").await;
}

#[wasm_bindgen_test]
async fn a_map_deadline_covers_a_promise_item() {
    run("aMapDeadlineCoversAPromiseItem").await;
}

#[wasm_bindgen_test]
async fn a_task_another_task_starts_runs_on_a_later_microtask() {
    run("aTaskAnotherTaskStartsRunsOnALaterMicrotask").await;
}
