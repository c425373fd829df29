//! [`State`]: the errgroup state machine, the core that both the Rust
//! [`Group`] and the JS class run. It counts and decides; it holds no JS
//! value and calls nothing, so no transition can run user code or stop
//! halfway.
//!
//! Its owner keeps the values: the first error, the signal, the waiters,
//! and the tasks, which the core keeps in a [`Queue`] the owner chooses
//! (futures for [`Group`], a bare count for the JS class, whose tasks wait
//! in a JS array).
//!
//! [`Group`]: crate::Group

use alloc::collections::VecDeque;

/// Why a group's signal aborted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// A task failed; the reason is its error.
    Failure,
    /// The parent aborted; the reason is the parent's.
    Parent,
    /// `wait` was called and the group went idle.
    Settled,
}

/// Where the tasks wait for a slot.
pub(crate) trait Queue {
    /// One waiting task.
    type Item;
    fn len(&self) -> usize;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
}

impl<T> Queue for VecDeque<T> {
    type Item = T;
    fn len(&self) -> usize {
        VecDeque::len(self)
    }
    fn push(&mut self, item: T) {
        self.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.pop_front()
    }
}

/// A queue kept elsewhere, in FIFO order, of which the core knows only the
/// length: the JS class keeps its tasks in a JS array.
#[cfg(feature = "js")]
#[derive(Debug, Default)]
pub(crate) struct Count(pub(crate) usize);

#[cfg(feature = "js")]
impl Queue for Count {
    type Item = ();
    fn len(&self) -> usize {
        self.0
    }
    fn push(&mut self, (): ()) {
        self.0 += 1;
    }
    fn pop(&mut self) -> Option<()> {
        self.0 = self.0.checked_sub(1)?;
        Some(())
    }
}

/// What [`State::go`] did with a task.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Admit<T> {
    /// A slot was free and nothing waited ahead: the task holds the slot
    /// now. Its owner starts it on a later microtask, after [`State::begin`].
    Start(T),
    /// The task waits in the queue; [`State::next`] hands it back.
    Queued,
    /// The signal has aborted: the task is skipped, never started.
    Skip(T),
    /// A `with_context` group whose `wait` completed: the task is refused.
    Closed(T),
}

/// What [`State::next`] asks the owner to do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next<T> {
    /// Start this queued task: it holds a slot now.
    Start(T),
    /// Skip this queued task: the signal has aborted.
    Skip(T),
    /// Nothing to do until a running task ends.
    Busy,
    /// Tasks are queued behind a limit of 0 and none runs: only
    /// [`State::set_limit`] can make progress.
    Stuck,
    /// Idle after `wait`: abort the signal now (reason: settled), then call
    /// `next` again.
    Settle,
    /// No task holds a slot or waits: the group is idle.
    Idle,
}

/// What [`State::finish`] made of a task's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// It succeeded, or failed after the group's first failure.
    Quietly,
    /// It is the first failure: keep its error.
    FirstFailure,
    /// It is the first failure and the signal aborts: keep its error and
    /// abort the signal with it.
    FirstFailureAborts,
}

/// How far `wait` has gone on a group with a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waited {
    /// `wait` was not called.
    No,
    /// `wait` was called: the group closes once idle.
    Called,
    /// The group went idle after `wait`: it admits nothing any more.
    Closed,
}

/// What `wait` reports once the group is idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing failed, and no work was skipped because the parent aborted.
    Done,
    /// A task failed: the first failure.
    Failed,
    /// The parent aborted and work was skipped: the parent's reason.
    Skipped,
}

/// The state of one group: how many tasks hold a slot, who waits, and how
/// the group ended. The owner applies each answer before the next call.
#[derive(Debug)]
pub(crate) struct State<Q> {
    /// How many tasks may hold a slot at once; `usize::MAX` is no limit.
    limit: usize,
    /// Tasks holding a slot: running, or admitted and about to begin.
    active: usize,
    queue: Q,
    /// A task has failed; its owner keeps the error.
    failed: bool,
    /// Why the signal aborted, once it has. Never set without a signal.
    aborted: Option<Cause>,
    /// Work was skipped because the parent aborted.
    skipped: bool,
    /// How far `wait` has gone; it stays `No` on a group without a signal.
    waited: Waited,
    /// The group has a signal (`with_context`), which aborts.
    signal: bool,
}

impl<Q: Queue> State<Q> {
    /// A new group with no limit; `signal` for a `with_context` group.
    pub(crate) fn new(signal: bool, queue: Q) -> Self {
        State {
            limit: usize::MAX,
            active: 0,
            queue,
            failed: false,
            aborted: None,
            skipped: false,
            waited: Waited::No,
            signal,
        }
    }

    pub(crate) fn active(&self) -> usize {
        self.active
    }

    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The limit; `None` for no limit.
    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn limit(&self) -> Option<usize> {
        (self.limit != usize::MAX).then_some(self.limit)
    }

    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn aborted(&self) -> Option<Cause> {
        self.aborted
    }

    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn idle(&self) -> bool {
        self.active == 0 && self.queue.len() == 0
    }

    /// A `with_context` group that went idle after `wait`: it admits
    /// nothing any more.
    pub(crate) fn closed(&self) -> bool {
        self.waited == Waited::Closed
    }

    /// Whether [`go`](Self::go) would answer at once, with `Start` or by
    /// skipping, rather than queue.
    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn ready(&self) -> bool {
        self.aborted.is_some() || self.closed() || self.can_start()
    }

    fn can_start(&self) -> bool {
        self.queue.len() == 0 && self.active < self.limit
    }

    /// Takes a new task.
    pub(crate) fn go(&mut self, task: Q::Item) -> Admit<Q::Item> {
        if self.closed() {
            Admit::Closed(task)
        } else if self.aborted.is_some() {
            self.note_skip();
            Admit::Skip(task)
        } else if self.can_start() {
            self.active += 1;
            Admit::Start(task)
        } else {
            self.queue.push(task);
            Admit::Queued
        }
    }

    /// Takes a slot for a new task if [`go`](Self::go) would start it now.
    pub(crate) fn try_go(&mut self) -> bool {
        let start = self.aborted.is_none() && !self.closed() && self.can_start();
        self.active += usize::from(start);
        start
    }

    /// An admitted task is about to begin. Returns false, and gives its
    /// slot back, if the signal aborted since it was admitted: it is
    /// skipped.
    pub(crate) fn begin(&mut self) -> bool {
        if self.aborted.is_none() {
            return true;
        }
        self.active = self.active.saturating_sub(1);
        self.note_skip();
        false
    }

    /// A task that held a slot ended, failed or not.
    pub(crate) fn finish(&mut self, failed: bool) -> Ended {
        self.active = self.active.saturating_sub(1);
        if !failed || self.failed {
            return Ended::Quietly;
        }
        self.failed = true;
        if self.abort(Cause::Failure) {
            Ended::FirstFailureAborts
        } else {
            Ended::FirstFailure
        }
    }

    /// Records that the signal aborts for `cause`. Returns false if the
    /// group has no signal or it has aborted already.
    pub(crate) fn abort(&mut self, cause: Cause) -> bool {
        let first = self.signal && self.aborted.is_none();
        if first {
            self.aborted = Some(cause);
        }
        first
    }

    /// Marks `wait` as called: a group with a signal closes once idle,
    /// the next time [`next`](Self::next) finds it so.
    pub(crate) fn wait(&mut self) {
        if self.signal && self.waited == Waited::No {
            self.waited = Waited::Called;
        }
    }

    /// Sets the limit; `None` for no limit.
    pub(crate) fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit.unwrap_or(usize::MAX);
    }

    /// The next thing to do with the queue, or how the group stands.
    pub(crate) fn next(&mut self) -> Next<Q::Item> {
        let aborted = self.aborted.is_some();
        if aborted || self.active < self.limit {
            if let Some(task) = self.queue.pop() {
                return if aborted {
                    self.note_skip();
                    Next::Skip(task)
                } else {
                    self.active += 1;
                    Next::Start(task)
                };
            }
        }
        if self.queue.len() > 0 {
            if self.active == 0 {
                Next::Stuck
            } else {
                Next::Busy
            }
        } else if self.active > 0 {
            Next::Busy
        } else if self.waited == Waited::Called {
            self.waited = Waited::Closed;
            if self.abort(Cause::Settled) {
                Next::Settle
            } else {
                Next::Idle
            }
        } else {
            Next::Idle
        }
    }

    /// What `wait` reports once the group is idle.
    pub(crate) fn outcome(&self) -> Outcome {
        if self.failed {
            Outcome::Failed
        } else if self.skipped {
            Outcome::Skipped
        } else {
            Outcome::Done
        }
    }

    fn note_skip(&mut self) {
        self.skipped |= self.aborted == Some(Cause::Parent);
    }
}

/// An idle JS group keeps its state as one number, so that it holds no wasm
/// memory: bit 0 a signal, 1 failed, 2 skipped, 3 and 4 how far `wait` has
/// gone (0 no, 1 called, 2 closed), 5 and 6 why the signal aborted (0 not
/// yet, 1 a failure, 2 the parent, 3 settled). The
/// limit and the counts are not in it: the group keeps the limit, and an
/// idle group counts nothing.
#[cfg(feature = "js")]
impl State<Count> {
    /// The state of an idle group.
    pub(crate) fn to_bits(&self) -> u32 {
        let aborted = match self.aborted {
            None => 0,
            Some(Cause::Failure) => 1,
            Some(Cause::Parent) => 2,
            Some(Cause::Settled) => 3,
        };
        u32::from(self.signal)
            | u32::from(self.failed) << 1
            | u32::from(self.skipped) << 2
            | (self.waited as u32) << 3
            | aborted << 5
    }

    /// An idle group from [`to_bits`](Self::to_bits) and its limit. `0` is
    /// a new group without a signal, `1` one with a signal.
    pub(crate) fn from_bits(bits: u32, limit: Option<usize>) -> Self {
        let mut state = State::new(bits & 1 != 0, Count(0));
        state.set_limit(limit);
        state.failed = bits & 2 != 0;
        state.skipped = bits & 4 != 0;
        state.waited = match bits >> 3 & 3 {
            0 => Waited::No,
            1 => Waited::Called,
            _ => Waited::Closed,
        };
        state.aborted = match bits >> 5 & 3 {
            0 => None,
            1 => Some(Cause::Failure),
            2 => Some(Cause::Parent),
            _ => Some(Cause::Settled),
        };
        state
    }
}
