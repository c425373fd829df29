//! The calls the JS class makes into the core: numbers in, one number out.
//!
//! `ErrGroup` (src/js/errgroup.js) keeps every value of its group in JS:
//! the queued tasks, the first error, the signal, the promises it handed
//! out, and the group's state in four numbers: `bits` (see
//! [`State::bits`]), `active` (tasks holding a slot), `queued` (tasks
//! waiting for one) and `limit` (`Infinity` for none). It hands them to
//! every call here, which decides with the same [`State`] the Rust `Group`
//! runs and answers what to do and the new `bits` (the layout is in
//! [`protocol`]). The class applies the answer before it calls again.
//!
//! So the core is pure functions on numbers: no memory, no globals, no
//! table of groups, and no function that calls another. A call cannot
//! leave anything behind, whether it returns, traps, or is stopped at its
//! entry by a full JS stack (the one place an engine stops a call that
//! calls nothing); no JS value or exception ever enters it; and a group
//! holds nothing in the instance, busy or not. scripts/build-pkg.mjs checks
//! the built module for all of this.

mod protocol;

use wasm_bindgen::prelude::*;

use crate::state::{Admit, Cause, Count, Ended, Outcome, Settle, State, Status};
use protocol::*;

/// The group the class describes. A limit past `usize::MAX` (`as`
/// saturates, `Infinity` included) is no limit. Inlined, as everything
/// here is: no function of the core calls another.
#[inline(always)]
fn group(bits: u32, active: u32, queued: u32, limit: f64) -> State<Count> {
    #[cfg(feature = "test-hooks")]
    if limit == TRAP_LIMIT {
        core::arch::wasm32::unreachable();
    }
    let limit = limit as usize;
    State::from_parts(
        bits,
        active as usize,
        queued as usize,
        (limit != usize::MAX).then_some(limit),
    )
}

/// A limit that makes every call trap, in builds with the `test-hooks`
/// feature, never in the npm package: tests/js/ see what a trap does.
#[cfg(feature = "test-hooks")]
const TRAP_LIMIT: f64 = 57_005.0;

#[inline(always)]
fn answer(state: &State<Count>, code: u32) -> u32 {
    state.bits() | code << CODE_SHIFT
}

/// `go()`: takes a new task. Answers [`ADMIT_NOW`], [`ADMIT_QUEUED`],
/// [`ADMIT_SKIP`] or [`ADMIT_CLOSED`].
#[wasm_bindgen]
pub fn go(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let code = match state.go(()) {
        Admit::Now(()) => ADMIT_NOW,
        Admit::Queued => ADMIT_QUEUED,
        Admit::Skip(()) => ADMIT_SKIP,
        Admit::Closed(()) => ADMIT_CLOSED,
    };
    answer(&state, code)
}

/// `tryGo()`: admits a new task only if `go` would admit it now. Answers
/// [`ADMIT_NOW`] or [`ADMIT_NOT_NOW`].
#[wasm_bindgen]
pub fn try_go(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let code = if state.try_go() {
        ADMIT_NOW
    } else {
        ADMIT_NOT_NOW
    };
    answer(&state, code)
}

/// An admitted task is about to be called, and the group has stopped
/// since it was admitted (the class asks only then). Answers
/// [`START_RUN`] or [`START_SKIP`].
#[wasm_bindgen]
pub fn start(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let code = if state.start() { START_RUN } else { START_SKIP };
    answer(&state, code)
}

/// A task ended: it returned, or what it returned fulfilled. Answers a
/// step (see [`step`]).
#[wasm_bindgen]
pub fn end(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    state.end(false);
    steps(state)
}

// The calls below are rare (once per failure or group): they answer
// [`STEP_ABORT`] or [`STEP_MORE`], and the class then calls `step`, so
// that only `end` and `step` carry a copy of its code.

/// A task failed: it threw, or what it returned rejected. Answers as
/// [`failure`] says.
#[wasm_bindgen]
pub fn fail(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let ended = state.end(true);
    failure(&state, ended)
}

/// A queued task's deadline passed: it leaves the queue (the class takes
/// it out) and fails, never started. Answers as [`failure`] says.
#[wasm_bindgen]
pub fn expire(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let ended = state.expire();
    failure(&state, ended)
}

/// The answer to a failure: [`KEEP`] if it is the first, and
/// [`STEP_ABORT`] if that aborts the signal, else [`STEP_MORE`].
#[inline(always)]
fn failure(state: &State<Count>, ended: Ended) -> u32 {
    match ended {
        Ended::Quietly => answer(state, STEP_MORE),
        Ended::FirstFailure => answer(state, STEP_MORE) | KEEP,
        Ended::FirstFailureAborts => answer(state, STEP_ABORT) | KEEP,
    }
}

/// The parent aborted, or `abort()` was called. Answers [`STEP_ABORT`] if
/// the group stopped now, else [`STEP_MORE`].
#[wasm_bindgen]
pub fn cancel(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    let code = if state.abort(Cause::Cancel) {
        STEP_ABORT
    } else {
        STEP_MORE
    };
    answer(&state, code)
}

/// `wait()` was called. Answers [`STEP_MORE`].
#[wasm_bindgen]
pub fn wait(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    let mut state = group(bits, active, queued, limit);
    state.wait();
    answer(&state, STEP_MORE)
}

/// What to do now: admit or skip the oldest queued tasks (COUNT of them),
/// then how the group stands: a `STEP_*` code, and [`READY`] if `go`
/// would answer at once.
#[wasm_bindgen]
pub fn step(bits: u32, active: u32, queued: u32, limit: f64) -> u32 {
    steps(group(bits, active, queued, limit))
}

#[inline(always)]
fn steps(mut state: State<Count>) -> u32 {
    let (count, skip) = state.next_many(COUNT_MAX as usize);
    let code = if state.has_next() {
        STEP_MORE
    } else {
        match state.settle() {
            Settle::No if state.status() == Status::Stuck => STEP_STUCK,
            Settle::No => STEP_BUSY,
            Settle::Closes => STEP_CLOSES,
            Settle::Idle(Outcome::Done) => STEP_DONE,
            Settle::Idle(Outcome::Failed) => STEP_FAILED,
            Settle::Idle(Outcome::Cancelled) => STEP_CANCELLED,
        }
    };
    let skip = if skip && count > 0 { SKIP } else { 0 };
    let count = count as u32;
    let ready = if state.ready() { READY } else { 0 };
    answer(&state, code) | skip | ready | count << COUNT_SHIFT
}

/// What the class gets back when it hands over a whole state: the tests
/// of `steps` on the host.
#[cfg(test)]
mod tests {
    use super::*;

    fn decode(answer: u32) -> (u32, u32, u32) {
        (
            answer & STATE,
            answer >> CODE_SHIFT & CODE_MASK,
            answer >> COUNT_SHIFT,
        )
    }

    #[test]
    fn go_answers_the_admission_and_the_new_state() {
        assert_eq!(decode(go(NEW_ZERO_GROUP, 0, 0, f64::INFINITY)).1, ADMIT_NOW);
        assert_eq!(decode(go(NEW_ZERO_GROUP, 2, 0, 2.0)).1, ADMIT_QUEUED);
        assert_eq!(decode(go(NEW_ZERO_GROUP, 0, 1, 2.0)).1, ADMIT_QUEUED);
        assert_eq!(decode(try_go(NEW_ZERO_GROUP, 0, 1, 2.0)).1, ADMIT_NOT_NOW);
        let stopped = decode(cancel(NEW_SIGNAL_GROUP, 0, 0, 1.0));
        assert_eq!(stopped.1, STEP_ABORT);
        assert_eq!(
            decode(cancel(stopped.0, 0, 0, 1.0)).1,
            STEP_MORE,
            "only the first cancel stops"
        );
        assert_eq!(decode(go(stopped.0, 0, 0, 1.0)).1, ADMIT_SKIP);
    }

    #[test]
    fn a_limit_past_u32_or_infinity_is_no_limit() {
        for limit in [f64::INFINITY, 4_294_967_296.0, 1e300] {
            assert_eq!(
                decode(go(NEW_ZERO_GROUP, u32::MAX - 1, 0, limit)).1,
                ADMIT_NOW
            );
        }
        assert_eq!(decode(go(NEW_ZERO_GROUP, 3, 0, 3.0)).1, ADMIT_QUEUED);
    }

    #[test]
    fn a_task_end_admits_the_next_queued_task_in_the_same_answer() {
        let (bits, code, count) = decode(end(NEW_ZERO_GROUP, 1, 5, 1.0));
        assert_eq!((bits, code, count), (NEW_ZERO_GROUP, STEP_BUSY, 1));
        assert_eq!(decode(end(NEW_ZERO_GROUP, 1, 0, 1.0)).1, STEP_DONE);
    }

    #[test]
    fn the_first_failure_of_a_signal_group_aborts_first_then_skips_the_queue() {
        let first = fail(NEW_SIGNAL_GROUP, 1, 3, 1.0);
        assert_eq!(first & KEEP, KEEP);
        let (bits, code, _) = decode(first);
        assert_eq!(code, STEP_ABORT);
        assert_ne!(bits & STOPPED, 0);
        let next = step(bits, 0, 3, 1.0);
        assert_eq!(next & SKIP, SKIP);
        assert_eq!(decode(next).2, 3);
        assert_eq!(decode(next).1, STEP_FAILED);
        assert_eq!(
            fail(bits, 1, 0, 1.0) & KEEP,
            0,
            "a second failure is not kept"
        );
    }

    #[test]
    fn a_failure_in_a_zero_group_is_kept_and_the_queue_runs_on() {
        let answer = fail(NEW_ZERO_GROUP, 1, 2, 1.0);
        assert_eq!(answer & (KEEP | SKIP), KEEP);
        assert_eq!(decode(answer).1, STEP_MORE);
        let next = step(answer & STATE, 0, 2, 1.0);
        assert_eq!(next & SKIP, 0);
        assert_eq!((decode(next).1, decode(next).2), (STEP_BUSY, 1));
    }

    #[test]
    fn wait_on_an_idle_signal_group_closes_it() {
        let (bits, code, _) = decode(wait(NEW_SIGNAL_GROUP, 0, 0, f64::INFINITY));
        assert_eq!(code, STEP_MORE);
        let (bits, code, _) = decode(step(bits, 0, 0, f64::INFINITY));
        assert_eq!(code, STEP_CLOSES);
        assert_eq!(decode(go(bits, 0, 0, f64::INFINITY)).1, ADMIT_CLOSED);
        assert_eq!(decode(step(bits, 0, 0, f64::INFINITY)).1, STEP_DONE);
        let zero = decode(wait(NEW_ZERO_GROUP, 0, 0, f64::INFINITY)).0;
        assert_eq!(decode(step(zero, 0, 0, f64::INFINITY)).1, STEP_DONE);
    }

    #[test]
    fn ready_says_whether_go_would_answer_at_once() {
        assert_ne!(step(NEW_ZERO_GROUP, 0, 0, 1.0) & READY, 0);
        assert_eq!(step(NEW_ZERO_GROUP, 1, 0, 1.0) & READY, 0);
        assert_eq!(step(NEW_ZERO_GROUP, 0, 1, 0.0) & READY, 0);
        let stopped = decode(cancel(NEW_SIGNAL_GROUP, 1, 0, 1.0)).0;
        assert_ne!(
            step(stopped, 1, 0, 1.0) & READY,
            0,
            "a stopped group skips at once"
        );
    }

    #[test]
    fn a_queue_behind_a_limit_of_0_is_stuck_until_the_limit_is_raised() {
        assert_eq!(decode(step(NEW_ZERO_GROUP, 0, 4, 0.0)).1, STEP_STUCK);
        assert_eq!(
            decode(step(NEW_ZERO_GROUP, 0, 4, 2.0)),
            (NEW_ZERO_GROUP, STEP_BUSY, 2)
        );
    }

    #[test]
    fn more_queued_tasks_than_one_answer_counts_take_more_steps() {
        let queued = COUNT_MAX + 3;
        let first = decode(step(NEW_ZERO_GROUP, 0, queued, f64::INFINITY));
        assert_eq!((first.1, first.2), (STEP_MORE, COUNT_MAX));
        let rest = decode(step(first.0, COUNT_MAX, 3, f64::INFINITY));
        assert_eq!((rest.1, rest.2), (STEP_BUSY, 3));
    }

    #[test]
    fn an_admitted_task_of_a_stopped_group_is_skipped_at_its_start() {
        let stopped = decode(cancel(NEW_SIGNAL_GROUP, 1, 0, 1.0)).0;
        let (bits, code, _) = decode(start(stopped, 1, 0, 1.0));
        assert_eq!(code, START_SKIP);
        assert_eq!(decode(step(bits, 0, 0, 1.0)).1, STEP_CANCELLED);
        assert_eq!(decode(start(NEW_SIGNAL_GROUP, 1, 0, 1.0)).1, START_RUN);
    }
}
