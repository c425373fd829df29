//! [`Context`]: an `AbortSignal` seen as a Go context.

use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll, Waker};

use crate::listener::AbortListener;
use wasm_bindgen::{JsValue, UnwrapThrowExt};
use web_sys::{AbortController, AbortSignal};

/// An `AbortSignal` seen as a Go `context.Context`: the parent of a group,
/// and the signal its tasks hand to `fetch`.
///
/// Cloning is cheap: clones share one signal.
#[derive(Clone)]
pub struct Context {
    signal: AbortSignal,
    background: bool,
}

impl Context {
    /// Creates a context that never aborts: Go's `context.Background()`.
    pub fn background() -> Self {
        let controller = AbortController::new().expect_throw("AbortController is not available");
        Context {
            signal: controller.signal(),
            background: true,
        }
    }

    /// Wraps `signal`. The context aborts when the signal does, with its
    /// reason.
    pub fn from_signal(signal: AbortSignal) -> Self {
        Context {
            signal,
            background: false,
        }
    }

    /// Returns the `AbortSignal`, to hand to `fetch` through
    /// `RequestInit::set_signal` or to any other API that takes one.
    pub fn signal(&self) -> &AbortSignal {
        &self.signal
    }

    /// Returns whether the signal has aborted.
    pub fn is_aborted(&self) -> bool {
        self.signal.aborted()
    }

    /// Returns the abort reason once the signal has aborted, `None` before.
    pub fn reason(&self) -> Option<JsValue> {
        self.is_aborted().then(|| self.signal.reason())
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
            signal: self.signal.clone(),
            listener: None,
        }
    }

    pub(crate) fn is_background(&self) -> bool {
        self.background
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("aborted", &self.is_aborted())
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
