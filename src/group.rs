//! [`Group`]: Go's errgroup for Rust futures, over the core in
//! [`state`](crate::state).
//!
//! A busy group runs its tasks in one driver future, spawned with
//! `spawn_local` when the first task is admitted and ended when no task
//! holds a slot: it polls them in a `FuturesUnordered`, and its `Rc` is
//! what keeps a group alive while tasks run after every handle is gone.
//! The group keeps that set, so an admitted task goes straight into it,
//! except while the driver has it out to poll it.
//!
//! Every method takes what it needs out of the `RefCell`, drops the borrow,
//! and only then runs anything that can run user code (polling a task,
//! aborting a signal, waking a waker, dropping a future), so any of those
//! may call back into the group.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll, Waker};

use futures_util::stream::{FuturesUnordered, StreamExt};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use crate::context::Context;
#[cfg(doc)]
use crate::join::JoinError;
use crate::join::{joined, JoinHandle};
use crate::listener::AbortListener;
use crate::reason::AbortReason;
use crate::state::{Admit, Cause, Ended, Next, Outcome, Settle, State, Status};

/// A group of tasks working on parts of one job: Go's `errgroup.Group` for
/// single-threaded WebAssembly.
///
/// `Group` is a cheap handle: clones share one group. It is `!Send`; tasks
/// run on the current thread, polled by one future the group spawns with
/// [`wasm_bindgen_futures::spawn_local`] while it has tasks to run.
///
/// A group made with [`Group::new`] is Go's zero `Group`: it has no limit, a
/// failure aborts nothing, and every queued task runs even after a failure.
/// A group made with [`Group::with_context`] owns an `AbortSignal` that
/// aborts on the first failure, when the parent aborts, or once the group
/// is idle after [`wait`](Group::wait) was polled, whichever happens first;
/// once it has aborted, no task starts any more.
///
/// # Timing
///
/// [`go`](Group::go) never polls the future inside the call: an admitted
/// task is first polled on a later microtask, and dropped unpolled instead
/// if the signal aborts before then. A slot frees when the task's future
/// completes, and the next queued task is admitted in that same moment.
///
/// # Dropping
///
/// Dropping every handle neither cancels nor leaks. The group keeps itself
/// alive while any task holds a slot: running tasks finish, queued tasks are
/// admitted as slots free, and a failure is still recorded and still aborts
/// the signal, although nobody can read it any more. Tasks queued behind a
/// limit of zero, which nothing can raise once the handles are gone, are
/// dropped without being polled.
///
/// # Panics
///
/// A panic inside a task is not caught. This crate's release profile and the
/// `wasm32-unknown-unknown` default use `panic = "abort"`, so a panic traps
/// the whole WebAssembly instance: every group in it stops, and pending
/// `wait()` futures never complete.
pub struct Group<E = JsValue> {
    inner: Rc<Inner<E>>,
}

/// A task, as the group keeps it: its future, and the group it belongs to.
/// It yields `None` if it was skipped at its first poll.
struct Job<E> {
    group: Weak<Inner<E>>,
    /// Polled before; once true, the slot is the task's for good.
    begun: bool,
    future: Pin<Box<dyn Future<Output = Result<(), E>>>>,
}

struct Inner<E> {
    state: RefCell<GroupState<E>>,
    /// A `with_context` group's signal.
    signal: Option<Signal<E>>,
}

/// The core and the values it decides about.
struct GroupState<E> {
    core: State<VecDeque<Job<E>>>,
    /// The tasks holding a slot, unless the driver has taken them out to
    /// poll them; `None` too while no driver runs.
    running: Option<FuturesUnordered<Job<E>>>,
    /// Tasks admitted while the driver polls `running`.
    admitted: Vec<Job<E>>,
    /// The first failure.
    error: Option<E>,
    /// `Wait` futures, woken once the group is idle.
    waiters: Vec<Waker>,
    /// `Ready` futures, woken once `go` would admit a task at once.
    ready: Vec<Waker>,
    driver: Driver,
}

/// Whether the driver future runs, and how to reach it.
enum Driver {
    /// None runs: the next admitted task spawns one.
    Absent,
    /// It waits for a task; waking it polls the admitted ones.
    Waiting(Waker),
    /// It is being polled, or will be soon: it sees new admitted tasks.
    Scheduled,
}

/// The part of a `with_context` group that talks to its `AbortSignal`s.
struct Signal<E> {
    controller: AbortController,
    /// The `abort` listener on the parent; dropping it removes it.
    parent: RefCell<Option<AbortListener>>,
    to_reason: fn(&E) -> JsValue,
    from_reason: fn(JsValue) -> E,
}

impl<E: 'static> Inner<E> {
    fn new(signal: Option<Signal<E>>) -> Rc<Self> {
        Rc::new(Inner {
            state: RefCell::new(GroupState {
                core: State::new(signal.is_some(), VecDeque::new()),
                running: None,
                admitted: Vec::new(),
                error: None,
                waiters: Vec::new(),
                ready: Vec::new(),
                driver: Driver::Absent,
            }),
            signal,
        })
    }

    fn go(self: &Rc<Self>, job: Job<E>) {
        let driver = {
            let mut st = self.state.borrow_mut();
            match st.core.go(job) {
                Admit::Now(job) => st.admit(job),
                Admit::Queued => return,
                Admit::Skip(job) | Admit::Closed(job) => {
                    drop(st);
                    drop(job);
                    return;
                }
            }
        };
        self.wake(driver);
    }

    fn try_go(self: &Rc<Self>, job: Job<E>) -> bool {
        let driver = {
            let mut st = self.state.borrow_mut();
            if !st.core.try_go() {
                return false;
            }
            st.admit(job)
        };
        self.wake(driver);
        true
    }

    /// Gets the driver to poll the tasks just admitted: spawns one if none
    /// runs, wakes it if it waits.
    fn wake(self: &Rc<Self>, driver: Driver) {
        match driver {
            Driver::Absent => spawn_local(Drive {
                group: self.clone(),
                admitted: Vec::new(),
            }),
            Driver::Waiting(waker) => waker.wake(),
            Driver::Scheduled => {}
        }
    }

    /// Records the end of a task that held a slot.
    fn finish(self: &Rc<Self>, result: Result<(), E>) {
        let ended = {
            let mut st = self.state.borrow_mut();
            let ended = st.core.end(result.is_err());
            // Other tasks hold slots and none waits for one: nothing to
            // admit or settle, and nobody to wake. `update` would find so.
            if ended == Ended::Quietly
                && st.core.active() > 0
                && st.core.queued() == 0
                && st.ready.is_empty()
            {
                return;
            }
            ended
        };
        if let (Ended::FirstFailure | Ended::FirstFailureAborts, Err(error)) = (ended, result) {
            let reason = match &self.signal {
                Some(signal) if ended == Ended::FirstFailureAborts => {
                    Some((signal.to_reason)(&error))
                }
                _ => None,
            };
            self.state.borrow_mut().error = Some(error);
            if let Some(reason) = reason {
                self.abort_signal(Some(&reason));
            }
        }
        self.update();
    }

    /// The parent's signal aborted with `reason`.
    fn parent_aborted(self: &Rc<Self>, reason: &JsValue) {
        let first = self.state.borrow_mut().core.abort(Cause::Cancel);
        if first {
            self.abort_signal(Some(reason));
        }
        self.update();
    }

    /// Aborts the group's signal, which the core has just recorded: with
    /// `reason`, or the default `AbortError`.
    fn abort_signal(&self, reason: Option<&JsValue>) {
        let Some(signal) = &self.signal else { return };
        let listener = signal.parent.borrow_mut().take();
        drop(listener);
        match reason {
            Some(reason) => signal.controller.abort_with_reason(reason),
            None => signal.controller.abort(),
        }
    }

    /// Does what the core answers until it has nothing to do, then wakes
    /// whoever waits for the state the group is in. One borrow a pass:
    /// only aborting the signal as settled needs a second.
    fn update(self: &Rc<Self>) {
        let mut skipped = Vec::new();
        loop {
            let (driver, closes, waiters, ready) = {
                let mut st = self.state.borrow_mut();
                let mut driver = Driver::Scheduled;
                while let Some(next) = st.core.next() {
                    match next {
                        Next::Admit(job) => {
                            let was = st.admit(job);
                            if let Driver::Scheduled = driver {
                                driver = was;
                            }
                        }
                        Next::Skip(job) => skipped.push(job),
                    }
                }
                let settle = st.core.settle();
                let closes = settle == Settle::Closes;
                let waiters = if matches!(settle, Settle::Idle(_)) && !st.waiters.is_empty() {
                    mem::take(&mut st.waiters)
                } else {
                    Vec::new()
                };
                let ready = if !closes && !st.ready.is_empty() && st.core.ready() {
                    mem::take(&mut st.ready)
                } else {
                    Vec::new()
                };
                (driver, closes, waiters, ready)
            };
            self.wake(driver);
            if closes {
                self.abort_signal(None);
                continue;
            }
            for waker in waiters.into_iter().chain(ready) {
                waker.wake();
            }
            break;
        }
        drop(skipped);
    }
}

impl<E> GroupState<E> {
    /// Hands a task that holds a slot to the driver; returns how the driver
    /// stood, for [`Inner::wake`].
    fn admit(&mut self, job: Job<E>) -> Driver {
        match &mut self.running {
            Some(running) => running.push(job),
            None => self.admit_aside(job),
        }
        mem::replace(&mut self.driver, Driver::Scheduled)
    }

    /// Hands `job` to the driver while `running` is out: the driver polls
    /// it, or no driver runs.
    #[cold]
    fn admit_aside(&mut self, job: Job<E>) {
        if let Driver::Absent = self.driver {
            self.running = Some(FuturesUnordered::from_iter([job]));
        } else {
            self.admitted.push(job);
        }
    }
}

impl<E: Clone + 'static> Inner<E> {
    /// What `wait` reports once the group is idle.
    fn outcome(&self) -> Result<(), E> {
        let outcome = {
            let st = self.state.borrow();
            match st.core.outcome() {
                Outcome::Done => return Ok(()),
                Outcome::Failed => return st.error.clone().map_or(Ok(()), Err),
                Outcome::Cancelled => Outcome::Cancelled,
            }
        };
        debug_assert_eq!(outcome, Outcome::Cancelled);
        match &self.signal {
            Some(signal) => Err((signal.from_reason)(signal.controller.signal().reason())),
            None => Ok(()),
        }
    }
}

impl<E: 'static> Job<E> {
    fn new(group: &Rc<Inner<E>>, future: impl Future<Output = Result<(), E>> + 'static) -> Self {
        Job {
            group: Rc::downgrade(group),
            begun: false,
            future: Box::pin(future),
        }
    }
}

impl<E: 'static> Future for Job<E> {
    type Output = Option<Result<(), E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if !self.begun {
            // The signal may have aborted since the task was admitted: then
            // it gives its slot back, unpolled.
            let group = self.group.upgrade();
            let begins = group.is_some_and(|group| group.state.borrow_mut().core.start());
            if !begins {
                return Poll::Ready(None);
            }
            self.begun = true;
        }
        self.future.as_mut().poll(cx).map(Some)
    }
}

/// The driver: polls every task that holds a slot, until none does. It
/// takes the group's `running` out while it polls, puts it back when it
/// waits, and drops it when it ends.
struct Drive<E> {
    group: Rc<Inner<E>>,
    /// Taken from the group's `admitted` in one swap; kept for its buffer.
    admitted: Vec<Job<E>>,
}

impl<E: 'static> Future for Drive<E> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        let group = this.group.clone();
        let mut running = {
            let mut st = group.state.borrow_mut();
            st.driver = Driver::Scheduled;
            st.running.take().unwrap_or_default()
        };
        loop {
            {
                let mut st = group.state.borrow_mut();
                if !st.admitted.is_empty() {
                    mem::swap(&mut st.admitted, &mut this.admitted);
                }
            }
            running.extend(this.admitted.drain(..));
            match running.poll_next_unpin(cx) {
                Poll::Ready(Some(Some(result))) => group.finish(result),
                Poll::Ready(Some(None)) => group.update(),
                Poll::Ready(None) => {
                    let mut st = group.state.borrow_mut();
                    if st.admitted.is_empty() {
                        st.driver = Driver::Absent;
                        return Poll::Ready(());
                    }
                }
                Poll::Pending => {
                    let mut st = group.state.borrow_mut();
                    if st.admitted.is_empty() {
                        st.driver = Driver::Waiting(cx.waker().clone());
                        st.running = Some(running);
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl<E: 'static> Group<E> {
    /// Creates Go's zero group: no limit, no signal, and a failure aborts
    /// nothing, so every queued task runs.
    pub fn new() -> Self {
        Group {
            inner: Inner::new(None),
        }
    }

    /// Queues `task`, and returns at once.
    ///
    /// The task is admitted when fewer than [`limit`](Self::set_limit) tasks
    /// hold a slot and no task queued earlier still waits (FIFO). It is then
    /// first polled on a later microtask, never inside this call. Its output
    /// `Err(e)` is the group's error if it is the first failure.
    ///
    /// Once the signal of a `with_context` group has aborted, `task` is
    /// dropped without being polled. Unlike Go, this also holds for tasks
    /// queued before the abort. Use [`ready`](Self::ready) to wait for a
    /// free slot first, as Go's blocking `Go` does.
    pub fn go<F>(&self, task: F)
    where
        F: Future<Output = Result<(), E>> + 'static,
    {
        self.inner.go(Job::new(&self.inner, task));
    }

    /// Queues `task` as [`go`](Self::go) does, and returns a [`JoinHandle`]
    /// to its value.
    ///
    /// The task is admitted, started and skipped exactly as with `go`: when
    /// a slot is free and no task queued earlier waits, first polled on a
    /// later microtask, and dropped unpolled once the signal of a
    /// `with_context` group has aborted. Its output `Err(e)` is the group's
    /// error if it is the first failure, as with `go`; the handle then
    /// yields a [`JoinError`] that [`is_failed`](JoinError::is_failed). The
    /// handle of a task the group dropped unpolled yields one that
    /// [`is_skipped`](JoinError::is_skipped).
    ///
    /// Dropping the handle detaches the task: it runs on.
    ///
    /// ```no_run
    /// # use wasm_errgroup::{Context, Group};
    /// # async fn example() -> Result<(), String> {
    /// let (group, _ctx) = Group::<String>::with_context(&Context::background());
    /// let answer = group.spawn(async { Ok::<_, String>(42) });
    /// let name = group.spawn(async { Ok::<_, String>("errgroup") });
    /// group.wait().await?;
    /// assert_eq!(answer.await, Ok(42));
    /// assert_eq!(name.await, Ok("errgroup"));
    /// # Ok(()) }
    /// ```
    pub fn spawn<T, F>(&self, task: F) -> JoinHandle<T>
    where
        F: Future<Output = Result<T, E>> + 'static,
        T: 'static,
    {
        let (task, handle) = joined(task);
        self.go(task);
        handle
    }

    /// Admits `task` only if a slot is free now and nothing is queued ahead.
    ///
    /// Returns `true` if the task was admitted; it is then first polled on a
    /// later microtask. Returns `false` otherwise, including once the
    /// group's signal has aborted, and drops `task` without polling it.
    pub fn try_go<F>(&self, task: F) -> bool
    where
        F: Future<Output = Result<(), E>> + 'static,
    {
        self.inner.try_go(Job::new(&self.inner, task))
    }

    /// Sets how many tasks may hold a slot at once; `None` means no limit,
    /// the default, and `Some(0)` admits nothing until the limit is raised.
    ///
    /// Unlike Go, which panics when the limit changes while goroutines run,
    /// this may be called at any time. Raising the limit admits queued tasks
    /// at once (they are first polled on a later microtask); lowering it
    /// interrupts nothing and only delays later admissions.
    pub fn set_limit(&self, limit: Option<usize>) {
        self.inner.state.borrow_mut().core.set_limit(limit);
        self.inner.update();
    }

    /// Returns the limit set by [`set_limit`](Self::set_limit).
    pub fn limit(&self) -> Option<usize> {
        self.inner.state.borrow().core.limit()
    }

    /// Returns how many tasks hold a slot: running, or admitted and about to
    /// be polled.
    pub fn active(&self) -> usize {
        self.inner.state.borrow().core.active()
    }

    /// Returns how many tasks wait in the queue for a slot.
    pub fn queued(&self) -> usize {
        self.inner.state.borrow().core.queued()
    }

    /// Returns a future that completes when [`go`](Self::go) would admit a
    /// task at once: a slot is free and nothing is queued. It also completes
    /// once the group's signal has aborted, as `go` then skips at once.
    ///
    /// This is the backpressure Go gets from a blocking `Go`: a producer
    /// awaits `ready()` before each `go`, and so never queues more than it
    /// has slots for.
    pub fn ready(&self) -> Ready<E> {
        Ready {
            group: self.clone(),
        }
    }
}

impl<E: AbortReason + 'static> Group<E> {
    /// Creates a group and a [`Context`] derived from `parent`: Go's
    /// `WithContext`.
    ///
    /// The derived context's signal aborts the first time one of these
    /// happens:
    /// - a task fails: the reason is [`AbortReason::to_abort_reason`] of
    ///   its error (for `E = JsValue`, the error itself);
    /// - `parent` aborts: the reason is the parent's reason. An already
    ///   aborted parent aborts the group at once;
    /// - the group is idle after a [`wait`](Self::wait) future was polled:
    ///   the reason is the default `AbortError` `DOMException`. That is
    ///   before the future completes, and happens even if it is dropped.
    ///
    /// Its listener on `parent` is removed as soon as the group's signal
    /// aborts, or when the group is dropped.
    ///
    /// Once the signal has aborted, no task starts: queued tasks and tasks
    /// passed to `go` later are dropped unpolled. This improves on Go, which
    /// keeps starting functions with a cancelled context (golang/go#61611).
    /// If that skipped work because the parent aborted, and no task failed,
    /// `wait` returns [`AbortReason::from_abort_reason`] of the parent's
    /// reason: skipped work is never reported as success. Tasks that were
    /// running when the parent aborted and completed anyway count as done,
    /// as in Go.
    pub fn with_context(parent: &Context) -> (Self, Context) {
        let controller = AbortController::new().expect_throw("AbortController is not available");
        let signal = controller.signal();
        let inner = Inner::new(Some(Signal {
            controller,
            parent: RefCell::new(None),
            to_reason: E::to_abort_reason,
            from_reason: E::from_abort_reason,
        }));
        if let Some(reason) = parent.reason() {
            inner.parent_aborted(&reason);
        } else if !parent.is_background() {
            let weak: Weak<Inner<E>> = Rc::downgrade(&inner);
            let parent_signal = parent.signal().clone();
            let listener = AbortListener::new(parent.signal(), move || {
                if let Some(inner) = weak.upgrade() {
                    inner.parent_aborted(&parent_signal.reason());
                }
            });
            if let Some(signal) = &inner.signal {
                *signal.parent.borrow_mut() = Some(listener);
            }
        }
        (Group { inner }, Context::from_signal(signal))
    }
}

impl<E: Clone + 'static> Group<E> {
    /// Returns a future that completes once no task holds a slot or waits in
    /// the queue, including tasks that running tasks add meanwhile: Go's
    /// `Wait`.
    ///
    /// It yields the first failure, or `Ok(())`. For a `with_context`
    /// group it also fails when work was skipped because the parent aborted
    /// (see [`with_context`](Self::with_context)).
    ///
    /// Once a `wait` future has been polled on a `with_context` group, the
    /// group closes as soon as it is idle: its signal aborts then (before
    /// the future completes, and even if it is dropped), later tasks are
    /// dropped unpolled, and [`try_go`](Self::try_go) returns `false`.
    /// Every `wait`, concurrent or later, yields the same result. On a group
    /// from [`new`](Self::new), a later `wait` also covers tasks added
    /// since, and yields the first failure ever seen, as Go does.
    ///
    /// The future does nothing until polled. A task that never completes
    /// keeps it pending forever; give the group a parent context with a
    /// deadline and make tasks honour its signal to bound the wait.
    pub fn wait(&self) -> Wait<E> {
        Wait {
            group: self.clone(),
        }
    }
}

impl<E: 'static> Default for Group<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Clone for Group<E> {
    fn clone(&self) -> Self {
        Group {
            inner: self.inner.clone(),
        }
    }
}

impl<E> fmt::Debug for Group<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.state.try_borrow() {
            Ok(st) => f
                .debug_struct("Group")
                .field("limit", &st.core.limit())
                .field("active", &st.core.active())
                .field("queued", &st.core.queued())
                .field("failed", &(st.core.outcome() == Outcome::Failed))
                .field("aborted", &st.core.aborted().is_some())
                .finish(),
            Err(_) => f.debug_struct("Group").finish_non_exhaustive(),
        }
    }
}

/// Future returned by [`Group::wait`].
#[must_use = "futures do nothing unless polled"]
pub struct Wait<E> {
    group: Group<E>,
}

impl<E: Clone + 'static> Future for Wait<E> {
    type Output = Result<(), E>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let inner = &self.group.inner;
        inner.state.borrow_mut().core.wait();
        inner.update();
        {
            let mut st = inner.state.borrow_mut();
            if st.core.status() != Status::Idle {
                push_waker(&mut st.waiters, cx.waker());
                return Poll::Pending;
            }
        }
        Poll::Ready(inner.outcome())
    }
}

impl<E> fmt::Debug for Wait<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait").finish_non_exhaustive()
    }
}

/// Future returned by [`Group::ready`].
#[must_use = "futures do nothing unless polled"]
pub struct Ready<E> {
    group: Group<E>,
}

impl<E: 'static> Future for Ready<E> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let mut st = self.group.inner.state.borrow_mut();
        if st.core.ready() {
            return Poll::Ready(());
        }
        push_waker(&mut st.ready, cx.waker());
        Poll::Pending
    }
}

impl<E> fmt::Debug for Ready<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready").finish_non_exhaustive()
    }
}

/// Adds `waker` to `wakers` unless one there already wakes the same task.
fn push_waker(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}
