//! `ErrGroup`: the JavaScript class, a thin shell over [`Group<JsValue>`].
//!
//! A task is a JS function. Calling it and watching its result costs no
//! closure per task: every task of a group settles through the same two
//! callbacks, made once per group, because the group only counts tasks and
//! keeps the first failure. Calling it, and adopting a thenable it returns,
//! is one call into [`sys::start`].

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use core::cell::OnceCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

use crate::group::{Admission, Group, Inner, Task};
use crate::{pending, sys, Context};

/// Go's `errgroup` for JavaScript: runs async tasks with a concurrency
/// limit, keeps the first failure, and aborts an `AbortSignal` that every
/// task receives.
///
/// `new ErrGroup()` is Go's zero group: no limit, a failure aborts nothing,
/// and its `signal` never aborts. `ErrGroup.withSignal(parent)` is Go's
/// `WithContext`.
///
/// A Rust panic traps the whole WebAssembly instance. So that JS code does
/// not hang on it, every pending `wait()` or `map()` promise is rejected
/// first. In the npm package (built `no_std`) the panic handler does it.
/// With the `std` feature, the class sets the Rust panic hook the first time
/// it returns a promise; that replaces any hook set before, so Rust code
/// that wants its own hook and uses this class sets it afterwards.
#[wasm_bindgen(js_name = ErrGroup)]
pub struct JsErrGroup {
    pub(crate) group: Group<JsValue>,
    signal: OnceCell<AbortSignal>,
    shared: OnceCell<Rc<Shared>>,
}

/// What every task of one group shares: the signal it is called with, and
/// the callbacks that settle a task whose result is a thenable.
pub(crate) struct Shared {
    pub(crate) signal: AbortSignal,
    /// An already resolved `Promise<void>`, what `go()` returns for a task
    /// it does not queue; made at the first such task (`map` needs none).
    resolved: OnceCell<Promise>,
    pub(crate) on_fulfilled: Function,
    pub(crate) on_rejected: Function,
}

#[wasm_bindgen(js_class = ErrGroup)]
impl JsErrGroup {
    /// Creates Go's zero group: no limit, a failure aborts nothing (every
    /// queued task still runs), and `signal` never aborts.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> JsErrGroup {
        JsErrGroup {
            group: Group::new(),
            signal: OnceCell::new(),
            shared: OnceCell::new(),
        }
    }

    /// Creates a group whose `signal` aborts the first time one of these
    /// happens: a task fails (the reason is the failure value itself), the
    /// `parent` aborts (the reason is the parent's reason; an already
    /// aborted parent aborts the group at once), or `wait()` settles.
    ///
    /// Once `signal` has aborted, no task starts: queued and later tasks are
    /// skipped, never called, and their `go()` promises resolve. The listener
    /// on `parent` is removed as soon as `signal` aborts.
    ///
    /// Throws `TypeError` if `parent` is neither `undefined` nor an
    /// `AbortSignal`.
    #[wasm_bindgen(js_name = withSignal)]
    pub fn with_signal(
        #[wasm_bindgen(unchecked_param_type = "AbortSignal")] parent: JsValue,
    ) -> Result<JsErrGroup, JsValue> {
        let parent = if parent.is_undefined() || parent.is_null() {
            Context::background()
        } else {
            if !sys::is_abort_signal(&parent) {
                return Err(sys::type_error(
                    "ErrGroup.withSignal: parent must be an AbortSignal or undefined, got ",
                    &parent,
                ));
            }
            Context::from_signal(parent.unchecked_into())
        };
        let (group, context) = Group::with_context(&parent);
        Ok(JsErrGroup {
            group,
            signal: OnceCell::from(context.signal().clone()),
            shared: OnceCell::new(),
        })
    }

    /// Queues `task`. It is started as soon as fewer than `limit` tasks are
    /// active and every task queued before it has started (FIFO), on a later
    /// microtask, never inside this call, and is called with the group's
    /// `signal`.
    ///
    /// The task fails if it throws or returns a thenable that rejects; the
    /// first failure is kept exactly as thrown, `Error` or not. Failures never
    /// become unhandled rejections.
    ///
    /// Returns a promise that resolves once the task has started or been
    /// skipped, and never rejects: `await group.go(task)` is Go's blocking
    /// `Go`. Throws `TypeError` if `task` is not a function, and `Error` if
    /// the group came from `withSignal` and its `wait()` has settled.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn go(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(signal: AbortSignal) => unknown")] task: JsValue,
    ) -> Result<Promise, JsValue> {
        let task = task_function(task, "ErrGroup.go: task must be a function, got ")?;
        let inner = &self.group.inner;
        let shared = self.shared();
        let mut started = None;
        let promise = match inner.admission() {
            Admission::Closed => {
                return Err(js_sys::Error::new(
                    "ErrGroup.go: the group has settled and its signal has aborted; \
                     create a new group for more work",
                )
                .into())
            }
            Admission::Queue => Promise::new(&mut |resolve, _| started = Some(resolve)),
            Admission::Start | Admission::Skip => shared
                .resolved
                .get_or_init(|| Promise::resolve(&JsValue::UNDEFINED))
                .clone(),
        };
        inner.submit(Box::new(JsTask {
            task,
            started,
            shared,
        }));
        Ok(promise)
    }

    /// Starts `task` (on a later microtask, like `go`) only if a slot is free
    /// now and nothing is queued ahead of it, and returns `true`. Otherwise
    /// returns `false` and never calls `task`. Throws `TypeError` if `task`
    /// is not a function.
    #[wasm_bindgen(js_name = tryGo)]
    pub fn try_go(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(signal: AbortSignal) => unknown")] task: JsValue,
    ) -> Result<bool, JsValue> {
        let task = task_function(task, "ErrGroup.tryGo: task must be a function, got ")?;
        let inner = &self.group.inner;
        if inner.admission() != Admission::Start {
            return Ok(false);
        }
        inner.submit(Box::new(JsTask {
            task,
            started: None,
            shared: self.shared(),
        }));
        Ok(true)
    }

    /// Limits how many tasks may be active at once. `n` is an integer: a
    /// negative `n` means no limit (the default) and `0` admits nothing
    /// until the limit is raised. Anything else throws: `TypeError` for a
    /// non-number, `RangeError` for `NaN`, `Infinity` or a fraction.
    ///
    /// Unlike Go, which panics here, it may be called while tasks run.
    /// Raising the limit starts queued tasks at once (on a later microtask);
    /// lowering it interrupts nothing.
    #[wasm_bindgen(js_name = setLimit)]
    pub fn set_limit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<(), JsValue> {
        let limit = parse_limit(&n)?;
        self.group.set_limit(limit);
        Ok(())
    }

    /// Returns a promise that settles once no task is active or queued,
    /// including tasks that running tasks add meanwhile.
    ///
    /// It resolves if nothing failed, and rejects with the first failure
    /// value. On a `withSignal` group it also rejects with the signal's
    /// reason when tasks were skipped because the parent aborted and nothing
    /// failed: skipped work is never reported as success.
    ///
    /// Every call, concurrent or later, settles the same way. When a
    /// `withSignal` group settles, it is closed at once (`go()` then throws)
    /// and its `signal` aborts, on a later microtask if the group was
    /// already idle, and always before the promise settles. A task that
    /// never settles keeps `wait()` pending forever; pass
    /// `AbortSignal.timeout(ms)` as the parent and let tasks honour their
    /// signal to bound it. If a Rust panic traps the WebAssembly instance,
    /// every pending `wait()` rejects with an `Error` saying so. So does a
    /// pending `wait()` whose group is garbage-collected while tasks are
    /// queued that nothing can start any more (behind a limit of 0).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn wait(&self) -> Promise {
        pending::promise(|settle| {
            self.group.inner.when_idle(
                false,
                Box::new(move |group| settle.settle(group.outcome().map(|()| JsValue::UNDEFINED))),
            );
        })
    }

    /// The signal every task receives. It never aborts on a group made with
    /// `new ErrGroup()`.
    #[wasm_bindgen(getter)]
    pub fn signal(&self) -> AbortSignal {
        self.signal_ref().clone()
    }

    /// How many tasks are active: running, or admitted and about to be called
    /// on the next microtask.
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> u32 {
        saturate(self.group.active())
    }

    /// How many tasks wait in the queue for a slot.
    #[wasm_bindgen(getter)]
    pub fn queued(&self) -> u32 {
        saturate(self.group.queued())
    }

    /// The limit set by `setLimit`, or `-1` for no limit.
    #[wasm_bindgen(getter)]
    pub fn limit(&self) -> f64 {
        self.group.limit().map_or(-1.0, |limit| limit as f64)
    }
}

impl Shared {
    /// Ends a task of `group` by how starting it went: `Ok(true)` if it
    /// returned a thenable, which ends it later through the shared
    /// callbacks; `Ok(false)` if it returned anything else; `Err` with what
    /// it threw.
    pub(crate) fn started(group: &Rc<Inner<JsValue>>, started: Result<bool, JsValue>) {
        match started {
            Ok(true) => {}
            Ok(false) => group.finish(Ok(())),
            Err(thrown) => group.finish(Err(thrown)),
        }
    }
}

impl core::fmt::Debug for JsErrGroup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("JsErrGroup").field(&self.group).finish()
    }
}

impl JsErrGroup {
    fn signal_ref(&self) -> &AbortSignal {
        self.signal.get_or_init(|| {
            AbortController::new()
                .expect_throw("AbortController is not available")
                .signal()
        })
    }

    pub(crate) fn shared(&self) -> Rc<Shared> {
        self.shared
            .get_or_init(|| {
                let group = Rc::downgrade(&self.group.inner);
                Rc::new(Shared {
                    signal: self.signal_ref().clone(),
                    resolved: OnceCell::new(),
                    on_fulfilled: settle_callback(group.clone(), |_| Ok(())),
                    on_rejected: settle_callback(group, Err),
                })
            })
            .clone()
    }
}

/// Makes a callback that ends one task of `group` with `result(value)`.
///
/// Its Rust side belongs to the JS function and is freed when the function
/// is collected. It holds the group weakly: a group keeps itself alive while
/// any task is active, so the group is there whenever a task settles.
fn settle_callback(
    group: Weak<Inner<JsValue>>,
    result: fn(JsValue) -> Result<(), JsValue>,
) -> Function {
    Closure::<dyn Fn(JsValue)>::new(move |value| {
        if let Some(group) = group.upgrade() {
            group.finish(result(value));
        }
    })
    .into_js_value()
    .unchecked_into()
}

/// A JS function run as a group task.
struct JsTask {
    task: Function,
    /// Resolves the promise `go()` returned, for a task that was queued.
    started: Option<Function>,
    shared: Rc<Shared>,
}

impl Task<JsValue> for JsTask {
    fn start(self: Box<Self>, group: &Rc<Inner<JsValue>>) {
        if let Some(resolve) = &self.started {
            sys::call_resolve(resolve);
        }
        let Shared {
            signal,
            on_fulfilled,
            on_rejected,
            ..
        } = &*self.shared;
        let started = sys::start(&self.task, signal, on_fulfilled, on_rejected);
        Shared::started(group, started);
    }

    fn skip(self: Box<Self>) {
        if let Some(resolve) = &self.started {
            sys::call_resolve(resolve);
        }
    }
}

fn task_function(task: JsValue, message: &str) -> Result<Function, JsValue> {
    if task.is_function() {
        Ok(task.unchecked_into())
    } else {
        Err(sys::type_error(message, &task))
    }
}

fn parse_limit(n: &JsValue) -> Result<Option<usize>, JsValue> {
    let Some(limit) = n.as_f64() else {
        return Err(sys::type_error(
            "ErrGroup.setLimit: the limit must be an integer number (negative for no limit), got ",
            n,
        ));
    };
    if !js_sys::Number::is_integer(n) {
        return Err(sys::range_error(
            "ErrGroup.setLimit: the limit must be an integer (negative for no limit), got ",
            n,
        ));
    }
    // `as` saturates: a limit beyond usize::MAX is no practical limit.
    Ok((limit >= 0.0).then_some(limit as usize))
}

fn saturate(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}
