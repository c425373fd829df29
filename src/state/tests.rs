//! The state machine on the host: `cargo test` runs these in milliseconds,
//! with no browser and no built core. Each test checks one rule of the
//! contract; `schedules_keep_every_rule` plays random schedules against
//! all of them at once.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use super::*;

/// A group whose tasks are numbered.
fn group(signal: bool, limit: Option<usize>) -> State<VecDeque<u32>> {
    let mut state = State::new(signal, VecDeque::new());
    state.set_limit(limit);
    state
}

/// Everything `next` hands back now.
fn drain(state: &mut State<VecDeque<u32>>) -> Vec<Next<u32>> {
    core::iter::from_fn(|| state.next()).collect()
}

#[test]
fn admission_follows_one_rule_for_go_try_go_and_ready() {
    /// (signal, limit, active tasks, queued tasks, cancelled, closed) -> what go does
    type Case = (bool, Option<usize>, usize, usize, bool, bool, &'static str);
    let table: &[Case] = &[
        (false, None, 0, 0, false, false, "now"),
        (false, Some(2), 1, 0, false, false, "now"),
        (false, Some(2), 2, 0, false, false, "queued"),
        (false, Some(0), 0, 0, false, false, "queued"),
        (false, Some(2), 1, 1, false, false, "queued"), // FIFO: never ahead of the queue
        (true, Some(2), 0, 0, true, false, "skip"),
        (false, Some(2), 0, 0, true, false, "skip"), // a cancelled zero group skips too
        (true, None, 0, 0, false, true, "closed"),
    ];
    for &(signal, limit, active, queued, cancelled, closed, expected) in table {
        let mut state = group(signal, None);
        for task in 0..active as u32 {
            assert_eq!(state.go(task), Admit::Now(task));
        }
        state.set_limit(Some(active));
        for task in 0..queued as u32 {
            assert_eq!(state.go(100 + task), Admit::Queued);
        }
        state.set_limit(limit);
        if closed {
            state.wait();
            assert_eq!(state.settle(), Settle::Closes);
        }
        if cancelled {
            assert!(state.abort(Cause::Cancel));
        }
        let ready = state.ready();
        let mut trial = state.clone();
        let tried = trial.try_go();
        let answer = match state.go(7) {
            Admit::Now(_) => "now",
            Admit::Queued => "queued",
            Admit::Skip(_) => "skip",
            Admit::Closed(_) => "closed",
        };
        let case = (signal, limit, active, queued, cancelled, closed);
        assert_eq!(answer, expected, "go {case:?}");
        assert_eq!(ready, expected != "queued", "ready {case:?}");
        assert_eq!(tried, expected == "now", "try_go {case:?}");
        assert_eq!(
            trial.active(),
            active + usize::from(tried),
            "try_go counts {case:?}"
        );
    }
}

#[test]
fn queued_tasks_are_admitted_in_fifo_order_as_slots_free() {
    let mut state = group(false, Some(2));
    for task in 0..5 {
        state.go(task);
    }
    assert_eq!(state.active(), 2);
    assert_eq!(state.queued(), 3);
    assert_eq!(drain(&mut state), []);
    state.end(false);
    assert_eq!(drain(&mut state), [Next::Admit(2)]);
    state.end(false);
    state.end(false);
    assert_eq!(drain(&mut state), [Next::Admit(3), Next::Admit(4)]);
    assert_eq!(state.active(), 2);
}

#[test]
fn raising_the_limit_admits_queued_tasks_and_lowering_it_interrupts_nothing() {
    let mut state = group(false, Some(0));
    for task in 0..4 {
        assert_eq!(state.go(task), Admit::Queued);
    }
    assert_eq!(state.status(), Status::Stuck);
    state.set_limit(Some(3));
    assert_eq!(
        drain(&mut state),
        [Next::Admit(0), Next::Admit(1), Next::Admit(2)]
    );
    state.set_limit(Some(1));
    assert_eq!(state.active(), 3);
    state.end(false);
    state.end(false);
    assert_eq!(drain(&mut state), []);
    state.end(false);
    assert_eq!(drain(&mut state), [Next::Admit(3)]);
}

#[test]
fn the_first_failure_aborts_a_group_with_a_signal_and_later_ones_are_quiet() {
    let mut state = group(true, Some(1));
    state.go(0);
    state.go(1);
    state.go(2);
    assert_eq!(state.end(true), Ended::FirstFailureAborts);
    assert_eq!(state.aborted(), Some(Cause::Failure));
    assert_eq!(drain(&mut state), [Next::Skip(1), Next::Skip(2)]);
    assert_eq!(state.outcome(), Outcome::Failed);
    state.go(3);
    assert_eq!(
        state.end(true),
        Ended::Quietly,
        "a second failure is not kept"
    );
}

#[test]
fn a_zero_group_keeps_running_queued_tasks_after_a_failure() {
    let mut state = group(false, Some(1));
    state.go(0);
    state.go(1);
    assert_eq!(state.end(true), Ended::FirstFailure);
    assert_eq!(state.aborted(), None);
    assert_eq!(drain(&mut state), [Next::Admit(1)]);
    state.end(false);
    assert_eq!(state.settle(), Settle::Idle(Outcome::Failed));
}

#[test]
fn a_cancel_that_skips_work_is_the_outcome_unless_a_task_failed() {
    for (fail_first, expected) in [(false, Outcome::Cancelled), (true, Outcome::Failed)] {
        let mut state = group(true, Some(1));
        state.go(0);
        state.go(1);
        if fail_first {
            state.end(true);
            state.go(2);
        }
        state.abort(Cause::Cancel);
        drain(&mut state);
        if !fail_first {
            state.end(false);
        }
        assert_eq!(state.settle(), Settle::Idle(expected));
    }
}

#[test]
fn a_cancel_that_skipped_nothing_leaves_the_outcome_done() {
    let mut state = group(true, None);
    state.go(0);
    assert!(state.abort(Cause::Cancel));
    state.end(false);
    assert_eq!(state.settle(), Settle::Idle(Outcome::Done));
}

#[test]
fn an_admitted_task_that_has_not_started_is_skipped_after_an_abort() {
    let mut state = group(true, None);
    state.go(0);
    state.abort(Cause::Cancel);
    assert!(!state.start());
    assert_eq!(state.active(), 0);
    assert_eq!(state.outcome(), Outcome::Cancelled);
    let mut running = group(true, None);
    running.go(0);
    assert!(running.start());
}

#[test]
fn only_the_first_abort_counts() {
    let mut state = group(true, None);
    assert!(state.abort(Cause::Cancel));
    assert!(!state.abort(Cause::Cancel));
    assert!(!state.abort(Cause::Failure));
    assert_eq!(state.aborted(), Some(Cause::Cancel));
    let mut zero = group(false, None);
    assert!(
        !zero.abort(Cause::Failure),
        "a failure never stops a zero group"
    );
    assert!(!zero.abort(Cause::Settled));
    assert!(zero.abort(Cause::Cancel), "a cancel stops any group");
}

#[test]
fn a_group_with_a_signal_closes_once_idle_after_wait() {
    let mut state = group(true, None);
    state.go(0);
    state.wait();
    assert_eq!(state.settle(), Settle::No);
    assert_eq!(
        state.go(1),
        Admit::Now(1),
        "wait does not close a busy group"
    );
    state.end(false);
    state.end(false);
    assert_eq!(state.settle(), Settle::Closes);
    assert_eq!(state.aborted(), Some(Cause::Settled));
    assert_eq!(state.go(2), Admit::Closed(2));
    assert!(!state.try_go());
    assert_eq!(
        state.settle(),
        Settle::Idle(Outcome::Done),
        "every later settle reports the same"
    );
}

#[test]
fn a_group_that_aborted_before_it_settled_closes_without_aborting_again() {
    let mut state = group(true, None);
    state.go(0);
    state.end(true);
    state.wait();
    assert_eq!(state.settle(), Settle::Idle(Outcome::Failed));
    assert_eq!(state.go(1), Admit::Closed(1));
}

#[test]
fn a_zero_group_is_never_closed_and_can_be_reused() {
    let mut state = group(false, None);
    state.wait();
    assert_eq!(state.settle(), Settle::Idle(Outcome::Done));
    assert_eq!(state.go(0), Admit::Now(0));
}

#[test]
fn status_tells_busy_stuck_and_idle_apart() {
    let mut state = group(false, Some(0));
    assert_eq!(state.status(), Status::Idle);
    state.go(0);
    assert_eq!(state.status(), Status::Stuck);
    state.set_limit(Some(1));
    drain(&mut state);
    assert_eq!(state.status(), Status::Busy);
    state.end(false);
    assert_eq!(state.status(), Status::Idle);
    let mut cancelled = group(false, Some(0));
    cancelled.go(0);
    cancelled.abort(Cause::Cancel);
    assert_eq!(
        cancelled.status(),
        Status::Busy,
        "queued tasks are about to be skipped"
    );
    assert_eq!(drain(&mut cancelled), [Next::Skip(0)]);
    assert_eq!(cancelled.status(), Status::Idle);
}

#[test]
fn a_queued_task_whose_deadline_passes_leaves_the_queue_and_fails() {
    let mut state = State::new(true, Count(0));
    state.set_limit(Some(1));
    state.go(());
    state.go(());
    state.go(());
    assert_eq!(state.expire(), Ended::FirstFailureAborts);
    assert_eq!((state.active(), state.queued()), (1, 1));
    assert_eq!(
        state.next(),
        Some(Next::Skip(())),
        "the failure stopped the group"
    );
    let mut zero = State::new(false, Count(0));
    zero.set_limit(Some(0));
    zero.go(());
    assert_eq!(zero.expire(), Ended::FirstFailure);
    assert_eq!(
        zero.expire(),
        Ended::Quietly,
        "only the first failure is kept"
    );
    assert_eq!(zero.status(), Status::Idle);
}

#[test]
fn next_many_hands_back_what_next_would_one_by_one() {
    let mut rng = Rng(0x5eed);
    for _ in 0..2_000 {
        let mut state = State::new(rng.below(2) == 0, Count(0));
        state.set_limit(Some(rng.below(4) as usize));
        for _ in 0..rng.below(8) {
            state.go(());
        }
        state.set_limit([None, Some(0), Some(2), Some(5)][rng.below(4) as usize]);
        if rng.below(3) == 0 {
            state.abort(Cause::Cancel);
        }
        let mut one_by_one = state.clone();
        let mut expected = (0, false);
        while let Some(next) = one_by_one.next() {
            expected = (expected.0 + 1, matches!(next, Next::Skip(())));
        }
        let max = rng.below(6) as usize;
        let mut batch = state.clone();
        let (count, skip) = batch.next_many(max);
        assert_eq!(count, expected.0.min(max));
        if count > 0 {
            assert_eq!(skip, expected.1);
        }
        assert_eq!(batch.has_next(), expected.0 > max);
        if count == expected.0 {
            assert_eq!(batch, one_by_one, "the same state either way");
        }
    }
}

#[test]
fn bits_carry_everything_but_the_counts_and_the_limit() {
    let mut states = Vec::new();
    for signal in [false, true] {
        let mut state = State::new(signal, Count(0));
        states.push(state.clone());
        state.go(());
        state.go(());
        state.end(true);
        states.push(state.clone());
        state.abort(Cause::Cancel);
        state.go(());
        states.push(state.clone());
        state.wait();
        states.push(state.clone());
        while state.next().is_some() {}
        state.end(false);
        state.settle();
        states.push(state.clone());
    }
    let mut settled = State::new(true, Count(0));
    settled.wait();
    settled.settle();
    states.push(settled);
    for state in states {
        let bits = state.bits();
        assert!(bits < 1 << bit::WIDTH);
        let back = State::from_parts(bits, state.active(), state.queued(), state.limit());
        assert_eq!(back, state);
    }
}

/// A tiny xorshift generator: the schedules are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// 2,000 random schedules of go, try_go, starts, ends, limits, cancels and
/// waits. After every step: no more than `limit` tasks were admitted from
/// the queue, the queue is FIFO, nothing is admitted after an abort, only
/// a cancel makes skipped work the outcome, and `settle` agrees with the
/// counts.
#[test]
fn schedules_keep_every_rule() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2_000 {
        let signal = rng.below(2) == 0;
        let mut state = State::new(signal, VecDeque::new());
        let mut limit = None;
        let mut admitted: Vec<u32> = Vec::new(); // admitted, not started
        let mut running = 0usize;
        let mut queued: VecDeque<u32> = VecDeque::new(); // the model's queue

        let mut failed = false;
        let mut cancelled_skip = false;
        let mut waited = false;
        let mut closed = false;
        for task in 0..60 {
            match rng.below(9) {
                0 | 1 => match state.go(task) {
                    Admit::Now(t) => {
                        assert!(!closed && state.aborted().is_none());
                        assert!(queued.is_empty(), "admitted ahead of the queue");
                        admitted.push(t);
                    }
                    Admit::Queued => queued.push_back(task),
                    Admit::Skip(_) => {
                        assert!(state.aborted().is_some());
                        cancelled_skip |= state.aborted() == Some(Cause::Cancel);
                    }
                    Admit::Closed(_) => assert!(closed),
                },
                2 => {
                    if state.try_go() {
                        admitted.push(task);
                    }
                }
                3 => {
                    if let Some(t) = admitted.pop() {
                        let _ = t;
                        if state.start() {
                            running += 1;
                        } else {
                            cancelled_skip |= state.aborted() == Some(Cause::Cancel);
                        }
                    }
                }
                4 | 5 => {
                    if running > 0 {
                        running -= 1;
                        let fails = rng.below(4) == 0;
                        let stopped = state.aborted().is_some();
                        let ended = state.end(fails);
                        assert_eq!(ended != Ended::Quietly, fails && !failed);
                        assert_eq!(
                            ended == Ended::FirstFailureAborts,
                            fails && !failed && signal && !stopped
                        );
                        failed |= fails;
                    }
                }
                6 => {
                    limit = [None, Some(0), Some(1), Some(3)][rng.below(4) as usize];
                    state.set_limit(limit);
                }
                7 => {
                    let stopped = state.aborted().is_some();
                    assert_eq!(
                        state.abort(Cause::Cancel),
                        !stopped,
                        "only the first abort counts"
                    );
                    assert!(state.aborted().is_some());
                }
                _ => {
                    state.wait();
                    waited |= signal;
                }
            }
            while let Some(next) = state.next() {
                match next {
                    Next::Admit(t) => {
                        assert_eq!(queued.pop_front(), Some(t), "FIFO");
                        assert!(state.aborted().is_none());
                        assert!(state.active() <= limit.unwrap_or(usize::MAX));
                        admitted.push(t);
                    }
                    Next::Skip(t) => {
                        assert_eq!(queued.pop_front(), Some(t), "FIFO");
                        cancelled_skip |= state.aborted() == Some(Cause::Cancel);
                    }
                }
            }
            assert_eq!(state.active(), admitted.len() + running);
            assert_eq!(state.queued(), queued.len());
            match state.settle() {
                Settle::No => assert!(state.active() + state.queued() > 0),
                Settle::Closes => {
                    assert!(waited && !closed && !failed && !cancelled_skip);
                    closed = true;
                }
                Settle::Idle(outcome) => {
                    assert_eq!(state.active() + state.queued(), 0);
                    closed |= waited;
                    let expected = if failed {
                        Outcome::Failed
                    } else if cancelled_skip {
                        Outcome::Cancelled
                    } else {
                        Outcome::Done
                    };
                    assert_eq!(outcome, expected);
                }
            }
        }
    }
}
