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
}

#[derive(Debug)]
enum Op {
    Submit(Task),
    SetLimit(i32),
    /// The parent aborts, or (`true`) the group's `abort()` is called; a
    /// zero group has only the latter.
    Abort(bool),
    Wait,
}

struct Schedule {
    with_signal: bool,
    limit: Option<i32>,
    max_tick: u64,
    ops: Vec<(u64, Op)>,
}

impl Task {
    fn json(&self) -> String {
        let kind = match self.kind {
            Kind::Async => "async",
            Kind::Sync => "sync",
            Kind::Reject => "reject",
            Kind::Throw => "throw",
        };
        let children: Vec<String> = self.children.iter().map(Task::json).collect();
        format!(
            r#"{{"id":{},"via":"{}","kind":"{kind}","delay":{},"children":[{}]}}"#,
            self.id,
            if self.via_go { "go" } else { "tryGo" },
            self.delay,
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
            })
            .collect();
        format!(
            r#"{{"withSignal":{},"limit":{},"maxTick":{},"ops":[{}]}}"#,
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
    }
}

fn generate(seed: u64) -> Schedule {
    let mut rng = Rng::new(seed);
    let with_signal = rng.chance(70);
    let max_tick = 25;
    let limit = match rng.below(6) {
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
    Schedule {
        with_signal,
        limit,
        max_tick,
        ops,
    }
}

#[derive(Debug)]
enum Ev {
    Submit {
        id: u32,
    },
    Start {
        id: u32,
        running: u32,
        own_signal: bool,
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
                "submit" => Ev::Submit { id: n(2) },
                "start" => Ev::Start {
                    id: n(2),
                    running: n(3),
                    own_signal: b(5),
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
                },
                other => panic!("unknown event {other}"),
            }
        })
        .collect()
}

/// The contract, replayed over one run's events.
///
/// `rust` marks a run of the Rust `Group`: after a `with_context` group has
/// settled, its `go` drops the task silently (documented) instead of
/// throwing.
fn check(events: &[Ev], with_signal: bool, limit: Option<i32>, rust: bool) -> Result<(), String> {
    let to_limit = |n: i32| (n >= 0).then_some(n as u32);
    let mut limit_now = limit.and_then(to_limit);
    // The highest limit in force since each waiting task was submitted:
    // lowering the limit interrupts nothing, so that is what bounds a start.
    let mut ceiling: HashMap<u32, Option<u32>> = HashMap::new();
    let mut submitted = Vec::new();
    let mut started = Vec::new();
    let mut ended = HashSet::new();
    let mut first_failure: Option<u32> = None;
    let mut failed_before_abort = false;
    // For each pending wait(): the first failure, and whether abort() had
    // skipped work, at the first moment since it was called when the group
    // was idle (`Some`), once it has been.
    let mut idle_seen: HashMap<u32, Option<(Option<u32>, bool)>> = HashMap::new();
    let mut closed = false;
    let mut dropped = HashSet::new();
    let mut aborted: Option<String> = None;
    let mut parent_aborted = false;
    let mut waited = false;
    let mut running = 0;
    let mut settled: Option<String> = None;
    let mut ended_ok = HashMap::new();
    let mut joined = Vec::new();

    for (seq, event) in events.iter().enumerate() {
        let at = |what: String| Err(format!("event {seq} {event:?}: {what}"));
        match *event {
            Ev::Submit { id, .. } => {
                if rust && with_signal && closed {
                    // After the group closed, Rust's `go` drops the task.
                    dropped.insert(id);
                    continue;
                }
                submitted.push(id);
                ceiling.insert(id, limit_now);
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
                if !own_signal {
                    return at("not called with the group's signal".into());
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
                ended_ok.insert(id, ok);
                if !ok && first_failure.is_none() {
                    first_failure = Some(id);
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
                let expected = if let Some(id) = first_failure {
                    format!("fail:{id}")
                } else if parent_aborted {
                    "parent".into()
                } else {
                    if !waited || running != 0 {
                        return at("settled while busy or before wait()".into());
                    }
                    "settled".into()
                };
                if *reason != expected {
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
                let expected = match (first_failure, failure_then) {
                    (_, Some(id)) => format!("fail:{id}"),
                    (Some(id), None) if outcome != "ok" && outcome != "parent" => {
                        format!("fail:{id}")
                    }
                    // abort() skipped work: skipped work is never success.
                    _ if skipped_then || (parent_aborted && outcome == "parent") => "parent".into(),
                    _ => "ok".into(),
                };
                if *outcome != expected || now > running {
                    return at(format!("wait() gave {outcome}, the model says {expected}"));
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
                let skipped = submitted.iter().any(|id| !started.contains(id));
                let expected = match first_failure {
                    Some(id) => format!("fail:{id}"),
                    None if with_signal && parent_aborted && skipped => "parent".into(),
                    None => "ok".into(),
                };
                if *outcome != expected {
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
            Ev::Final { active, queued } => {
                if (active, queued) != (0, 0) {
                    return at("counters not back to 0".into());
                }
            }
            Ev::Joined { id, outcome } => joined.push((id, outcome)),
        }
        let skipped = submitted.iter().any(|id| !started.contains(id));
        if running == 0 && (!skipped || (!with_signal && parent_aborted)) {
            for seen in idle_seen.values_mut() {
                seen.get_or_insert((first_failure, skipped));
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
        .filter(|id| !started.contains(id))
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
    let failure_reason = first_failure.map(|id| format!("fail:{id}"));
    if with_signal && failed_before_abort && aborted != failure_reason {
        return Err("a failure did not abort the signal".into());
    }
    Ok(())
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
        if let Err(why) = check(&events, schedule.with_signal, schedule.limit, false) {
            panic!(
                "schedule with seed {seed} broke the contract: {why}\n\
                 re-run it with WASM_ERRGROUP_SEED={seed} WASM_ERRGROUP_SCHEDULES=1\n\
                 schedule: {json}\nevents: {log}"
            );
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
        "{count} schedules from seed {base}: {} ok, {} parent aborts, {} failures",
        kinds[0],
        kinds[1],
        kinds[2]
    );
    assert!(
        kinds.iter().all(|&k| k > 0) || count < 100,
        "the generator covers every outcome"
    );
}

#[wasm_bindgen_test]
fn the_model_rejects_a_broken_run() {
    // The model must be able to fail: feed it runs that break the contract.
    let start = |id, running| Ev::Start {
        id,
        running,
        own_signal: true,
    };
    let submit = |id| Ev::Submit { id };
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
    run.log(Ev::Submit { id: task.id });
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
