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
//! [`State::to_bits`]), which [`group_open`] takes back. A settled group
//! holds no wasm memory at all.
//!
//! Every call but [`group_open`] is a leaf: it calls no function, so the
//! only place a full JS stack can stop it is its entry, before it has done
//! anything (engines check the stack as a function is entered). The one
//! call `group_open` makes allocates a chunk of slots, with the table
//! unlocked, through an allocator that is a leaf too. scripts/build-pkg.mjs
//! checks this on every build.
//!
//! A handle that names no core (a bug in the JS class) is answered with
//! [`INVALID`], never a trap.

use alloc::boxed::Box;

use spin::Mutex;
use wasm_bindgen::prelude::*;

use crate::state::{Admit, Cause, Count, Ended, Next, Outcome, State};

/// The answers, named as `errgroup.js` names them
/// (tests/js/protocol.test.mjs checks that the two files agree).
mod answer {
    /// `group_go`: the task holds a slot.
    pub const ADMIT_START: u32 = 0;
    /// `group_go`: the task waits for a slot.
    pub const ADMIT_QUEUED: u32 = 1;
    /// `group_go`: the signal has aborted; the task is skipped.
    pub const ADMIT_SKIP: u32 = 2;
    /// `group_go`: a group with a signal whose `wait` completed.
    pub const ADMIT_CLOSED: u32 = 3;
    /// `group_go` for `tryGo`: no slot is free now.
    pub const ADMIT_NOT_NOW: u32 = 4;
    /// `group_step`'s `ended`: no task ended.
    pub const TASK_NONE: u32 = 0;
    /// `group_step`'s `ended`: the task succeeded.
    pub const TASK_OK: u32 = 1;
    /// `group_step`'s `ended`: the task threw or rejected.
    pub const TASK_FAILED: u32 = 2;
    /// `group_step`: keep the task's error as the first failure.
    pub const KEPT_FIRST_FAILURE: u32 = 1;
    /// `group_step`: keep it, and abort the signal with it first.
    pub const KEPT_FIRST_FAILURE_ABORTS: u32 = 2;
    /// `group_step`: the tasks counted are skipped, not started.
    pub const STEP_SKIP: u32 = 16;
    /// `group_step`: nothing to do until a task ends.
    pub const NEXT_BUSY: u32 = 2;
    /// `group_step`: tasks wait behind a limit of 0 and none runs.
    pub const NEXT_STUCK: u32 = 3;
    /// `group_step`: abort the signal as settled, then ask again.
    pub const NEXT_SETTLE: u32 = 4;
    /// `group_step`: more to start or skip; ask again.
    pub const NEXT_MORE: u32 = 5;
    /// `group_step`: idle, and `wait` reports success.
    pub const NEXT_IDLE_DONE: u32 = 8;
    /// `group_step`: idle, and `wait` reports the first failure.
    pub const NEXT_IDLE_FAILED: u32 = 9;
    /// `group_step`: idle, and `wait` reports the parent's reason.
    pub const NEXT_IDLE_SKIPPED: u32 = 10;
    /// Any call: the handle names no core.
    pub const INVALID: u32 = 7;
}
use answer::*;

/// Slots in a chunk.
const CHUNK: usize = 256;
/// Chunks in the table: at most `CHUNKS * CHUNK` (1,048,576) groups are busy
/// at once.
const CHUNKS: usize = 4096;

/// The open cores. One instance, one thread, and no call runs while another
/// does: the lock is never contended, so [`table`] only tries it.
static CORES: Mutex<Table> = Mutex::new(Table {
    chunks: [const { None }; CHUNKS],
    free: 0,
});

/// The open cores, or `None` if the lock is held, which only a trap inside
/// a call could leave it: the class stops every group after a trap.
fn table() -> Option<spin::MutexGuard<'static, Table>> {
    CORES.try_lock()
}

struct Table {
    chunks: [Option<Box<[Slot; CHUNK]>>; CHUNKS],
    /// Handle of the first free slot; 0 if none is free.
    free: u32,
}

enum Slot {
    /// Free; holds the handle of the next free slot.
    Free(u32),
    Taken(State<Count>),
}

impl Table {
    fn slot(&mut self, handle: u32) -> Option<&mut Slot> {
        let index = (handle as usize).checked_sub(1)?;
        let chunk = self.chunks.get_mut(index / CHUNK)?.as_mut()?;
        chunk.get_mut(index % CHUNK)
    }

    fn get(&mut self, handle: u32) -> Option<&mut State<Count>> {
        match self.slot(handle)? {
            Slot::Taken(core) => Some(core),
            Slot::Free(_) => None,
        }
    }

    /// Adds `chunk`'s slots to the free list; hands it back if the table is
    /// full, to be dropped once the table is unlocked.
    fn add(&mut self, chunk: Box<[Slot; CHUNK]>) -> Option<Box<[Slot; CHUNK]>> {
        let Some(at) = self.chunks.iter().position(Option::is_none) else {
            return Some(chunk);
        };
        let first = (at * CHUNK) as u32 + 1;
        let free = self.free;
        let chunk = self.chunks[at].insert(chunk);
        for (i, slot) in chunk.iter_mut().enumerate() {
            *slot = Slot::Free(if i + 1 < CHUNK {
                first + i as u32 + 1
            } else {
                free
            });
        }
        self.free = first;
        None
    }

    /// Puts `core` in a free slot; answers its handle, 0 if none is free.
    fn take(&mut self, core: State<Count>) -> u32 {
        let handle = self.free;
        let Some(slot) = self.slot(handle) else {
            return 0;
        };
        let Slot::Free(next) = *slot else { return 0 };
        *slot = Slot::Taken(core);
        self.free = next;
        handle
    }

    fn release(&mut self, handle: u32) -> Option<State<Count>> {
        let free = self.free;
        let slot = self.slot(handle)?;
        if let Slot::Free(_) = slot {
            return None;
        }
        let Slot::Taken(core) = core::mem::replace(slot, Slot::Free(free)) else {
            return None;
        };
        self.free = handle;
        Some(core)
    }
}

/// Runs `f` on the core named by `handle`; [`INVALID`] if there is none.
fn with(handle: u32, f: impl FnOnce(&mut State<Count>) -> u32) -> u32 {
    table()
        .as_mut()
        .and_then(|table| table.get(handle))
        .map_or(INVALID, f)
}

/// The limit as the JS class validated it: a whole number from 0 up, or
/// `Infinity`. `as` saturates, so any limit past `usize::MAX` is no limit.
fn limit_of(limit: f64) -> Option<usize> {
    let limit = limit as usize;
    (limit != usize::MAX).then_some(limit)
}

/// Opens a core for an idle group, from the state [`group_close`] gave it
/// (0 for a new group, 1 for a new group with a signal) and its limit.
/// Answers the core's handle; 0 if 1,048,576 groups are busy already.
#[wasm_bindgen]
pub fn group_open(state: u32, limit: f64) -> u32 {
    let full = table().is_some_and(|table| table.free == 0);
    // Allocated with the table unlocked, so that a full JS stack stopping
    // this call at the allocator's entry leaves nothing locked.
    let chunk = full.then(|| Box::new([const { Slot::Free(0) }; CHUNK]));
    let (handle, spare) = match table() {
        Some(mut table) => {
            let spare = chunk.and_then(|chunk| table.add(chunk));
            (table.take(State::from_bits(state, limit_of(limit))), spare)
        }
        None => (0, chunk),
    };
    drop(spare);
    handle
}

/// `go()`: takes a task. Answers an [`Admit`] code: 0 start (it holds a
/// slot), 1 queued, 2 skipped (the signal aborted), 3 closed. With `only_now`
/// 1, `tryGo()`: takes a slot only if a task would start now, and answers 0
/// if it did, 4 if not.
#[wasm_bindgen]
pub fn group_go(handle: u32, only_now: u32) -> u32 {
    with(handle, |core| {
        if only_now != 0 {
            return if core.try_go() {
                ADMIT_START
            } else {
                ADMIT_NOT_NOW
            };
        }
        match core.go(()) {
            Admit::Start(()) => ADMIT_START,
            Admit::Queued => ADMIT_QUEUED,
            Admit::Skip(()) => ADMIT_SKIP,
            Admit::Closed(()) => ADMIT_CLOSED,
        }
    })
}

/// `wait()`: marks `wait` as called. Answers 0.
#[wasm_bindgen]
pub fn group_wait(handle: u32) -> u32 {
    with(handle, |core| {
        core.wait();
        0
    })
}

/// The parent's signal aborted: 1 if the group's signal aborts now (with
/// the parent's reason), 0 if it had aborted.
#[wasm_bindgen]
pub fn group_abort(handle: u32) -> u32 {
    with(handle, |core| u32::from(core.abort(Cause::Parent)))
}

/// An admitted task is about to be called, and the signal has aborted
/// since it was admitted: gives its slot back. The class asks only then.
/// Answers 1 if the task may run after all (the core saw no abort), 0 if
/// it is skipped.
#[wasm_bindgen]
pub fn group_begin(handle: u32) -> u32 {
    with(handle, |core| u32::from(core.begin()))
}

/// One step of the group: records how a task ended, if one did (`ended`:
/// 0 none, 1 it succeeded, 2 it failed: threw or rejected), then, if
/// `pump` is 1, asks the core what to do next until it has nothing to do
/// now.
///
/// Answers `next << 2 | kept`. `kept` is an [`Ended`] code: 0 nothing to
/// keep, 1 keep the task's error as the first failure, 2 keep it and abort
/// the signal with it; then `next` is 0: the class aborts first, and asks
/// again. Otherwise `next` is `count << 5 | skip << 4 | last` (0 if `pump`
/// is 0): the `count` oldest queued tasks start (they hold a slot now) or,
/// if `skip` is 1, are skipped; then `last`, a [`Next`] code: 2 busy, 3
/// stuck behind a limit of 0, 4 abort the signal as settled and ask again,
/// 5 more to do (ask again), or, once idle, 8 plus what `wait` reports (an
/// [`Outcome`]: 0 done, 1 the first failure, 2 the parent's reason, for it
/// skipped work); close the core then.
#[wasm_bindgen]
pub fn group_step(handle: u32, ended: u32, pump: u32) -> u32 {
    with(handle, |core| {
        let kept = match ended {
            TASK_NONE => Ended::Quietly,
            TASK_OK | TASK_FAILED => core.finish(ended == TASK_FAILED),
            _ => return INVALID,
        };
        match kept {
            Ended::FirstFailureAborts => KEPT_FIRST_FAILURE_ABORTS,
            kept => {
                let kept = if kept == Ended::FirstFailure {
                    KEPT_FIRST_FAILURE
                } else {
                    0
                };
                let next = if pump != 0 { next_all(core) } else { 0 };
                next << 2 | kept
            }
        }
    })
}

/// The most starts or skips one answer carries: `group_step` answers
/// `count << 7` and more, in 32 bits.
const MAX_COUNT: u32 = (1 << 25) - 1;

fn next_all(core: &mut State<Count>) -> u32 {
    let mut count: u32 = 0;
    let mut skip = 0;
    loop {
        let last = match core.next() {
            Next::Start(()) => {
                count += 1;
                skip = 0;
                if count < MAX_COUNT {
                    continue;
                }
                NEXT_MORE
            }
            // Starts and skips never mix: the core skips only once aborted.
            Next::Skip(()) => {
                count += 1;
                skip = STEP_SKIP;
                if count < MAX_COUNT {
                    continue;
                }
                NEXT_MORE
            }
            Next::Busy => NEXT_BUSY,
            Next::Stuck => NEXT_STUCK,
            Next::Settle => NEXT_SETTLE,
            Next::Idle => match core.outcome() {
                Outcome::Done => NEXT_IDLE_DONE,
                Outcome::Failed => NEXT_IDLE_FAILED,
                Outcome::Skipped => NEXT_IDLE_SKIPPED,
            },
        };
        return count << 5 | skip | last;
    }
}

/// Sets the limit: a whole number from 0 up, or `Infinity` for none.
#[wasm_bindgen]
pub fn group_set_limit(handle: u32, limit: f64) -> u32 {
    with(handle, |core| {
        core.set_limit(limit_of(limit));
        0
    })
}

/// How many tasks hold a slot (`queued` 0) or wait for one (`queued` 1);
/// 0 for a handle that names no core.
#[wasm_bindgen]
pub fn group_count(handle: u32, queued: u32) -> u32 {
    let mut table = table();
    let core = table.as_mut().and_then(|table| table.get(handle));
    let count = core.map_or(0, |core| {
        if queued != 0 {
            core.queued()
        } else {
            core.active()
        }
    });
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Frees the core and answers its state, for the group to keep while idle
/// and hand back to the next call that opens a core.
#[wasm_bindgen]
pub fn group_close(handle: u32) -> u32 {
    table()
        .and_then(|mut table| table.release(handle))
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
    let Some(table) = table() else { return 0 };
    let slots = table.chunks.iter().flatten().flat_map(|chunk| chunk.iter());
    let open = slots.filter(|slot| matches!(slot, Slot::Taken(_)));
    u32::try_from(open.count()).unwrap_or(u32::MAX)
}
