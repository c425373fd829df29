//! The calls the JS class makes into the core: numbers in, numbers out.
//!
//! `ErrGroup` (in `errgroup.js`, beside this file) is a JS class that keeps
//! every JS value itself: the queued tasks, the first error, the signal,
//! the promises it handed out. What it asks the core is only what to do
//! next, so no call here takes or returns a JS value, none calls into JS,
//! and no JS exception can pass through a wasm frame on the way.
//!
//! A busy group has a [`State`] here, in a slot named by a handle (its index
//! plus one; 0 is none). Once idle, the group closes its core: the slot is
//! freed and the group keeps the core's state as one number (see
//! [`State::to_bits`]), so a settled group holds no wasm memory at all. The
//! calls a group may make while idle (`go`, `try_go`, `wait`, `abort`) take
//! that number and the limit as well, and open a core first if the handle
//! is 0; they answer with the handle and their code packed together
//! (`handle << 3 | code`), so opening and acting are one call that either
//! happens whole or, if the JS stack is exhausted at the call, not at all.
//!
//! A handle that names no core (a bug in the JS class) is answered with
//! [`INVALID`], never a trap.

use alloc::vec::Vec;

use spin::Mutex;
use wasm_bindgen::prelude::*;

use crate::state::{Admit, Cause, Count, Ended, Next, Outcome, State};

/// What every call answers for a handle that names no core.
pub const INVALID: u32 = 7;

/// The open cores. One instance, one thread, and no call holds the lock
/// while anything else runs: it is never contended, so [`slots`] only
/// tries it.
static CORES: Mutex<Slots> = Mutex::new(Slots {
    slots: Vec::new(),
    free: 0,
});

/// The open cores, or `None` if the lock is held, which cannot happen: it
/// would take a call made while another runs.
fn slots() -> Option<spin::MutexGuard<'static, Slots>> {
    CORES.try_lock()
}

struct Slots {
    slots: Vec<Slot>,
    /// Handle of the first free slot; 0 if none is free.
    free: u32,
}

enum Slot {
    /// Free; holds the handle of the next free slot.
    Free(u32),
    Taken(State<Count>),
}

/// The largest handle: the answer `handle << 3 | code` must fit 31 bits,
/// so that JS reads it as a positive number.
const MAX_HANDLE: u32 = (1 << 28) - 1;

impl Slots {
    fn get(&mut self, handle: u32) -> Option<&mut State<Count>> {
        match self.slots.get_mut(handle.checked_sub(1)? as usize)? {
            Slot::Taken(core) => Some(core),
            Slot::Free(_) => None,
        }
    }

    /// Puts a core made from `state` and `limit` in a free slot, and
    /// answers its handle; 0 if none is left. Out of line: four calls open.
    #[inline(never)]
    fn open(&mut self, state: u32, limit: f64) -> u32 {
        if self.free == 0 && !self.grow() {
            return 0;
        }
        let handle = self.free;
        let Some(slot) = self.slots.get_mut(handle as usize - 1) else {
            return 0;
        };
        if let Slot::Free(next) = *slot {
            self.free = next;
        }
        *slot = Slot::Taken(State::from_bits(state, limit_of(limit)));
        handle
    }

    /// Adds a free slot. The only call that allocates: kept out of line, so
    /// that every other call runs in its own frame and needs no stack.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) -> bool {
        if self.slots.len() >= MAX_HANDLE as usize || self.slots.try_reserve(1).is_err() {
            return false;
        }
        self.slots.push(Slot::Free(0));
        self.free = self.slots.len() as u32;
        true
    }

    fn release(&mut self, handle: u32) -> Option<State<Count>> {
        let slot = self.slots.get_mut(handle.checked_sub(1)? as usize)?;
        if let Slot::Free(_) = slot {
            return None;
        }
        let Slot::Taken(core) = core::mem::replace(slot, Slot::Free(self.free)) else {
            return None;
        };
        self.free = handle;
        Some(core)
    }
}

/// Runs `f` on the core named by `handle`; [`INVALID`] if there is none.
fn with(handle: u32, f: impl FnOnce(&mut State<Count>) -> u32) -> u32 {
    slots()
        .as_mut()
        .and_then(|slots| slots.get(handle))
        .map_or(INVALID, f)
}

/// Reads a count of the core named by `handle`; 0 if there is none.
fn read(handle: u32, f: fn(&State<Count>) -> usize) -> u32 {
    let mut slots = slots();
    let core = slots.as_mut().and_then(|slots| slots.get(handle));
    core.map_or(0, |core| u32::try_from(f(core)).unwrap_or(u32::MAX))
}

/// Runs `f` on the core named by `handle`, opened from `state` and `limit`
/// if `handle` is 0, and packs the handle with `f`'s code.
fn with_open(handle: u32, state: u32, limit: f64, f: impl FnOnce(&mut State<Count>) -> u32) -> u32 {
    let Some(mut slots) = slots() else {
        return INVALID;
    };
    let handle = match handle {
        0 => slots.open(state, limit),
        handle => handle,
    };
    match slots.get(handle) {
        Some(core) => handle << 3 | f(core),
        None => INVALID,
    }
}

/// The limit as the JS class validated it: a whole number from 0 up, or
/// `Infinity`. `as` saturates, so any limit past `usize::MAX` is no limit.
fn limit_of(limit: f64) -> Option<usize> {
    let limit = limit as usize;
    (limit != usize::MAX).then_some(limit)
}

/// `go()`: takes a task. Answers the handle and an [`Admit`] code: 0 start
/// (it holds a slot), 1 queued, 2 skipped (the signal aborted), 3 closed.
#[wasm_bindgen]
pub fn group_go(handle: u32, state: u32, limit: f64) -> u32 {
    with_open(handle, state, limit, |core| match core.go(()) {
        Admit::Start(()) => 0,
        Admit::Queued => 1,
        Admit::Skip(()) => 2,
        Admit::Closed(()) => 3,
    })
}

/// `tryGo()`: takes a slot if a task would start now. Answers the handle
/// and 1 if it did, 0 if not.
#[wasm_bindgen]
pub fn group_try_go(handle: u32, state: u32, limit: f64) -> u32 {
    with_open(handle, state, limit, |core| u32::from(core.try_go()))
}

/// `wait()`: marks `wait` as called. Answers the handle and 0.
#[wasm_bindgen]
pub fn group_wait(handle: u32, state: u32, limit: f64) -> u32 {
    with_open(handle, state, limit, |core| {
        core.wait();
        0
    })
}

/// The parent's signal aborted. Answers the handle and 1 if the group's
/// signal aborts now (with the parent's reason), 0 if it had aborted.
#[wasm_bindgen]
pub fn group_abort(handle: u32, state: u32, limit: f64) -> u32 {
    with_open(handle, state, limit, |core| {
        u32::from(core.abort(Cause::Parent))
    })
}

/// An admitted task is about to be called: 1 to call it, 0 if it is
/// skipped because the signal aborted since (its slot is given back).
#[wasm_bindgen]
pub fn group_begin(handle: u32) -> u32 {
    with(handle, |core| u32::from(core.begin()))
}

/// A task ended (`failed` is 1 if it threw or rejected). Answers an
/// [`Ended`] code: 0 nothing to keep, 1 keep its error as the first
/// failure, 2 keep it and abort the signal with it.
#[wasm_bindgen]
pub fn group_finish(handle: u32, failed: u32) -> u32 {
    with(handle, |core| match core.finish(failed != 0) {
        Ended::Quietly => 0,
        Ended::FirstFailure => 1,
        Ended::FirstFailureAborts => 2,
    })
}

/// What to do next, a [`Next`] code: 0 start the queue's head (it holds a
/// slot now), 1 skip the queue's head, 2 busy, 3 stuck behind a limit of
/// 0, 4 abort the signal as settled and ask again. Once the group is idle,
/// 8 plus what `wait` reports, an [`Outcome`] code: 0 done, 1 the first
/// failure, 2 the parent's reason (it skipped work); close the core then.
#[wasm_bindgen]
pub fn group_next(handle: u32) -> u32 {
    with(handle, |core| match core.next() {
        Next::Start(()) => 0,
        Next::Skip(()) => 1,
        Next::Busy => 2,
        Next::Stuck => 3,
        Next::Settle => 4,
        Next::Idle => match core.outcome() {
            Outcome::Done => 8,
            Outcome::Failed => 9,
            Outcome::Skipped => 10,
        },
    })
}

/// Sets the limit: a whole number from 0 up, or `Infinity` for none.
#[wasm_bindgen]
pub fn group_set_limit(handle: u32, limit: f64) -> u32 {
    with(handle, |core| {
        core.set_limit(limit_of(limit));
        0
    })
}

/// How many tasks hold a slot; 0 for a handle that names no core.
#[wasm_bindgen]
pub fn group_active(handle: u32) -> u32 {
    read(handle, State::active)
}

/// How many tasks wait for a slot; 0 for a handle that names no core.
#[wasm_bindgen]
pub fn group_queued(handle: u32) -> u32 {
    read(handle, State::queued)
}

/// Frees the core and answers its state, for the group to keep while idle
/// and hand back to the next call that opens a core.
#[wasm_bindgen]
pub fn group_close(handle: u32) -> u32 {
    slots()
        .and_then(|mut slots| slots.release(handle))
        .map_or(INVALID, |core| core.to_bits())
}

/// Panics, to test what a trap does to pending promises. Only in builds
/// with the `test-hooks` feature, never in the npm package.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn test_panic() {
    panic!("a deliberate panic, for the tests");
}

/// The address of a local: the shadow stack pointer, give or take a
/// constant. Every call into the core starts from the same stack, so this
/// answers the same number whenever no call is running, unless a call
/// leaked stack. Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn test_stack_pointer() -> u32 {
    let local = 0u8;
    core::ptr::from_ref(core::hint::black_box(&local)) as usize as u32
}

/// How many cores are open. Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn test_open_cores() -> u32 {
    let Some(slots) = slots() else { return 0 };
    let open = slots
        .slots
        .iter()
        .filter(|slot| matches!(slot, Slot::Taken(_)));
    u32::try_from(open.count()).unwrap_or(u32::MAX)
}
