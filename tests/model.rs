#![cfg(target_arch = "wasm32")]
//! Model-based randomized tests of `ErrGroup`.
//!
//! A seeded generator makes random schedules: tasks with random delays
//! (counted in microtask ticks), successes, synchronous throws and rejections,
//! nested `go` from running tasks, `tryGo`, `setLimit` changes, parent aborts
//! and concurrent `wait()` calls. `tests/model/runner.js` plays each schedule
//! against the real group, exactly as JS code would, and records what
//! happened. The model below replays that record and checks it against the
//! contract: the limit at every start, FIFO starts, who may be skipped, no
//! start after an abort, every `wait()` outcome, and counters back to 0.
//!
//! In 30% of the JS schedules some tasks have deadlines (`go(task, {
//! timeout })`), and tasks and the schedule sleep on real timers, all of
//! 0 to 2 ms, so that deadlines pass both in the queue and while tasks run.
//! The model does not predict when a deadline passes: the runner logs its
//! timer as it fires, and the model checks what must follow whatever the
//! timing. A task whose deadline passed in the queue is never called and
//! counts as failed; one whose deadline passed while it ran fails with
//! that exact `TimeoutError` (which its signal aborted with), whatever it
//! returned; one that ended first is judged by what it returned. The
//! first failure, a `TimeoutError` too, is what `wait()` rejects with and
//! what a `withSignal` group's signal aborts with; an expired entry frees
//! no slot and the tasks behind it start in order; `succeeded`, `failed`
//! and `skipped` add up. The test prints how many deadlines passed in the
//! queue and while running, and fails if either never did.
//!
//! The Rust half plays the same schedules against `Group`, with every other
//! task given through `spawn` and its `JoinHandle` awaited: the model also
//! checks what each handle yields.
//!
//! `WASM_ERRGROUP_SCHEDULES=N` (at build time) runs N schedules instead of
//! 2,000, for a soak; `WASM_ERRGROUP_SEED=S` starts from seed S. A failure
//! prints its seed and schedule.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gloo_events::EventListener;

use common::ErrGroup;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use wasm_errgroup::{Context, Group};

const DEFAULT_SCHEDULES: u64 = 2_000;
const DEFAULT_SEED: u64 = 0x5EED_E440;
/// The share of schedules with deadlines and sleeps, in percent.
const TIMED_PERCENT: u64 = 30;
/// The longest timeout and sleep, in ms.
const MAX_MS: u64 = 2;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Async,
    Sync,
    Reject,
    Throw,
}

#[derive(Clone, Debug)]
struct Task {
    id: u32,
    via_go: bool,
    kind: Kind,
    delay: u64,
    children: Vec<Task>,
    /// JS only: `go(task, { timeout })`, in ms.
    timeout: Option<u64>,
    /// JS only: ms the task sleeps (a timer) after its delay.
    sleep: Option<u64>,
}

#[derive(Debug)]
enum Op {
    Submit(Task),
    SetLimit(i32),
    /// The parent aborts, or (`true`) the group's `abort()` is called; a
    /// zero group has only the latter.
    Abort(bool),
    Wait,
    /// JS only: the schedule sleeps this many ms (a timer) before going on.
    Sleep(u64),
}

struct Schedule {
    with_signal: bool,
    limit: Option<i32>,
    max_tick: u64,
    ops: Vec<(u64, Op)>,
}

impl Task {
    /// Whether it, or a child, has a deadline or sleeps.
    fn timed(&self) -> bool {
        self.timeout.is_some() || self.sleep.is_some() || self.children.iter().any(Task::timed)
    }

    fn json(&self) -> String {
        let kind = match self.kind {
            Kind::Async => "async",
            Kind::Sync => "sync",
            Kind::Reject => "reject",
            Kind::Throw => "throw",
        };
        let children: Vec<String> = self.children.iter().map(Task::json).collect();
        let ms = |name: &str, value: Option<u64>| {
            value.map_or(String::new(), |ms| format!(r#","{name}":{ms}"#))
        };
        format!(
            r#"{{"id":{},"via":"{}","kind":"{kind}","delay":{}{}{},"children":[{}]}}"#,
            self.id,
            if self.via_go { "go" } else { "tryGo" },
            self.delay,
            ms("timeout", self.timeout),
            ms("sleep", self.sleep),
            children.join(",")
        )
    }
}

impl Schedule {
    /// The schedule as the JS runner reads it.
    fn json(&self) -> String {
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|(t, op)| match op {
                Op::Submit(task) => format!(r#"{{"t":{t},"op":"submit","task":{}}}"#, task.json()),
                Op::SetLimit(n) => format!(r#"{{"t":{t},"op":"setLimit","n":{n}}}"#),
                Op::Abort(own) => format!(
                    r#"{{"t":{t},"op":"abort","via":"{}"}}"#,
                    if *own { "group" } else { "parent" }
                ),
                Op::Wait => format!(r#"{{"t":{t},"op":"wait"}}"#),
                Op::Sleep(ms) => format!(r#"{{"t":{t},"op":"sleep","ms":{ms}}}"#),
            })
            .collect();
        let timed = self.ops.iter().any(|(_, op)| match op {
            Op::Submit(task) => task.timed(),
            op => matches!(op, Op::Sleep(_)),
        });
        format!(
            r#"{{"withSignal":{},"limit":{},"maxTick":{},"timed":{timed},"ops":[{}]}}"#,
            self.with_signal,
            self.limit.map_or("null".to_string(), |n| n.to_string()),
            self.max_tick,
            ops.join(",")
        )
    }
}

fn random_task(rng: &mut Rng, next_id: &mut u32, via_go: bool, depth: u32) -> Task {
    let id = *next_id;
    *next_id += 1;
    let kind = match rng.below(100) {
        0..=39 => Kind::Async,
        40..=54 => Kind::Sync,
        55..=79 => Kind::Reject,
        _ => Kind::Throw,
    };
    let delay = rng.below(7);
    let mut children = Vec::new();
    if depth < 2 && rng.chance(15) {
        for _ in 0..=rng.below(2) {
            children.push(random_task(rng, next_id, true, depth + 1));
        }
    }
    Task {
        id,
        via_go,
        kind,
        delay,
        children,
        timeout: None,
        sleep: None,
    }
}

/// Deadlines and sleeps, drawn from `clock`, for the JS run. Timeouts are
/// in the range of the sleeps, 0 included, so that deadlines pass in the
/// queue and while tasks run, and often do not.
fn add_deadlines(task: &mut Task, clock: &mut Rng) {
    if task.via_go && clock.chance(50) {
        task.timeout = Some(clock.below(MAX_MS + 1));
    }
    if matches!(task.kind, Kind::Async | Kind::Reject) && clock.chance(40) {
        task.sleep = Some(clock.below(MAX_MS + 1));
    }
    for child in &mut task.children {
        add_deadlines(child, clock);
    }
}

fn generate(seed: u64) -> Schedule {
    let mut rng = Rng::new(seed);
    let with_signal = rng.chance(70);
    let max_tick = 25;
    let mut limit = match rng.below(6) {
        0 => None,
        1 => Some(-1),
        2 => Some(0),
        n => Some(n as i32 - 2),
    };
    let mut ops = Vec::new();
    let mut next_id = 0;
    for _ in 0..=rng.below(10) {
        let t = rng.below(20);
        let via_go = !rng.chance(15);
        ops.push((
            t,
            Op::Submit(random_task(&mut rng, &mut next_id, via_go, 0)),
        ));
    }
    for _ in 0..rng.below(3) {
        let n = rng.below(6) as i32 - 1;
        ops.push((rng.below(22), Op::SetLimit(n)));
    }
    // A limit of 0 must be raised, or nothing could ever finish.
    ops.push((max_tick, Op::SetLimit(1 + rng.below(3) as i32)));
    if rng.chance(30) {
        ops.push((rng.below(22), Op::Abort(!with_signal || rng.chance(50))));
    }
    for _ in 0..rng.below(3) {
        ops.push((rng.below(22), Op::Wait));
    }
    // Real time, from a generator of its own: the schedules without it
    // are the same as before it came.
    let mut clock = Rng::new(seed ^ 0xDEAD_11E5);
    if clock.chance(TIMED_PERCENT) {
        for (_, op) in &mut ops {
            if let Op::Submit(task) = op {
                add_deadlines(task, &mut clock);
            }
        }
        if clock.chance(80) {
            ops.push((5 + clock.below(17), Op::Sleep(clock.below(MAX_MS + 1))));
        }
        // A short queue, where deadlines pass more often.
        if clock.chance(50) {
            limit = Some(clock.below(2) as i32);
        }
    }
    Schedule {
        with_signal,
        limit,
        max_tick,
        ops,
    }
}

#[derive(Clone, Debug)]
enum Ev {
    Submit {
        id: u32,
        timed: bool,
    },
    Start {
        id: u32,
        running: u32,
        /// Called with the group's signal (a timed task has its own).
        own_signal: bool,
        /// Its signal had aborted when it was called.
        signal_aborted: bool,
    },
    End {
        id: u32,
        ok: bool,
    },
    Abort {
        reason: String,
    },
    ParentAbort,
    SetLimit(i32),
    TryGo {
        id: u32,
        ok: bool,
    },
    GoThrew {
        id: u32,
    },
    Wait {
        k: u32,
    },
    Settled {
        k: u32,
        outcome: String,
        running: u32,
        active: u32,
        queued: u32,
    },
    Final {
        active: u32,
        queued: u32,
        /// JS only: the `succeeded`, `failed` and `skipped` counters.
        counts: Option<[u32; 3]>,
    },
    /// How many timers the `go()` of a timed task set.
    Timers {
        id: u32,
        n: u32,
    },
    /// A timed task's deadline passed: its timer fired.
    Deadline {
        id: u32,
    },
    /// A timed task's own signal aborted, with this reason.
    Signal {
        id: u32,
        reason: String,
    },
    /// Rust only: what the `JoinHandle` of a task from `spawn` yielded.
    Joined {
        id: u32,
        outcome: Joined,
    },
}

/// What a `JoinHandle` yielded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Joined {
    Ok,
    Failed,
    Skipped,
}

fn parse(log: &str) -> Vec<Ev> {
    let events = Array::from(&js_sys::JSON::parse(log).unwrap());
    events
        .iter()
        .map(|e| {
            let e = Array::from(&e);
            let n = |i| e.get(i).as_f64().unwrap() as u32;
            let b = |i| e.get(i).as_bool().unwrap();
            let s = |i| e.get(i).as_string().unwrap();
            match s(1).as_str() {
                "submit" => Ev::Submit {
                    id: n(2),
                    timed: b(4),
                },
                "start" => Ev::Start {
                    id: n(2),
                    running: n(3),
                    own_signal: b(5),
                    signal_aborted: b(6),
                },
                "end" => Ev::End { id: n(2), ok: b(3) },
                "abort" => Ev::Abort { reason: s(2) },
                "parentAbort" => Ev::ParentAbort,
                "setLimit" => Ev::SetLimit(e.get(2).as_f64().unwrap() as i32),
                "tryGo" => Ev::TryGo { id: n(2), ok: b(3) },
                "goThrew" => Ev::GoThrew { id: n(2) },
                "wait" => Ev::Wait { k: n(2) },
                "settled" => Ev::Settled {
                    k: n(2),
                    outcome: s(3),
                    running: n(4),
                    active: n(5),
                    queued: n(6),
                },
                "final" => Ev::Final {
                    active: n(2),
                    queued: n(3),
                    counts: Some([n(4), n(5), n(6)]),
                },
                "timers" => Ev::Timers { id: n(2), n: n(3) },
                "deadline" => Ev::Deadline { id: n(2) },
                "signal" => Ev::Signal {
                    id: n(2),
                    reason: s(3),
                },
                other => panic!("unknown event {other}"),
            }
        })
        .collect()
}

/// How many deadlines passed in one run: while the task was queued, and
/// while it ran.
#[derive(Default)]
struct Expired {
    queued: u32,
    running: u32,
}

/// The contract, replayed over one run's events.
///
/// `rust` marks a run of the Rust `Group`: after a `with_context` group has
/// settled, its `go` drops the task silently (documented) instead of
/// throwing.
///
/// Failures are described as the runner describes them: `fail:ID` for what
/// task ID threw, `timeout:ID` for the `TimeoutError` of task ID's deadline.
/// A deadline is judged by when its timer fired (a `Deadline` event), never
/// by the clock: in the queue, the task fails then and is never called;
/// while it runs, it fails with that `TimeoutError` when it ends, whatever
/// it returned; after it ended, never.
fn check(
    events: &[Ev],
    with_signal: bool,
    limit: Option<i32>,
    rust: bool,
) -> Result<Expired, String> {
    let to_limit = |n: i32| (n >= 0).then_some(n as u32);
    let mut limit_now = limit.and_then(to_limit);
    // The highest limit in force since each waiting task was submitted:
    // lowering the limit interrupts nothing, so that is what bounds a start.
    let mut ceiling: HashMap<u32, Option<u32>> = HashMap::new();
    let mut submitted = Vec::new();
    let mut started = Vec::new();
    let mut ended = HashSet::new();
    let mut first_failure: Option<String> = None;
    let mut failed_before_abort = false;
    // For each pending wait(): the first failure, and whether abort() had
    // skipped work, at the first moment since it was called when the group
    // was idle (`Some`), once it has been.
    let mut idle_seen: HashMap<u32, Option<(Option<String>, bool)>> = HashMap::new();
    let mut closed = false;
    let mut dropped = HashSet::new();
    let mut aborted: Option<String> = None;
    let mut parent_aborted = false;
    let mut waited = false;
    let mut running = 0;
    let mut settled: Option<String> = None;
    let mut ended_ok = HashMap::new();
    let mut joined = Vec::new();
    let mut timed = HashSet::new();
    // Deadlines that passed: in the queue (the task failed then), and
    // while the task ran (it fails as it ends).
    let mut expired = Vec::new();
    let mut late = HashSet::new();
    let mut fired = HashSet::new();
    // What each timed task's own signal aborted with.
    let mut signal_reason: HashMap<u32, String> = HashMap::new();
    // A TimeoutError the runner saw made (on the task's signal, or as the
    // group's reason while the timer fired) is described by its task's id;
    // one it never saw (a queued task's in a zero group, or that of a task
    // whose signal had already aborted) as `timeout:?`.
    let mut seen_timeout = HashSet::new();
    let same = |outcome: &str, expected: &str, seen: &HashSet<String>| {
        outcome == expected
            || (outcome == "timeout:?"
                && expected.starts_with("timeout:")
                && !seen.contains(expected))
    };

    for (seq, event) in events.iter().enumerate() {
        let at = |what: String| Err(format!("event {seq} {event:?}: {what}"));
        // Whether the group has stopped: it skips what is queued and what
        // comes, and calls nothing more.
        let stopped = if with_signal {
            aborted.is_some()
        } else {
            parent_aborted
        };
        match *event {
            Ev::Submit { id, timed: t } => {
                if rust && with_signal && closed {
                    // After the group closed, Rust's `go` drops the task.
                    dropped.insert(id);
                    continue;
                }
                submitted.push(id);
                ceiling.insert(id, limit_now);
                if t {
                    timed.insert(id);
                }
            }
            Ev::Timers { id, n } => {
                // A task skipped as it comes gets no deadline; any other one.
                if !timed.contains(&id) || n != u32::from(!stopped) {
                    return at(format!("go() set {n} timers, the group stopped: {stopped}"));
                }
            }
            Ev::Deadline { id } => {
                if !timed.contains(&id) || !fired.insert(id) {
                    return at("a deadline fired twice, or for a task without one".into());
                }
                if ended.contains(&id) {
                    return at("a deadline fired after its task ended".into());
                }
                if started.contains(&id) {
                    late.insert(id);
                } else if stopped {
                    return at("the deadline of a skipped task fired".into());
                } else {
                    // Queued: it fails now, and is never called.
                    expired.push(id);
                    ceiling.remove(&id);
                    if first_failure.is_none() {
                        first_failure = Some(format!("timeout:{id}"));
                        failed_before_abort = aborted.is_none();
                    }
                }
            }
            Ev::Signal { id, ref reason } => {
                if !started.contains(&id) || ended.contains(&id) {
                    return at("a task's signal aborted while it was not running".into());
                }
                if signal_reason.insert(id, reason.clone()).is_some() {
                    return at("a task's signal aborted twice".into());
                }
                let timed_out = *reason == format!("timeout:{id}");
                if timed_out {
                    seen_timeout.insert(reason.clone());
                }
                let heard_now = if timed_out {
                    late.contains(&id)
                        && matches!(events.get(seq.wrapping_sub(1)), Some(Ev::Deadline { id: d }) if *d == id)
                } else {
                    aborted.as_deref() == Some(reason.as_str())
                };
                if !heard_now {
                    return at("a task's signal aborted with neither its deadline's TimeoutError, as it passed, nor the group's reason".into());
                }
            }
            Ev::TryGo { id, ok } => {
                if !ok {
                    submitted.retain(|&s| s != id);
                }
                if ok
                    && (settled.is_some() || aborted.is_some() || (!with_signal && parent_aborted))
                {
                    return at("tryGo admitted a task after the group stopped".into());
                }
            }
            Ev::GoThrew { id } => {
                submitted.retain(|&s| s != id);
                if !with_signal || !waited || running != 0 || aborted.is_none() {
                    return at("go() threw on a group that had not settled".into());
                }
            }
            Ev::SetLimit(n) => {
                limit_now = to_limit(n);
                for bound in ceiling.values_mut() {
                    *bound = match (*bound, limit_now) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
            }
            Ev::Start {
                id,
                running: now,
                own_signal,
                signal_aborted,
            } => {
                if dropped.contains(&id) {
                    return at("a task given to a closed group started".into());
                }
                if started.contains(&id) {
                    return at("started twice".into());
                }
                if let Some(reason) = &aborted {
                    return at(format!("started after the signal aborted ({reason})"));
                }
                if !with_signal && parent_aborted {
                    return at("started after abort() stopped the zero group".into());
                }
                if own_signal == timed.contains(&id) {
                    return at(
                        "not called with the group's signal, or a timed task with it".into(),
                    );
                }
                if signal_aborted || fired.contains(&id) {
                    return at(
                        "called after its deadline passed, or with an aborted signal".into(),
                    );
                }
                // FIFO: what was submitted before it has started, or its
                // deadline passed in the queue.
                let mut ahead = submitted.iter().take_while(|&&s| s != id);
                if let Some(s) = ahead.find(|s| !started.contains(s) && !expired.contains(s)) {
                    return at(format!("started before {s}, which was queued ahead of it"));
                }
                if let Some(Some(bound)) = ceiling.get(&id) {
                    if now > *bound {
                        return at(format!("{now} running, above the limit {bound}"));
                    }
                }
                running = now;
                started.push(id);
                ceiling.remove(&id);
            }
            Ev::End { id, ok } => {
                if !started.contains(&id) || !ended.insert(id) {
                    return at("ended without starting, or twice".into());
                }
                running -= 1;
                // Past its deadline, it fails with that TimeoutError.
                let failure = if late.contains(&id) {
                    if !signal_reason.contains_key(&id) {
                        return at(
                            "its deadline passed while it ran, its signal did not abort".into()
                        );
                    }
                    Some(format!("timeout:{id}"))
                } else {
                    (!ok).then(|| format!("fail:{id}"))
                };
                ended_ok.insert(id, failure.is_none());
                if failure.is_some() && first_failure.is_none() {
                    first_failure = failure;
                    failed_before_abort = aborted.is_none();
                }
            }
            Ev::ParentAbort => parent_aborted = true,
            Ev::Abort { ref reason } => {
                if !with_signal {
                    return at("a zero group's signal aborted".into());
                }
                if aborted.is_some() {
                    return at("the signal aborted twice".into());
                }
                if reason.starts_with("timeout:") {
                    seen_timeout.insert(reason.clone());
                }
                let expected = if let Some(failure) = &first_failure {
                    failure.clone()
                } else if parent_aborted {
                    "parent".into()
                } else {
                    if !waited || running != 0 {
                        return at("settled while busy or before wait()".into());
                    }
                    "settled".into()
                };
                if !same(reason, &expected, &seen_timeout) {
                    return at(format!("abort reason {reason}, the model says {expected}"));
                }
                aborted = Some(reason.clone());
            }
            Ev::Wait { k } => {
                waited = true;
                idle_seen.insert(k, None);
            }
            Ev::Settled {
                k,
                ref outcome,
                running: now,
                ..
            } if !with_signal => {
                // A zero group stays open: wait() completes when the group is
                // idle, and tasks may start before its promise settles. It
                // must have seen the group idle, with the first failure then.
                let Some(Some((failure_then, skipped_then))) = idle_seen.remove(&k) else {
                    return at("wait() settled, but the group was not idle since the call".into());
                };
                let expected = match (&first_failure, failure_then) {
                    (_, Some(failure)) => failure,
                    (Some(failure), None) if outcome != "ok" && outcome != "parent" => {
                        failure.clone()
                    }
                    // abort() skipped work: skipped work is never success.
                    _ if skipped_then || (parent_aborted && outcome == "parent") => "parent".into(),
                    _ => "ok".into(),
                };
                if !same(outcome, &expected, &seen_timeout) {
                    return at(format!("wait() gave {outcome}, the model says {expected}"));
                }
                if now > running {
                    return at(format!("wait() saw {now} running, the model {running}"));
                }
            }
            Ev::Settled {
                ref outcome,
                running: now,
                active,
                queued,
                ..
            } => {
                if now != 0 || running != 0 || active != 0 || queued != 0 {
                    return at("wait() settled while a task was running or queued".into());
                }
                let skipped = submitted
                    .iter()
                    .any(|id| !started.contains(id) && !expired.contains(id));
                let expected = match &first_failure {
                    Some(failure) => failure.clone(),
                    None if with_signal && parent_aborted && skipped => "parent".into(),
                    None => "ok".into(),
                };
                if !same(outcome, &expected, &seen_timeout) {
                    return at(format!("wait() gave {outcome}, the model says {expected}"));
                }
                if with_signal {
                    if let Some(first) = &settled {
                        if first != outcome {
                            return at("two wait() calls settled differently".into());
                        }
                    }
                    settled = Some(outcome.clone());
                }
            }
            Ev::Final {
                active,
                queued,
                counts,
            } => {
                if (active, queued) != (0, 0) {
                    return at("counters not back to 0".into());
                }
                // Every task submitted ended once: it succeeded, failed
                // (its deadline passing in the queue too), or was skipped.
                let succeeded = ended_ok.values().filter(|&&ok| ok).count();
                let failed = ended_ok.len() - succeeded + expired.len();
                let skipped = submitted.len() - started.len() - expired.len();
                let expected = [succeeded, failed, skipped].map(|n| n as u32);
                if counts.is_some_and(|counts| counts != expected) {
                    return at(format!(
                        "succeeded, failed, skipped: the model says {expected:?}"
                    ));
                }
            }
            Ev::Joined { id, outcome } => joined.push((id, outcome)),
        }
        let skipped = submitted
            .iter()
            .any(|id| !started.contains(id) && !expired.contains(id));
        if running == 0 && (!skipped || (!with_signal && parent_aborted)) {
            for seen in idle_seen.values_mut() {
                seen.get_or_insert((first_failure.clone(), skipped));
            }
            // Idle after a wait() began: a `with_context` group closes now.
            closed |= with_signal && waited;
        }
    }
    // FIFO: tasks start in the order they were submitted.
    let order: Vec<u32> = submitted
        .iter()
        .copied()
        .filter(|id| started.contains(id))
        .collect();
    if order != started {
        return Err(format!(
            "start order {started:?}, submission order {order:?}"
        ));
    }
    // Only an abort may leave a task unstarted; a zero group runs them all.
    let unstarted: Vec<u32> = submitted
        .iter()
        .copied()
        .filter(|id| !started.contains(id) && !expired.contains(id))
        .collect();
    let stopped = if with_signal {
        aborted.is_some() && aborted.as_deref() != Some("settled")
    } else {
        parent_aborted
    };
    if !unstarted.is_empty() && !stopped {
        return Err(format!(
            "tasks {unstarted:?} never started, and nothing aborted"
        ));
    }
    // A handle yields the value of a task that succeeded, a failure for
    // one that failed, and a skip for one that never started.
    for (id, outcome) in joined {
        let expected = match ended_ok.get(&id) {
            Some(true) => Joined::Ok,
            Some(false) => Joined::Failed,
            None if !started.contains(&id) => Joined::Skipped,
            None => {
                return Err(format!(
                    "the handle of {id} completed, the task did not end"
                ))
            }
        };
        if outcome != expected {
            return Err(format!(
                "the handle of {id} yielded {outcome:?}, the model says {expected:?}"
            ));
        }
    }
    if with_signal
        && failed_before_abort
        && !aborted.as_deref().is_some_and(|reason| {
            same(
                reason,
                first_failure.as_deref().unwrap_or(""),
                &seen_timeout,
            )
        })
    {
        return Err("a failure did not abort the signal".into());
    }
    Ok(Expired {
        queued: expired.len() as u32,
        running: late.len() as u32,
    })
}

fn make_group() -> Function {
    Closure::<dyn Fn(bool, JsValue) -> JsValue>::new(|with_signal, parent| {
        if with_signal {
            ErrGroup::with_signal(parent).unwrap().into()
        } else {
            ErrGroup::new().into()
        }
    })
    .into_js_value()
    .unchecked_into()
}

fn setting(name: &str) -> Option<u64> {
    let value = match name {
        "schedules" => option_env!("WASM_ERRGROUP_SCHEDULES"),
        _ => option_env!("WASM_ERRGROUP_SEED"),
    }?;
    Some(value.parse().expect("a whole number"))
}

#[wasm_bindgen_test]
async fn random_schedules_follow_the_model() {
    let runner = Function::new_with_args("makeGroup, schedule", include_str!("model/runner.js"));
    let make_group = make_group();
    let count = setting("schedules").unwrap_or(DEFAULT_SCHEDULES);
    let base = setting("seed").unwrap_or(DEFAULT_SEED);
    let mut kinds = [0u32; 3];
    let mut expired = Expired::default();
    for i in 0..count {
        let seed = base + i;
        let schedule = generate(seed);
        let json = schedule.json();
        let plan = js_sys::JSON::parse(&json).unwrap();
        let log: Promise = runner
            .call2(&JsValue::NULL, &make_group, &plan)
            .unwrap()
            .unchecked_into();
        let log = JsFuture::from(log).await.unwrap().as_string().unwrap();
        let events = parse(&log);
        match check(&events, schedule.with_signal, schedule.limit, false) {
            Ok(run) => {
                expired.queued += run.queued;
                expired.running += run.running;
            }
            Err(why) => panic!(
                "schedule with seed {seed} broke the contract: {why}\n\
                 re-run it with WASM_ERRGROUP_SEED={seed} WASM_ERRGROUP_SCHEDULES=1\n\
                 schedule: {json}\nevents: {log}"
            ),
        }
        let outcome = events.iter().rev().find_map(|e| match e {
            Ev::Settled { outcome, .. } => Some(outcome.as_str()),
            _ => None,
        });
        kinds[match outcome {
            Some("ok") => 0,
            Some("parent") => 1,
            _ => 2,
        }] += 1;
    }
    console_log!(
        "{count} schedules from seed {base}: {} ok, {} parent aborts, {} failures; \
         deadlines passed: {} in the queue, {} while running",
        kinds[0],
        kinds[1],
        kinds[2],
        expired.queued,
        expired.running
    );
    assert!(
        kinds.iter().all(|&k| k > 0) || count < 100,
        "the generator covers every outcome"
    );
    assert!(
        (expired.queued > 0 && expired.running > 0) || count < 100,
        "deadlines pass both in the queue and while tasks run"
    );
}

#[wasm_bindgen_test]
fn the_model_rejects_a_broken_run() {
    // The model must be able to fail: feed it runs that break the contract.
    let start = |id, running| Ev::Start {
        id,
        running,
        own_signal: true,
        signal_aborted: false,
    };
    let submit = |id| Ev::Submit { id, timed: false };
    let over_limit = [
        Ev::SetLimit(1),
        submit(0),
        submit(1),
        start(0, 1),
        start(1, 2),
    ];
    assert!(check(&over_limit, false, None, false).is_err());
    let out_of_order = [submit(0), submit(1), start(1, 1), start(0, 2)];
    assert!(check(&out_of_order, false, None, false).is_err());
    let after_abort = [
        submit(0),
        Ev::ParentAbort,
        Ev::Abort {
            reason: "parent".into(),
        },
        start(0, 1),
    ];
    assert!(check(&after_abort, true, None, false).is_err());
    let wrong_outcome = [
        submit(0),
        start(0, 1),
        Ev::End { id: 0, ok: false },
        Ev::Abort {
            reason: "fail:0".into(),
        },
        Ev::Wait { k: 0 },
        Ev::Settled {
            k: 0,
            outcome: "ok".into(),
            running: 0,
            active: 0,
            queued: 0,
        },
    ];
    assert!(check(&wrong_outcome, true, None, false).is_err());
    let lost = [
        submit(0),
        Ev::Wait { k: 0 },
        Ev::Settled {
            k: 0,
            outcome: "ok".into(),
            running: 0,
            active: 0,
            queued: 0,
        },
    ];
    assert!(check(&lost, false, None, false).is_err());
    let wrong_handle = [
        submit(0),
        start(0, 1),
        Ev::End { id: 0, ok: true },
        Ev::Joined {
            id: 0,
            outcome: Joined::Failed,
        },
    ];
    assert!(check(&wrong_handle, false, None, true).is_err());
    let skipped_but_ran = [
        submit(0),
        start(0, 1),
        Ev::Joined {
            id: 0,
            outcome: Joined::Skipped,
        },
    ];
    assert!(check(&skipped_but_ran, false, None, true).is_err());
}

#[wasm_bindgen_test]
fn the_model_rejects_a_run_that_breaks_a_deadline() {
    // A timed task: submitted, its go() sets one timer.
    let timed = |id| [Ev::Submit { id, timed: true }, Ev::Timers { id, n: 1 }];
    let start = |id, running, own_signal| Ev::Start {
        id,
        running,
        own_signal,
        signal_aborted: false,
    };
    let settled = |outcome: &str| Ev::Settled {
        k: 0,
        outcome: outcome.into(),
        running: 0,
        active: 0,
        queued: 0,
    };
    let run = |parts: &[&[Ev]]| -> Vec<Ev> {
        parts.iter().flat_map(|part| part.iter()).cloned().collect()
    };
    // Called although its deadline passed in the queue.
    let called_late = run(&[&timed(0), &[Ev::Deadline { id: 0 }, start(0, 1, false)]]);
    assert!(check(&called_late, false, None, false).is_err());
    // Its deadline passed while it ran, and it counted as a success.
    let ran_late = run(&[
        &timed(0),
        &[
            start(0, 1, false),
            Ev::Deadline { id: 0 },
            Ev::Signal {
                id: 0,
                reason: "timeout:0".into(),
            },
            Ev::End { id: 0, ok: true },
            Ev::Wait { k: 0 },
            settled("ok"),
        ],
    ]);
    assert!(check(&ran_late, false, None, false).is_err());
    // An expired entry gave a slot it never held.
    let freed_a_slot = run(&[
        &[
            Ev::SetLimit(1),
            Ev::Submit {
                id: 0,
                timed: false,
            },
            start(0, 1, true),
        ],
        &timed(1),
        &[
            Ev::Submit {
                id: 2,
                timed: false,
            },
            Ev::Deadline { id: 1 },
            start(2, 2, true),
        ],
    ]);
    assert!(check(&freed_a_slot, false, None, false).is_err());
    // A task started before the timed one queued ahead of it had expired.
    let jumped_the_queue = run(&[
        &[
            Ev::SetLimit(1),
            Ev::Submit {
                id: 0,
                timed: false,
            },
            start(0, 1, true),
        ],
        &timed(1),
        &[
            Ev::Submit {
                id: 2,
                timed: false,
            },
            Ev::End { id: 0, ok: true },
            start(2, 1, true),
            Ev::Deadline { id: 1 },
        ],
    ]);
    assert!(check(&jumped_the_queue, false, None, false).is_err());
    // An expired entry counted as skipped, not failed.
    let miscounted = run(&[
        &timed(0),
        &[
            Ev::Deadline { id: 0 },
            Ev::Final {
                active: 0,
                queued: 0,
                counts: Some([0, 0, 1]),
            },
        ],
    ]);
    assert!(check(&miscounted, false, None, false).is_err());
    // A withSignal group aborted with a later failure, not the TimeoutError.
    let wrong_first = run(&[
        &timed(0),
        &[
            Ev::Submit {
                id: 1,
                timed: false,
            },
            Ev::Deadline { id: 0 },
            start(1, 1, true),
            Ev::End { id: 1, ok: false },
            Ev::Abort {
                reason: "fail:1".into(),
            },
        ],
    ]);
    assert!(check(&wrong_first, true, None, false).is_err());
    // The same runs, told right, pass: the cases above fail for their rule.
    let expired_right = run(&[
        &timed(0),
        &[
            Ev::Deadline { id: 0 },
            Ev::Wait { k: 0 },
            settled("timeout:?"),
            Ev::Final {
                active: 0,
                queued: 0,
                counts: Some([0, 1, 0]),
            },
        ],
    ]);
    assert!(check(&expired_right, false, None, false).is_ok());
}

/// Plays a schedule against the Rust `Group<JsValue>`, as `runner.js` does
/// against the JS class, and records the same events.
struct RustRun {
    group: Group<JsValue>,
    log: RefCell<Vec<Ev>>,
    running: Cell<u32>,
    waits: Cell<u32>,
    open_waits: Cell<u32>,
    open_handles: Cell<u32>,
    parent_reason: JsValue,
}

impl RustRun {
    fn log(&self, event: Ev) {
        self.log.borrow_mut().push(event);
    }

    fn describe(&self, value: &JsValue) -> String {
        let name = js_sys::Reflect::get(value, &"name".into())
            .ok()
            .and_then(|n| n.as_string());
        if let Some(id) = value.as_f64() {
            format!("fail:{id}")
        } else if js_sys::Object::is(value, &self.parent_reason) {
            "parent".into()
        } else if name.as_deref() == Some("AbortError") {
            "settled".into()
        } else {
            format!("other:{value:?}")
        }
    }
}

fn rust_submit(run: &Rc<RustRun>, task: &Task) {
    run.log(Ev::Submit {
        id: task.id,
        timed: false,
    });
    let future = rust_task(run.clone(), task.clone());
    if task.via_go && task.id % 2 == 1 {
        // Every other task through `spawn`, with its handle awaited.
        let handle = run.group.spawn(future);
        run.open_handles.set(run.open_handles.get() + 1);
        let (run, id) = (run.clone(), task.id);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match handle.await {
                Ok(()) => Joined::Ok,
                Err(error) if error.is_failed() => Joined::Failed,
                Err(_) => Joined::Skipped,
            };
            run.log(Ev::Joined { id, outcome });
            run.open_handles.set(run.open_handles.get() - 1);
        });
    } else if task.via_go {
        run.group.go(future);
    } else {
        let ok = run.group.try_go(future);
        run.log(Ev::TryGo { id: task.id, ok });
    }
}

async fn rust_task(run: Rc<RustRun>, task: Task) -> Result<(), JsValue> {
    run.running.set(run.running.get() + 1);
    run.log(Ev::Start {
        id: task.id,
        running: run.running.get(),
        own_signal: true,
        signal_aborted: false,
    });
    if matches!(task.kind, Kind::Async | Kind::Reject) {
        for _ in 0..task.delay {
            common::ticks(1).await;
        }
    }
    for child in &task.children {
        rust_submit(&run, child);
    }
    run.running.set(run.running.get() - 1);
    let ok = matches!(task.kind, Kind::Async | Kind::Sync);
    run.log(Ev::End { id: task.id, ok });
    if ok {
        Ok(())
    } else {
        Err(JsValue::from(task.id))
    }
}

async fn rust_wait(run: Rc<RustRun>) {
    let k = run.waits.get();
    run.waits.set(k + 1);
    run.log(Ev::Wait { k });
    let outcome = match run.group.wait().await {
        Ok(()) => "ok".to_string(),
        Err(error) => run.describe(&error),
    };
    run.log(Ev::Settled {
        k,
        outcome,
        running: run.running.get(),
        active: run.group.active() as u32,
        queued: run.group.queued() as u32,
    });
    run.open_waits.set(run.open_waits.get() - 1);
}

async fn run_rust(schedule: &Schedule) -> Vec<Ev> {
    let parent = web_sys::AbortController::new().unwrap();
    let (group, signal) = if schedule.with_signal {
        let (group, ctx) = Group::<JsValue>::with_context(&Context::from_signal(parent.signal()));
        (group, Some(ctx.signal().clone()))
    } else {
        (Group::new(), None)
    };
    let run = Rc::new(RustRun {
        group,
        log: RefCell::new(Vec::new()),
        running: Cell::new(0),
        waits: Cell::new(0),
        open_waits: Cell::new(0),
        open_handles: Cell::new(0),
        parent_reason: js_sys::Object::new().into(),
    });
    let _listener = signal.map(|signal| {
        let (run, target) = (run.clone(), signal.clone());
        EventListener::new(&signal, "abort", move |_| {
            let reason = run.describe(&target.reason());
            run.log(Ev::Abort { reason });
        })
    });
    let set_limit = |n: i32| {
        run.log(Ev::SetLimit(n));
        run.group.set_limit((n >= 0).then_some(n as usize));
    };
    if let Some(n) = schedule.limit {
        set_limit(n);
    }
    for tick in 0..=schedule.max_tick {
        for (t, op) in &schedule.ops {
            if *t != tick {
                continue;
            }
            match op {
                Op::Submit(task) => rust_submit(&run, task),
                Op::SetLimit(n) => set_limit(*n),
                // Deadlines and sleeps are the JS run's.
                Op::Sleep(_) => {}
                // The Rust Group has no abort(): its parent is the way.
                Op::Abort(_) if !schedule.with_signal => {}
                Op::Abort(_) => {
                    run.log(Ev::ParentAbort);
                    parent.abort_with_reason(&run.parent_reason);
                }
                Op::Wait => {
                    run.open_waits.set(run.open_waits.get() + 1);
                    wasm_bindgen_futures::spawn_local(rust_wait(run.clone()));
                }
            }
        }
        common::ticks(1).await;
    }
    run.open_waits.set(run.open_waits.get() + 1);
    rust_wait(run.clone()).await;
    for _ in 0..1000 {
        if run.open_waits.get() == 0 && run.open_handles.get() == 0 {
            break;
        }
        common::ticks(1).await;
    }
    assert_eq!(run.open_waits.get(), 0, "a wait() never completed");
    assert_eq!(run.open_handles.get(), 0, "a JoinHandle never completed");
    run.log(Ev::Final {
        active: run.group.active() as u32,
        queued: run.group.queued() as u32,
        counts: None,
    });
    run.log.take()
}

#[wasm_bindgen_test]
async fn random_schedules_follow_the_model_through_the_rust_api() {
    let count = setting("schedules").unwrap_or(DEFAULT_SCHEDULES);
    let base = setting("seed").unwrap_or(DEFAULT_SEED);
    for i in 0..count {
        let seed = base + i;
        let schedule = generate(seed);
        let events = run_rust(&schedule).await;
        if let Err(why) = check(&events, schedule.with_signal, schedule.limit, true) {
            panic!(
                "Rust schedule with seed {seed} broke the contract: {why}\n\
                 re-run it with WASM_ERRGROUP_SEED={seed} WASM_ERRGROUP_SCHEDULES=1\n\
                 schedule: {}\nevents: {events:?}",
                schedule.json()
            );
        }
    }
}
