//! The answers of the core's calls (src/js/mod.rs), defined once: the
//! constants below, and the JS module that names them for the class.
//!
//! The JS module is the text of [`JS`]; the core carries it in a custom
//! section, from which scripts/build-pkg.mjs writes `src/js/protocol.js`
//! at every build (and which it strips from the shipped core). The class
//! and the core it runs on can then never disagree.
//!
//! Every answer is a `u32` below 2^30, a small integer to every engine:
//!
//! ```text
//!  bits 0..7   the group's state after the call (State::bits)
//!  bits 7..10  CODE: what the call decided, one of the codes below
//!  bit  10     KEEP: keep the task's error as the group's first failure
//!  bit  11     SKIP: the COUNT oldest queued tasks are skipped, not admitted
//!  bit  12     READY: `go` would answer at once now (admit, skip or refuse)
//!  bits 13..30 COUNT: how many of the oldest queued tasks are admitted
//!              (or skipped) now
//! ```

macro_rules! protocol {
    ($($(#[doc = $doc:literal])* $name:ident = $value:expr;)*) => {
        $(
            $(#[doc = $doc])*
            #[allow(dead_code)]
            pub(crate) const $name: u32 = $value;
        )*

        /// The names of the constants above.
        #[cfg(test)]
        const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// `src/js/protocol.js`: every constant above, as a JS export.
        pub(crate) const JS: &str = concat!(
            "// Generated from src/js/protocol.rs by scripts/build-pkg.mjs: do not edit.\n",
            $("export const ", stringify!($name), " = ", stringify!($value), ";\n",)*
        );
    };
}

protocol! {
    /// How many bits the state takes: `answer & STATE` is the new state.
    STATE = (1 << 7) - 1;
    /// The state of a new group without a signal.
    NEW_ZERO_GROUP = 0;
    /// The state of a new group with a signal.
    NEW_SIGNAL_GROUP = 1;
    /// The state bits that are set once the group stopped admitting: an
    /// admitted task must call `start` before it runs.
    STOPPED = 3 << 5;

    /// Where the code is: `answer >> CODE_SHIFT & CODE_MASK`.
    CODE_SHIFT = 7;
    CODE_MASK = 7;

    /// `go`, `try_go`: the task holds a slot now (active + 1).
    ADMIT_NOW = 0;
    /// `go`: the task waits in the queue.
    ADMIT_QUEUED = 1;
    /// `go`: the group stopped admitting: the task is skipped.
    ADMIT_SKIP = 2;
    /// `go`: the group is closed: the task is refused.
    ADMIT_CLOSED = 3;
    /// `try_go`: no slot is free now, or the group admits nothing.
    ADMIT_NOT_NOW = 4;

    /// `start`: the task runs.
    START_RUN = 0;
    /// `start`: the group stopped since the task was admitted: it gives its
    /// slot back (active - 1) and is skipped.
    START_SKIP = 1;

    /// The other calls: the group stopped just now. Abort the signal (with
    /// the kept error, or the cancel's reason), then call `step`.
    STEP_ABORT = 0;
    /// Tasks hold slots: nothing to do until one ends.
    STEP_BUSY = 1;
    /// Tasks wait behind a limit of 0, and none holds a slot.
    STEP_STUCK = 2;
    /// More queued tasks than COUNT can say start or are skipped: apply
    /// this answer, then call `step`.
    STEP_MORE = 3;
    /// Idle after `wait`, and closed just now: abort the signal (reason:
    /// settled), then settle every `wait()`: it resolves.
    STEP_CLOSES = 4;
    /// Idle: every `wait()` resolves.
    STEP_DONE = 5;
    /// Idle: every `wait()` rejects with the first failure.
    STEP_FAILED = 6;
    /// Idle: every `wait()` rejects with the cancel's reason, which
    /// skipped work.
    STEP_CANCELLED = 7;

    /// `fail`: keep the task's error as the first failure.
    KEEP = 1 << 10;
    /// The counted tasks are skipped, not admitted.
    SKIP = 1 << 11;
    /// Once the answer is applied, `go` would answer at once: `ready()`
    /// promises resolve.
    READY = 1 << 12;
    /// Where the count is: `answer >>> COUNT_SHIFT`.
    COUNT_SHIFT = 13;
    /// The most tasks one answer counts.
    COUNT_MAX = (1 << 17) - 1;
}

// The fields do not overlap, and every answer is below 2^30.
const _: () = {
    assert!(STATE < 1 << CODE_SHIFT);
    assert!(CODE_MASK << CODE_SHIFT < KEEP);
    assert!(KEEP < SKIP && SKIP < READY && READY < 1 << COUNT_SHIFT);
    assert!(COUNT_MAX < 1 << (30 - COUNT_SHIFT));
};

/// The JS text, as bytes in a custom section of the core. (`link_section`
/// counts as unsafe code only because the linker places the bytes.)
#[allow(unsafe_code)]
#[used]
#[cfg_attr(target_arch = "wasm32", link_section = "wasm-errgroup.protocol")]
static SECTION: [u8; JS.len()] = bytes(JS);

const fn bytes<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0; N];
    let from = text.as_bytes();
    let mut i = 0;
    while i < N {
        out[i] = from[i];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::bit;

    #[test]
    fn the_state_masks_are_the_state_bits() {
        assert_eq!(STATE, (1 << bit::WIDTH) - 1);
        assert_eq!(STOPPED, bit::ABORTED);
        assert_eq!(NEW_SIGNAL_GROUP, bit::SIGNAL);
    }

    #[test]
    fn the_js_module_names_every_constant() {
        assert!(JS.contains("export const ADMIT_NOW = 0;\n"));
        assert!(JS.contains("export const KEEP = 1 << 10;\n"));
        for name in NAMES {
            assert_eq!(
                JS.matches(&alloc::format!("export const {name} = "))
                    .count(),
                1,
                "{name}"
            );
        }
        assert_eq!(JS.matches("export const").count(), NAMES.len());
    }
}
