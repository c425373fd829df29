//! [`Context`]: an `AbortSignal` seen as a Go context, and the contexts
//! derived from one, [`Context::with_cancel`] (with its [`Cancel`] guard) and
//! [`Context::with_timeout`].
//!
//! A derived context owns an `AbortController`. Only this module aborts it:
//! its [`Cancel`], the `abort` listener it keeps on its parent, or its timer.
//! So it knows that it aborted without asking the signal, and it releases
//! the listener and the timer in that same moment, or when the last handle
//! to it is dropped.

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll, Waker};
use core::time::Duration;

use crate::listener::AbortListener;
use crate::timer::Timer;
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use web_sys::{AbortController, AbortSignal, DomException};

/// An `AbortSignal` seen as a Go `context.Context`: the parent of a group,
/// and the signal its tasks hand to `fetch`.
///
/// Cloning is cheap (a reference count): clones share one signal.
///
/// A context comes from [`background`](Context::background) (never aborts),
/// from any `AbortSignal` ([`from_signal`](Context::from_signal)), from a
/// group ([`Group::with_context`](crate::Group::with_context)), or from a
/// parent context: [`with_cancel`](Context::with_cancel) and
/// [`with_timeout`](Context::with_timeout).
#[derive(Clone)]
pub struct Context {
    node: Rc<Node>,
}

struct Node {
    signal: AbortSignal,
    /// From [`Context::background`]: it never aborts, so nothing listens
    /// to it.
    background: bool,
    /// What a derived context owns; `None` for a wrapped signal.
    derived: Option<Derived>,
}

/// The part of a derived context that aborts it.
struct Derived {
    controller: AbortController,
    /// Set in the moment this module aborts the controller, before the
    /// `abort` event is dispatched: the signal's `aborted`, read in Rust.
    aborted: Cell<bool>,
    /// The listener on the parent; dropping it removes it.
    parent: RefCell<Option<AbortListener>>,
    /// The timer of [`Context::with_timeout`]; dropping it clears it.
    timer: RefCell<Option<Timer>>,
    /// A stream of this crate, woken at the abort.
    waker: RefCell<Option<Waker>>,
}

impl Context {
    /// Creates a context that never aborts: Go's `context.Background()`.
    pub fn background() -> Self {
        let controller = AbortController::new().expect_throw("AbortController is not available");
        Context::new(controller.signal(), true, None)
    }

    /// Wraps `signal`. The context aborts when the signal does, with its
    /// reason.
    pub fn from_signal(signal: AbortSignal) -> Self {
        Context::new(signal, false, None)
    }

    /// Derives a context from `parent`, and the [`Cancel`] guard that
    /// cancels it: Go's `context.WithCancel`.
    ///
    /// The new context's signal aborts the first time one of these happens:
    /// - [`Cancel::cancel`] is called, or the `Cancel` is dropped: the
    ///   reason is an `AbortError` `DOMException`;
    /// - `parent` aborts: the reason is the parent's reason, and the new
    ///   signal aborts while the parent's `abort` event is dispatched. An
    ///   already aborted parent aborts the new context at once.
    ///
    /// The new context listens to `parent` with one `abort` listener,
    /// removed as soon as the new context aborts, or once the `Cancel` and
    /// every clone of the context are dropped (after
    /// [`Cancel::forget`]). A long-lived parent so collects no listeners.
    ///
    /// # Examples
    ///
    /// A component keeps the `Cancel` in its state: dropping the component
    /// stops every fetch it started.
    ///
    /// ```no_run
    #[doc = include_str!("../tests/examples/component.rs")]
    /// ```
    pub fn with_cancel(parent: &Context) -> (Context, Cancel) {
        let context = Context::derive(parent);
        let cancel = Cancel {
            node: Some(context.node.clone()),
        };
        (context, cancel)
    }

    /// Derives a context from `parent` that aborts after `timeout`: Go's
    /// `context.WithTimeout`.
    ///
    /// The new context's signal aborts the first time one of these happens:
    /// - `timeout` has passed since this call (rounded up to whole
    ///   milliseconds, at most 2^31 − 1 ms, about 24.8 days, the most
    ///   `setTimeout` takes): the reason is a `TimeoutError`
    ///   `DOMException`, as `AbortSignal.timeout()` gives;
    /// - `parent` aborts: the reason is the parent's reason. An already
    ///   aborted parent aborts the new context at once.
    ///
    /// The timer and the listener on `parent` are released as soon as the
    /// new context aborts, or once every clone of it is dropped: dropping
    /// the context before its time leaves no timer behind, and its signal
    /// then never aborts. Keep a clone alive for as long as something uses
    /// the signal.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use wasm_errgroup::{map, Context};
    /// # async fn fetch_text(url: &str, ctx: &Context) -> Result<String, String> { Ok(url.into()) }
    /// # async fn example(urls: Vec<String>) -> Result<(), String> {
    /// // Every fetch aborts after 10 s, with a `TimeoutError`.
    /// let ctx = Context::with_timeout(&Context::background(), Duration::from_secs(10));
    /// let pages = map(&ctx, urls, 4, |url, ctx| async move {
    ///     fetch_text(&url, &ctx).await
    /// })
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(parent: &Context, timeout: Duration) -> Context {
        let context = Context::derive(parent);
        if !context.is_aborted() {
            let weak = Rc::downgrade(&context.node);
            let timer = Timer::new(timeout, move || {
                if let Some(node) = weak.upgrade() {
                    let reason =
                        DomException::new_with_message_and_name("signal timed out", "TimeoutError")
                            .expect_throw("DOMException is not available");
                    node.abort(Some(&reason.into()));
                }
            });
            if let Some(derived) = &context.node.derived {
                *derived.timer.borrow_mut() = Some(timer);
            }
        }
        context
    }

    /// Returns the `AbortSignal`, to hand to `fetch` through
    /// `RequestInit::set_signal` or to any other API that takes one.
    pub fn signal(&self) -> &AbortSignal {
        &self.node.signal
    }

    /// Returns whether the signal has aborted.
    pub fn is_aborted(&self) -> bool {
        match &self.node.derived {
            Some(derived) => derived.aborted.get(),
            None => self.node.signal.aborted(),
        }
    }

    /// Returns the abort reason once the signal has aborted, `None` before.
    pub fn reason(&self) -> Option<JsValue> {
        self.is_aborted().then(|| self.node.signal.reason())
    }

    /// Returns a future that completes with the abort reason once the signal
    /// aborts: Go's `<-ctx.Done()`, for use in `select!`.
    ///
    /// It completes on its first poll if the signal has already aborted.
    /// Otherwise its first poll adds an `abort` listener to the signal, and
    /// dropping the future removes it. On [`Context::background`] it never
    /// completes.
    pub fn done(&self) -> Done {
        Done {
            signal: self.node.signal.clone(),
            listener: None,
        }
    }

    pub(crate) fn is_background(&self) -> bool {
        self.node.background
    }

    fn new(signal: AbortSignal, background: bool, derived: Option<Derived>) -> Self {
        Context {
            node: Rc::new(Node {
                signal,
                background,
                derived,
            }),
        }
    }

    /// A new context that aborts when `parent` does.
    fn derive(parent: &Context) -> Context {
        let controller = AbortController::new().expect_throw("AbortController is not available");
        let context = Context::new(
            controller.signal(),
            false,
            Some(Derived {
                controller,
                aborted: Cell::new(false),
                parent: RefCell::new(None),
                timer: RefCell::new(None),
                waker: RefCell::new(None),
            }),
        );
        if let Some(reason) = parent.reason() {
            context.node.abort(Some(&reason));
        } else if !parent.is_background() {
            let weak: Weak<Node> = Rc::downgrade(&context.node);
            let parent_signal = parent.signal().clone();
            let listener = AbortListener::new(parent.signal(), move || {
                if let Some(node) = weak.upgrade() {
                    node.abort(Some(&parent_signal.reason()));
                }
            });
            if let Some(derived) = &context.node.derived {
                *derived.parent.borrow_mut() = Some(listener);
            }
        }
        context
    }

    /// Aborts a derived context with `reason`; does nothing on another
    /// context, or once it has aborted.
    pub(crate) fn abort(&self, reason: &JsValue) {
        self.node.abort(Some(reason));
    }

    /// For a derived context: whether it has aborted; if not, `cx`'s waker
    /// is woken when it does. One `Waker` at a time: the last caller's.
    pub(crate) fn poll_aborted(&self, cx: &mut TaskContext<'_>) -> bool {
        let Some(derived) = &self.node.derived else {
            return self.node.signal.aborted();
        };
        if derived.aborted.get() {
            return true;
        }
        let mut waker = derived.waker.borrow_mut();
        match &mut *waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        false
    }
}

impl Node {
    /// Aborts a derived context, once: with `reason`, or the default
    /// `AbortError`. Releases the listener and the timer first, then
    /// aborts the controller (which runs `abort` listeners), then wakes.
    fn abort(&self, reason: Option<&JsValue>) {
        let Some(derived) = &self.derived else { return };
        if derived.aborted.replace(true) {
            return;
        }
        let listener = derived.parent.borrow_mut().take();
        let timer = derived.timer.borrow_mut().take();
        let waker = derived.waker.borrow_mut().take();
        drop(listener);
        drop(timer);
        match reason {
            Some(reason) => derived.controller.abort_with_reason(reason),
            None => derived.controller.abort(),
        }
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("aborted", &self.is_aborted())
            .finish()
    }
}

/// Cancels the context made with it by [`Context::with_cancel`] when
/// [`cancel`](Cancel::cancel) is called, or when it is dropped.
///
/// Keep it where the work's owner keeps its state, such as a UI
/// component's struct: when the owner is dropped, the context aborts, and
/// so do the fetches and groups under it. [`forget`](Cancel::forget) lets
/// the context live on without it.
#[must_use = "a Cancel cancels its context when dropped; keep it, or call forget"]
pub struct Cancel {
    /// `None` once forgotten.
    node: Option<Rc<Node>>,
}

impl Cancel {
    /// Aborts the context with an `AbortError` `DOMException`, unless it
    /// has aborted already, in which case this does nothing: its reason
    /// stays. Every call after the first does nothing.
    ///
    /// The signal's `abort` listeners, such as those of groups and
    /// contexts derived from it, run inside this call.
    pub fn cancel(&self) {
        if let Some(node) = &self.node {
            node.abort(None);
        }
    }

    /// Drops the guard without cancelling: the context then aborts only
    /// when its parent does. Its listener on the parent stays until that
    /// abort, or until every clone of the context is dropped.
    pub fn forget(mut self) {
        self.node = None;
    }

    /// Returns whether the context has aborted, by this guard or otherwise.
    pub fn is_cancelled(&self) -> bool {
        self.node
            .as_ref()
            .and_then(|node| node.derived.as_ref())
            .is_some_and(|derived| derived.aborted.get())
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// Future returned by [`Context::done`].
#[must_use = "futures do nothing unless polled"]
pub struct Done {
    signal: AbortSignal,
    listener: Option<(AbortListener, Rc<RefCell<Option<Waker>>>)>,
}

impl Future for Done {
    type Output = JsValue;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<JsValue> {
        if self.signal.aborted() {
            self.listener = None;
            return Poll::Ready(self.signal.reason());
        }
        match &self.listener {
            Some((_, waker)) => {
                waker.borrow_mut().replace(cx.waker().clone());
            }
            None => {
                let waker = Rc::new(RefCell::new(Some(cx.waker().clone())));
                let slot = waker.clone();
                let listener = AbortListener::new(&self.signal, move || {
                    let waker = slot.borrow_mut().take();
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                });
                self.listener = Some((listener, waker));
            }
        }
        Poll::Pending
    }
}

impl fmt::Debug for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Done")
            .field("listening", &self.listener.is_some())
            .finish()
    }
}
