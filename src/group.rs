//! [`Group`]: the errgroup core shared by the Rust API and the JS class.
//!
//! All state lives in one `RefCell<State>`. Every method takes what it needs
//! out of the cell, drops the borrow, and only then calls anything that can
//! run user code (a task, an abort listener, a waker, a destructor), so any of
//! those may call back into the group.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{OnceCell, RefCell};
use core::fmt;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use crate::context::Context;
use crate::listener::AbortListener;
use crate::reason::AbortReason;

/// A group of tasks working on parts of one job: Go's `errgroup.Group` for
/// single-threaded WebAssembly.
///
/// `Group` is a cheap handle: clones share one group. It is `!Send`; tasks
/// run on the current thread with [`wasm_bindgen_futures::spawn_local`].
///
/// A group made with [`Group::new`] is Go's zero `Group`: it has no limit, a
/// failure aborts nothing, and every queued task runs even after a failure.
/// A group made with [`Group::with_context`] owns an `AbortSignal` that
/// aborts on the first failure, when the parent aborts, or when
/// [`wait`](Group::wait) completes, whichever happens first; once it has
/// aborted, no task starts any more.
///
/// # Timing
///
/// [`go`](Group::go) never polls the future inside the call: an admitted
/// task is first polled on a later microtask, and dropped unpolled instead if
/// the signal aborts before then. A slot frees when the task's future
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
/// `wait()` futures never complete. (The JS class rejects its pending
/// promises first; see [`JsErrGroup`](crate::JsErrGroup).)
pub struct Group<E = JsValue> {
    pub(crate) inner: Rc<Inner<E>>,
}

/// Work the group can start or skip.
pub(crate) trait Task<E> {
    /// Starts the task. It calls [`Inner::finish`] exactly once, now or
    /// later, unless the signal aborts before it really begins: then it
    /// gives its slot back through `skip_if_aborted` instead.
    fn start(self: Box<Self>, group: &Rc<Inner<E>>);
    /// Tells the task it will never start.
    fn skip(self: Box<Self>);
}

/// Someone waiting for the group: a Rust future's waker, or a callback (the
/// JS class's `wait()` and `map()`, which use no Rust futures).
pub(crate) enum Waiter<E> {
    Waker(Waker),
    Call(Call<E>),
}

/// A callback run once with the group.
pub(crate) type Call<E> = Box<dyn FnOnce(&Rc<Inner<E>>)>;

/// What [`Inner::submit`] does with the next task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// A slot is free and nothing waits ahead: it starts on a later microtask.
    Start,
    /// It waits in the FIFO queue for a slot.
    Queue,
    /// The group's signal has aborted: it is skipped.
    Skip,
    /// A `with_context` group whose `wait` has completed: it is skipped.
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cause {
    Failure,
    Parent,
    Settled,
}

pub(crate) struct Inner<E> {
    state: RefCell<State<E>>,
    abort: Option<Abort<E>>,
    /// Runs what [`update`](Inner::update) deferred, through
    /// `queueMicrotask`; made at the first deferral, released with the
    /// group (a queued tick holds the group, so none is left to run then).
    tick: OnceCell<Closure<dyn Fn()>>,
}

/// The part of a `with_context` group that talks to its `AbortSignal`s.
struct Abort<E> {
    controller: AbortController,
    /// The `abort` listener on the parent; dropping it removes it.
    parent: RefCell<Option<AbortListener>>,
    to_reason: fn(&E) -> JsValue,
    from_reason: fn(JsValue) -> E,
}

struct State<E> {
    limit: Option<usize>,
    /// Tasks holding a slot: running, or admitted and about to be called.
    active: usize,
    /// Tasks not called yet, FIFO. The first `admitted` of them hold a slot.
    jobs: VecDeque<Box<dyn Task<E>>>,
    admitted: usize,
    /// The first failure.
    error: Option<E>,
    /// Why the group's signal aborted, once it has.
    aborted: Option<Cause>,
    /// The parent's abort reason, once it aborted the group.
    parent_reason: Option<JsValue>,
    /// Work was skipped because the parent aborted.
    skipped: bool,
    /// `wait` has been called on a `with_context` group.
    wait_requested: bool,
    /// A `with_context` group whose `wait` has completed.
    closed: bool,
    draining: bool,
    /// Work for the next tick: calling admitted tasks, aborting a settled
    /// group. `ticking` holds the group until the tick runs.
    drain_scheduled: bool,
    settle_scheduled: bool,
    ticking: Option<Rc<Inner<E>>>,
    waiters: Vec<Waiter<E>>,
    ready: Vec<Waiter<E>>,
    /// The group holds itself while a task holds a slot, so that it outlives
    /// its handles (see "Dropping" on [`Group`]).
    keepalive: Option<Rc<Inner<E>>>,
}

impl<E> State<E> {
    fn has_slot(&self) -> bool {
        self.limit.is_none_or(|limit| self.active < limit)
    }

    fn queued(&self) -> usize {
        self.jobs.len() - self.admitted
    }

    fn idle(&self) -> bool {
        self.active == 0 && self.jobs.is_empty()
    }

    /// Whether `go` would admit a task at once, or skip it at once.
    fn ready(&self) -> bool {
        self.aborted.is_some() || self.closed || (self.queued() == 0 && self.has_slot())
    }

    fn admission(&self) -> Admission {
        if self.closed {
            Admission::Closed
        } else if self.aborted.is_some() {
            Admission::Skip
        } else if self.queued() == 0 && self.has_slot() {
            Admission::Start
        } else {
            Admission::Queue
        }
    }
}

impl<E: 'static> Inner<E> {
    fn new(abort: Option<Abort<E>>) -> Rc<Self> {
        Rc::new(Inner {
            state: RefCell::new(State {
                limit: None,
                active: 0,
                jobs: VecDeque::new(),
                admitted: 0,
                error: None,
                aborted: None,
                parent_reason: None,
                skipped: false,
                wait_requested: false,
                closed: false,
                draining: false,
                drain_scheduled: false,
                settle_scheduled: false,
                ticking: None,
                waiters: Vec::new(),
                ready: Vec::new(),
                keepalive: None,
            }),
            abort,
            tick: OnceCell::new(),
        })
    }

    /// What [`submit`](Self::submit) would do with a task now.
    pub(crate) fn admission(&self) -> Admission {
        self.state.borrow().admission()
    }

    /// Queues `task`, admits it if a slot is free, or skips it.
    pub(crate) fn submit(self: &Rc<Self>, task: Box<dyn Task<E>>) -> Admission {
        let admission = {
            let mut st = self.state.borrow_mut();
            let admission = st.admission();
            match admission {
                Admission::Start | Admission::Queue => st.jobs.push_back(task),
                Admission::Skip | Admission::Closed => {
                    if st.aborted == Some(Cause::Parent) && st.error.is_none() && !st.closed {
                        st.skipped = true;
                    }
                    drop(st);
                    task.skip();
                    return admission;
                }
            }
            admission
        };
        self.update(false);
        admission
    }

    /// Records the end of a task that held a slot.
    pub(crate) fn finish(self: &Rc<Self>, result: Result<(), E>) {
        {
            let mut st = self.state.borrow_mut();
            debug_assert!(st.active > 0, "finish without a slot");
            st.active = st.active.saturating_sub(1);
        }
        if let Err(error) = result {
            self.fail(error);
        }
        self.update(true);
    }

    /// Records a failure; the first one is the group's error and aborts
    /// its signal.
    pub(crate) fn fail(self: &Rc<Self>, error: E) {
        let reason = match &self.abort {
            Some(abort) if self.state.borrow().error.is_none() => Some((abort.to_reason)(&error)),
            _ => None,
        };
        let first = {
            let mut st = self.state.borrow_mut();
            let first = st.error.is_none();
            if first {
                st.error = Some(error);
            }
            first
        };
        if let (true, Some(reason)) = (first, reason) {
            self.abort(Some(reason), Cause::Failure);
        }
    }

    /// Called at a spawned task's first poll. If the group's signal has
    /// aborted since the task was admitted, gives its slot back and returns
    /// true: the task is skipped and must not be polled.
    fn skip_if_aborted(self: &Rc<Self>) -> bool {
        {
            let mut st = self.state.borrow_mut();
            if st.aborted.is_none() {
                return false;
            }
            st.active = st.active.saturating_sub(1);
            if st.aborted == Some(Cause::Parent) && st.error.is_none() {
                st.skipped = true;
            }
        }
        self.update(true);
        true
    }

    /// Returns whether the group's signal has aborted.
    pub(crate) fn is_aborted(&self) -> bool {
        self.state.borrow().aborted.is_some()
    }

    /// Aborts the group's signal, removes the parent listener and skips every
    /// task not called yet. Only the first call has an effect.
    fn abort(self: &Rc<Self>, reason: Option<JsValue>, cause: Cause) {
        let Some(abort) = &self.abort else { return };
        let jobs = {
            let mut st = self.state.borrow_mut();
            if st.aborted.is_some() {
                return;
            }
            st.aborted = Some(cause);
            let jobs = mem::take(&mut st.jobs);
            st.active -= st.admitted;
            st.admitted = 0;
            if cause == Cause::Parent {
                st.parent_reason = reason.clone();
                st.skipped = !jobs.is_empty() && st.error.is_none();
            }
            jobs
        };
        let listener = abort.parent.borrow_mut().take();
        drop(listener);
        match reason {
            Some(reason) => abort.controller.abort_with_reason(&reason),
            None => abort.controller.abort(),
        }
        for job in jobs {
            job.skip();
        }
        self.update(false);
    }

    /// Admits queued tasks into free slots and starts them, settles a
    /// waited-on `with_context` group once it is idle, and wakes whoever
    /// waits. `inline` is true in callbacks and polls, where tasks start and
    /// the signal aborts at once; in methods called by users they happen on
    /// a later microtask.
    fn update(self: &Rc<Self>, inline: bool) {
        let mut drain_now = false;
        let mut settle = false;
        let mut schedule = false;
        let (waiters, ready, released) = {
            let mut st = self.state.borrow_mut();
            while st.aborted.is_none() && st.queued() > 0 && st.has_slot() {
                st.admitted += 1;
                st.active += 1;
            }
            if st.admitted > 0 && !st.draining {
                if inline {
                    drain_now = true;
                } else {
                    st.drain_scheduled = true;
                }
            }
            let released = if st.active == 0 {
                st.keepalive.take()
            } else {
                if st.keepalive.is_none() {
                    st.keepalive = Some(self.clone());
                }
                None
            };
            let idle = st.idle();
            if idle && st.wait_requested && !st.closed {
                st.closed = true;
                if inline {
                    settle = true;
                } else {
                    // Inside a method the caller called (wait, set_limit, go),
                    // the abort waits for the tick: its `AbortError` captures
                    // the JS stack, and a stack holding the caller's
                    // `ErrGroup` would make a cycle through the group that no
                    // GC can collect.
                    st.settle_scheduled = true;
                }
            }
            if (st.drain_scheduled || st.settle_scheduled) && st.ticking.is_none() {
                st.ticking = Some(self.clone());
                schedule = true;
            }
            let waiters = if idle {
                mem::take(&mut st.waiters)
            } else {
                Vec::new()
            };
            let ready = if st.ready() {
                mem::take(&mut st.ready)
            } else {
                Vec::new()
            };
            (waiters, ready, released)
        };
        if schedule {
            self.schedule_tick();
        }
        if drain_now {
            self.drain();
        }
        if settle {
            self.abort(None, Cause::Settled);
        }
        for waiter in waiters.into_iter().chain(ready) {
            match waiter {
                Waiter::Waker(waker) => waker.wake(),
                Waiter::Call(call) => call(self),
            }
        }
        drop(released);
    }

    /// Queues the tick on a later microtask. The tick holds the group only
    /// weakly; `ticking` holds it strongly until the tick runs.
    fn schedule_tick(self: &Rc<Self>) {
        let tick = self.tick.get_or_init(|| {
            let group = Rc::downgrade(self);
            Closure::new(move || {
                if let Some(group) = group.upgrade() {
                    group.run_tick();
                }
            })
        });
        crate::sys::queue_microtask(tick.as_ref().unchecked_ref());
    }

    fn run_tick(self: &Rc<Self>) {
        let (drain, settle, ticking) = {
            let mut st = self.state.borrow_mut();
            (
                mem::take(&mut st.drain_scheduled),
                mem::take(&mut st.settle_scheduled),
                st.ticking.take(),
            )
        };
        if drain {
            self.drain();
        }
        if settle {
            self.abort(None, Cause::Settled);
        }
        drop(ticking);
    }

    /// Calls every admitted task, including those admitted while it runs.
    fn drain(self: &Rc<Self>) {
        {
            let mut st = self.state.borrow_mut();
            if st.draining {
                return;
            }
            st.draining = true;
        }
        loop {
            let task = {
                let mut st = self.state.borrow_mut();
                if st.admitted == 0 {
                    st.draining = false;
                    break;
                }
                st.admitted -= 1;
                st.jobs.pop_front()
            };
            if let Some(task) = task {
                task.start(self);
            }
        }
        self.update(true);
    }

    /// Marks `wait` as called. A `with_context` group that is idle settles
    /// now (`inline`: in a poll) or is closed now and aborts on a later
    /// microtask (in a method the caller called).
    pub(crate) fn request_wait(self: &Rc<Self>, inline: bool) {
        let idle = {
            let mut st = self.state.borrow_mut();
            st.wait_requested |= self.abort.is_some();
            st.idle()
        };
        if idle {
            self.update(inline);
        }
    }

    /// Calls `call` once the group is idle, after marking `wait` as called
    /// as [`request_wait`](Self::request_wait) does: at once if it is idle
    /// now, else when the last task ends.
    pub(crate) fn when_idle(self: &Rc<Self>, inline: bool, call: Call<E>) {
        self.request_wait(inline);
        let call = {
            let mut st = self.state.borrow_mut();
            if !st.idle() {
                st.waiters.push(Waiter::Call(call));
                return;
            }
            call
        };
        call(self);
    }

    /// Whether `go` would admit a task at once, or skip it at once.
    pub(crate) fn is_ready(&self) -> bool {
        self.state.borrow().ready()
    }

    /// Calls `call` the next time [`is_ready`](Self::is_ready) turns true.
    /// Call it only while it is false.
    pub(crate) fn when_ready(&self, call: Call<E>) {
        self.state.borrow_mut().ready.push(Waiter::Call(call));
    }

    pub(crate) fn set_limit(self: &Rc<Self>, limit: Option<usize>) {
        self.state.borrow_mut().limit = limit;
        self.update(false);
    }

    pub(crate) fn active(&self) -> usize {
        self.state.borrow().active
    }

    pub(crate) fn queued(&self) -> usize {
        self.state.borrow().queued()
    }

    pub(crate) fn limit(&self) -> Option<usize> {
        self.state.borrow().limit
    }
}

impl<E: Clone + 'static> Inner<E> {
    /// What `wait` reports once the group is idle.
    pub(crate) fn outcome(&self) -> Result<(), E> {
        let parent_reason = {
            let st = self.state.borrow();
            if let Some(error) = &st.error {
                return Err(error.clone());
            }
            if !st.skipped {
                return Ok(());
            }
            st.parent_reason.clone().unwrap_or(JsValue::UNDEFINED)
        };
        match &self.abort {
            Some(abort) => Err((abort.from_reason)(parent_reason)),
            None => Ok(()),
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
    /// spawned on a later microtask, never inside this call. Its output
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
        self.inner.submit(Box::new(FutureTask(task)));
    }

    /// Spawns `task` only if a slot is free now and nothing is queued ahead.
    ///
    /// Returns `true` if the task was admitted; it is then spawned on a later
    /// microtask. Returns `false` otherwise, including once the group's
    /// signal has aborted, and drops `task` without polling it.
    pub fn try_go<F>(&self, task: F) -> bool
    where
        F: Future<Output = Result<(), E>> + 'static,
    {
        if self.inner.admission() != Admission::Start {
            return false;
        }
        self.inner.submit(Box::new(FutureTask(task))) == Admission::Start
    }

    /// Sets how many tasks may hold a slot at once; `None` means no limit,
    /// the default, and `Some(0)` admits nothing until the limit is raised.
    ///
    /// Unlike Go, which panics when the limit changes while goroutines run,
    /// this may be called at any time. Raising the limit admits queued tasks
    /// at once (they are spawned on a later microtask); lowering it
    /// interrupts nothing and only delays later admissions.
    pub fn set_limit(&self, limit: Option<usize>) {
        self.inner.set_limit(limit);
    }

    /// Returns the limit set by [`set_limit`](Self::set_limit).
    pub fn limit(&self) -> Option<usize> {
        self.inner.limit()
    }

    /// Returns how many tasks hold a slot: running, or admitted and about to
    /// be spawned.
    pub fn active(&self) -> usize {
        self.inner.active()
    }

    /// Returns how many tasks wait in the queue for a slot.
    pub fn queued(&self) -> usize {
        self.inner.queued()
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
    /// - [`wait`](Self::wait) completes: the reason is the default
    ///   `AbortError` `DOMException`.
    ///
    /// Its listener on `parent` is removed as soon as the group's signal
    /// aborts, or when the group is dropped.
    ///
    /// Once the signal has aborted, no task starts: queued tasks and tasks
    /// passed to `go` later are dropped unpolled. This improves on Go, which
    /// keeps starting functions with a cancelled context (golang/go#61611).
    /// If that skipped work because the parent aborted, and no task failed,
    /// `wait` returns [`AbortReason::from_abort_reason`] of the parent's
    /// reason: skipped work is never reported as success.
    pub fn with_context(parent: &Context) -> (Self, Context) {
        let controller = AbortController::new().expect_throw("AbortController is not available");
        let signal = controller.signal();
        let inner = Inner::new(Some(Abort {
            controller,
            parent: RefCell::new(None),
            to_reason: E::to_abort_reason,
            from_reason: E::from_abort_reason,
        }));
        if parent.is_aborted() {
            inner.abort(parent.reason(), Cause::Parent);
        } else if !parent.is_background() {
            let weak = Rc::downgrade(&inner);
            let parent_signal = parent.signal().clone();
            let listener = AbortListener::new(parent.signal(), move || {
                if let Some(inner) = weak.upgrade() {
                    inner.abort(Some(parent_signal.reason()), Cause::Parent);
                }
            });
            if let Some(abort) = &inner.abort {
                *abort.parent.borrow_mut() = Some(listener);
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
    /// The first time a `wait` future completes on a `with_context` group,
    /// the group's signal aborts, and the group is closed: later tasks are
    /// dropped unpolled and [`try_go`](Self::try_go) returns `false`. Every
    /// `wait`, concurrent or later, yields the same result. On a group from
    /// [`new`](Self::new), a later `wait` also covers tasks added since, and
    /// yields the first failure ever seen, as Go does.
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
                .field("limit", &st.limit)
                .field("active", &st.active)
                .field("queued", &st.queued())
                .field("failed", &st.error.is_some())
                .field("aborted", &st.aborted.is_some())
                .finish(),
            Err(_) => f.debug_struct("Group").finish_non_exhaustive(),
        }
    }
}

/// A Rust future run as a group task.
struct FutureTask<F>(F);

impl<E, F> Task<E> for FutureTask<F>
where
    E: 'static,
    F: Future<Output = Result<(), E>> + 'static,
{
    fn start(self: Box<Self>, group: &Rc<Inner<E>>) {
        let group = group.clone();
        let task = self.0;
        spawn_local(async move {
            // The signal may have aborted between admission and this poll.
            if group.skip_if_aborted() {
                return;
            }
            let result = task.await;
            group.finish(result);
        });
    }

    fn skip(self: Box<Self>) {}
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
        inner.request_wait(true);
        {
            let mut st = inner.state.borrow_mut();
            if !st.idle() {
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
        if st.ready() {
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

/// Adds `waker` to `waiters` unless one there already wakes the same task.
fn push_waker<E>(waiters: &mut Vec<Waiter<E>>, waker: &Waker) {
    let known = waiters
        .iter()
        .any(|w| matches!(w, Waiter::Waker(w) if w.will_wake(waker)));
    if !known {
        waiters.push(Waiter::Waker(waker.clone()));
    }
}
