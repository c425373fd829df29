//! [`State`]: the errgroup state machine that both the Rust [`Group`] and
//! the JS class run. It counts and decides; it holds no JS value and calls
//! nothing, so no transition can run user code or stop halfway.
//!
//! Its owner keeps the values: the first error, the signal, the waiters,
//! and the tasks, which the state keeps in a [`Queue`] the owner chooses
//! (futures for [`Group`], a bare count for the JS class, whose tasks wait
//! in a JS array).
//!
//! The words, here and in both APIs: a task is *admitted* when it gets a
//! slot, *started* when it is first called or polled, *skipped* when it
//! never is, and *ends* when it completes. The signal *aborts* on the first
//! failure, a *cancel* (the parent's abort, or `abort()`), or when a group
//! that was waited on *settles*: it is idle, and `wait` reports its
//! outcome. A settled group with a signal is *closed*: it admits nothing
//! any more.
//!
//! [`Group`]: crate::Group

#[cfg(any(feature = "group", test))]
use alloc::collections::VecDeque;

/// Why a group stopped admitting tasks. The discriminants are its
/// [`bit::ABORTED`] bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// A task failed, in a group with a signal.
    Failure = 1,
    /// The parent aborted, or the group was aborted directly.
    Cancel = 2,
    /// The group settled after `wait`.
    Settled = 3,
}

/// Where the tasks wait for a slot, oldest first.
pub(crate) trait Queue {
    /// One waiting task.
    type Item;
    fn len(&self) -> usize;
    fn push(&mut self, item: Self::Item);
    #[cfg_attr(not(any(feature = "group", test)), allow(dead_code))]
    fn pop(&mut self) -> Option<Self::Item>;
}

#[cfg(any(feature = "group", test))]
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

/// A queue kept elsewhere, of which the state knows only the length: the
/// JS class keeps its tasks in a JS array.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Count(pub(crate) usize);

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
    /// It holds a slot now. Its owner starts it on a later microtask,
    /// after [`State::start`].
    Now(T),
    /// It waits in the queue; [`State::next`] hands it back.
    Queued,
    /// The group stopped admitting (a failure or a cancel): it is skipped.
    Skip(T),
    /// The group is closed: the task is refused.
    Closed(T),
}

/// What [`State::next`] hands back: the oldest queued task.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(not(any(feature = "group", test)), allow(dead_code))]
pub(crate) enum Next<T> {
    /// It holds a slot now.
    Admit(T),
    /// It is skipped: the group stopped admitting.
    Skip(T),
}

/// How a group stands once [`State::next`] has nothing to hand back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Tasks hold slots: wait for one to end.
    Busy,
    /// Tasks are queued behind a limit of 0 and none holds a slot: only
    /// [`State::set_limit`] can admit them.
    Stuck,
    /// No task holds a slot or waits for one.
    Idle,
}

/// What [`State::end`] made of a task's end.
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

/// How far `wait` has gone on a group with a signal. The discriminants are
/// its [`bit::WAITED`] bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waited {
    /// `wait` was not called.
    No = 0,
    /// `wait` was called: the group closes once idle.
    Called = 1,
    /// The group settled after `wait`: it admits nothing any more.
    Closed = 2,
}

/// What `wait` reports once the group is idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing failed, and no work was skipped by a cancel.
    Done,
    /// A task failed: the first failure.
    Failed,
    /// A cancel skipped work: its reason.
    Cancelled,
}

/// What [`State::settle`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Settle {
    /// Not idle: nothing to report yet.
    No,
    /// Idle: `wait` reports this outcome.
    Idle(Outcome),
    /// Idle after `wait`, and the group has just closed: abort the signal
    /// (reason: settled) before reporting. The outcome is `Done`: any
    /// other outcome aborted the signal already.
    Closes,
}

/// The state of one group. The owner applies each answer before the next
/// call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State<Q> {
    /// How many tasks may hold a slot at once; `usize::MAX` is no limit.
    limit: usize,
    /// Tasks holding a slot: started, or admitted and about to start.
    active: usize,
    queue: Q,
    /// A task has failed; the owner keeps the error.
    failed: bool,
    /// Why the group stopped admitting, once it has.
    aborted: Option<Cause>,
    /// A cancel skipped work.
    skipped: bool,
    /// How far `wait` has gone; it stays `No` on a group without a signal.
    waited: Waited,
    /// The group has a signal (`with_context`, `withSignal`), which aborts
    /// on the first failure and when the group settles after `wait`.
    signal: bool,
}

/// Whether a new task would be admitted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Admit,
    Queue,
    Skip,
    Closed,
}

impl<Q: Queue> State<Q> {
    /// A new group with no limit; `signal` for one with a signal.
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

    #[cfg_attr(not(any(feature = "group", test)), allow(dead_code))]
    pub(crate) fn active(&self) -> usize {
        self.active
    }

    #[cfg_attr(not(any(feature = "group", test)), allow(dead_code))]
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The limit; `None` for no limit.
    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn limit(&self) -> Option<usize> {
        (self.limit != usize::MAX).then_some(self.limit)
    }

    /// Why the group stopped admitting, once it has.
    #[cfg_attr(not(feature = "group"), allow(dead_code))]
    pub(crate) fn aborted(&self) -> Option<Cause> {
        self.aborted
    }

    /// The one admission rule, for [`go`](Self::go), [`try_go`](Self::try_go)
    /// and [`ready`](Self::ready): a closed group refuses, a stopped one
    /// skips, and a task is admitted if a slot is free and nothing waits
    /// ahead of it (FIFO).
    fn rule(&self) -> Rule {
        if self.waited == Waited::Closed {
            Rule::Closed
        } else if self.aborted.is_some() {
            Rule::Skip
        } else if self.queue.len() == 0 && self.active < self.limit {
            Rule::Admit
        } else {
            Rule::Queue
        }
    }

    /// Takes a new task.
    pub(crate) fn go(&mut self, task: Q::Item) -> Admit<Q::Item> {
        match self.rule() {
            Rule::Closed => Admit::Closed(task),
            Rule::Skip => {
                self.note_skip();
                Admit::Skip(task)
            }
            Rule::Admit => {
                self.active += 1;
                Admit::Now(task)
            }
            Rule::Queue => {
                self.queue.push(task);
                Admit::Queued
            }
        }
    }

    /// Admits a new task only if [`go`](Self::go) would admit it now.
    pub(crate) fn try_go(&mut self) -> bool {
        let admit = self.rule() == Rule::Admit;
        self.active += usize::from(admit);
        admit
    }

    /// Whether [`go`](Self::go) would answer at once (admit, skip or
    /// refuse) rather than queue.
    pub(crate) fn ready(&self) -> bool {
        self.rule() != Rule::Queue
    }

    /// An admitted task is about to start. Returns false, and gives its
    /// slot back, if the group stopped admitting since: it is skipped.
    pub(crate) fn start(&mut self) -> bool {
        if self.aborted.is_none() {
            return true;
        }
        self.active = self.active.saturating_sub(1);
        self.note_skip();
        false
    }

    /// A task that held a slot ended, failed or not.
    pub(crate) fn end(&mut self, failed: bool) -> Ended {
        self.active = self.active.saturating_sub(1);
        if failed {
            self.fail()
        } else {
            Ended::Quietly
        }
    }

    /// A task failed: the first failure stops a group with a signal.
    fn fail(&mut self) -> Ended {
        if self.failed {
            return Ended::Quietly;
        }
        self.failed = true;
        if self.abort(Cause::Failure) {
            Ended::FirstFailureAborts
        } else {
            Ended::FirstFailure
        }
    }

    /// Stops admitting for `cause`. Returns whether this call stopped the
    /// group: then a group with a signal aborts it. A failure or a settle
    /// stops only a group with a signal; a cancel stops any group.
    pub(crate) fn abort(&mut self, cause: Cause) -> bool {
        let first = self.aborted.is_none() && (self.signal || cause == Cause::Cancel);
        if first {
            self.aborted = Some(cause);
        }
        first
    }

    /// Marks `wait` as called: a group with a signal closes once idle, at
    /// the next [`settle`](Self::settle) that finds it so.
    pub(crate) fn wait(&mut self) {
        if self.signal && self.waited == Waited::No {
            self.waited = Waited::Called;
        }
    }

    /// Sets the limit; `None` for no limit.
    pub(crate) fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit.unwrap_or(usize::MAX);
    }

    /// How many of the oldest queued tasks can be handed back now, and
    /// whether they are skipped (the group stopped) or admitted (into the
    /// free slots): the one rule of [`next`](Self::next).
    fn movable(&self) -> (usize, bool) {
        if self.aborted.is_some() {
            (self.queue.len(), true)
        } else {
            let free = self.limit.saturating_sub(self.active);
            (self.queue.len().min(free), false)
        }
    }

    /// Hands back the oldest queued task if it can be admitted or must be
    /// skipped now; `None` while it must wait, or if none waits.
    #[cfg_attr(not(any(feature = "group", test)), allow(dead_code))]
    pub(crate) fn next(&mut self) -> Option<Next<Q::Item>> {
        let (movable, skip) = self.movable();
        if movable == 0 {
            return None;
        }
        let task = self.queue.pop()?;
        if skip {
            self.note_skip();
            Some(Next::Skip(task))
        } else {
            self.active += 1;
            Some(Next::Admit(task))
        }
    }

    /// How the group stands.
    pub(crate) fn status(&self) -> Status {
        match (self.active, self.queue.len()) {
            (0, 0) => Status::Idle,
            (0, _) if self.aborted.is_none() && self.limit == 0 => Status::Stuck,
            _ => Status::Busy,
        }
    }

    /// Once the group is idle: closes it if `wait` was called, and says
    /// what `wait` reports.
    pub(crate) fn settle(&mut self) -> Settle {
        if self.status() != Status::Idle {
            return Settle::No;
        }
        if self.waited == Waited::Called {
            self.waited = Waited::Closed;
            if self.abort(Cause::Settled) {
                return Settle::Closes;
            }
        }
        Settle::Idle(self.outcome())
    }

    /// What `wait` reports once the group is idle.
    pub(crate) fn outcome(&self) -> Outcome {
        if self.failed {
            Outcome::Failed
        } else if self.skipped {
            Outcome::Cancelled
        } else {
            Outcome::Done
        }
    }

    fn note_skip(&mut self) {
        self.skipped |= self.aborted == Some(Cause::Cancel);
    }
}

/// The JS class keeps a group's state in numbers: its limit, its counts,
/// and the rest in one number of bits, which the core decodes and encodes
/// on every call (src/js/mod.rs).
impl State<Count> {
    /// Hands back up to `max` of the oldest queued tasks at once, as that
    /// many calls of [`next`](State::next) would: how many, and whether
    /// they are skipped rather than admitted.
    #[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
    pub(crate) fn next_many(&mut self, max: usize) -> (usize, bool) {
        let (movable, skip) = self.movable();
        let count = movable.min(max);
        self.queue.0 -= count;
        if !skip {
            self.active += count;
        } else if count > 0 {
            self.note_skip();
        }
        (count, skip)
    }

    /// Whether [`next`](State::next) has more to hand back now.
    #[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
    pub(crate) fn has_next(&self) -> bool {
        self.movable().0 > 0
    }

    /// A queued task's deadline passed: it leaves the queue (its owner
    /// takes it out, wherever it waits) and fails, never started.
    #[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
    pub(crate) fn expire(&mut self) -> Ended {
        self.queue.0 = self.queue.0.saturating_sub(1);
        self.fail()
    }

    /// The group a JS class describes with `bits` (see
    /// [`bits`](Self::bits)), its counts and its limit.
    #[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
    pub(crate) fn from_parts(
        bits: u32,
        active: usize,
        queued: usize,
        limit: Option<usize>,
    ) -> Self {
        let mut state = State::new(bits & bit::SIGNAL != 0, Count(queued));
        state.set_limit(limit);
        state.active = active;
        state.failed = bits & bit::FAILED != 0;
        state.skipped = bits & bit::SKIPPED != 0;
        state.waited = match (bits & bit::WAITED) >> bit::WAITED_SHIFT {
            0 => Waited::No,
            1 => Waited::Called,
            _ => Waited::Closed,
        };
        state.aborted = match (bits & bit::ABORTED) >> bit::ABORTED_SHIFT {
            0 => None,
            1 => Some(Cause::Failure),
            2 => Some(Cause::Cancel),
            _ => Some(Cause::Settled),
        };
        state
    }

    /// Everything but the limit and the counts, in [`bit::WIDTH`] bits.
    #[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
    pub(crate) fn bits(&self) -> u32 {
        // Discriminants, not a `match`: a match on an enum may compile to a
        // lookup table in memory, and the core touches no memory.
        let flag = |on: bool, bit: u32| if on { bit } else { 0 };
        flag(self.signal, bit::SIGNAL)
            | flag(self.failed, bit::FAILED)
            | flag(self.skipped, bit::SKIPPED)
            | (self.waited as u32) << bit::WAITED_SHIFT
            | self.aborted.map_or(0, |cause| cause as u32) << bit::ABORTED_SHIFT
    }
}

/// The layout of [`State::bits`].
#[cfg_attr(not(any(feature = "js", test)), allow(dead_code))]
pub(crate) mod bit {
    /// The group has a signal.
    pub(crate) const SIGNAL: u32 = 1;
    /// A task has failed.
    pub(crate) const FAILED: u32 = 1 << 1;
    /// A cancel skipped work.
    pub(crate) const SKIPPED: u32 = 1 << 2;
    /// How far `wait` has gone: a [`Waited`](super::Waited) discriminant.
    pub(crate) const WAITED: u32 = 3 << WAITED_SHIFT;
    pub(crate) const WAITED_SHIFT: u32 = 3;
    /// Why the group stopped admitting: a [`Cause`](super::Cause)
    /// discriminant, 0 while it admits.
    pub(crate) const ABORTED: u32 = 3 << ABORTED_SHIFT;
    pub(crate) const ABORTED_SHIFT: u32 = 5;
    /// How many bits the state takes.
    #[cfg(test)]
    pub(crate) const WIDTH: u32 = 7;
}

#[cfg(test)]
mod tests;
