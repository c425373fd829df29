//! [`JoinHandle`]: the typed result of a task that
//! [`Group::spawn`](crate::Group::spawn) runs, and [`JoinError`].

use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll, Waker};

/// An owned permission to await the result of a task started with
/// [`Group::spawn`](crate::Group::spawn): tokio's `JoinHandle`, for a group.
///
/// It is a future of `Result<T, JoinError>`:
/// - `Ok(value)` once the task completed with `Ok(value)`;
/// - `Err(e)` with [`e.is_failed()`](JoinError::is_failed) once it
///   completed with `Err`. The error itself went to the group, which
///   reports its first failure through [`wait`](crate::Group::wait);
/// - `Err(e)` with [`e.is_skipped()`](JoinError::is_skipped) once the group
///   dropped the task without polling it: its signal aborted before the
///   task started, the group was closed, or the group was dropped with the
///   task queued behind a limit of 0.
///
/// The handle completes in the moment the task's future completes, or is
/// dropped unpolled, and the awaiting task is woken then. By the time it
/// runs, the group has recorded the end: the task's slot is free, and a
/// failure has aborted the signal of a `with_context` group.
///
/// # Dropping
///
/// Dropping the handle detaches the task, as in Go and tokio: it runs on,
/// and its value is dropped when it completes. Only the group's signal
/// stops tasks.
///
/// # Panics
///
/// Polling the handle again after it completed panics.
#[must_use = "dropping a JoinHandle detaches the task, which runs on; Group::go takes a task whose value you do not need"]
pub struct JoinHandle<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

/// The result on its way from the task to the handle.
enum Slot<T> {
    /// The task has not ended; the handle's waker, once it was polled.
    Waiting(Option<Waker>),
    /// The task ended; the handle has not taken the result yet.
    Ended(Result<T, JoinError>),
    /// The handle returned the result.
    Taken,
}

/// Why a [`JoinHandle`] has no value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JoinError {
    skipped: bool,
}

impl JoinError {
    /// Returns whether the task completed with `Err`. Its error went to the
    /// group: [`Group::wait`](crate::Group::wait) reports the first.
    pub fn is_failed(&self) -> bool {
        !self.skipped
    }

    /// Returns whether the task never started: the group dropped it
    /// without polling it.
    pub fn is_skipped(&self) -> bool {
        self.skipped
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.skipped {
            "JoinError::Skipped"
        } else {
            "JoinError::Failed"
        })
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.skipped {
            "the task was skipped: the group dropped it before it started"
        } else {
            "the task failed; its error went to the group"
        })
    }
}

impl core::error::Error for JoinError {}

impl<T> JoinHandle<T> {
    /// Returns whether the task has ended: completed, or skipped. The
    /// handle then completes on its next poll.
    pub fn is_finished(&self) -> bool {
        !matches!(*self.slot.borrow(), Slot::Waiting(_))
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match &mut *slot {
            Slot::Waiting(waker) => {
                match waker {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    waker => *waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            Slot::Ended(_) => match mem::replace(&mut *slot, Slot::Taken) {
                Slot::Ended(result) => Poll::Ready(result),
                _ => unreachable!(),
            },
            Slot::Taken => panic!("JoinHandle polled after it completed"),
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// The task as the group runs it, and the handle to its result: the task
/// runs `future` and hands its end to the handle. Dropped before it ends
/// (unpolled, as the group drops a skipped task), it hands a skip.
pub(crate) fn joined<F, T, E>(future: F) -> (impl Future<Output = Result<(), E>>, JoinHandle<T>)
where
    F: Future<Output = Result<T, E>>,
{
    let sender = Sender {
        slot: Rc::new(RefCell::new(Slot::Waiting(None))),
    };
    let handle = JoinHandle {
        slot: sender.slot.clone(),
    };
    let task = async move {
        let sender = sender;
        match future.await {
            Ok(value) => {
                sender.end(Ok(value));
                Ok(())
            }
            Err(error) => {
                sender.end(Err(JoinError { skipped: false }));
                Err(error)
            }
        }
    };
    (task, handle)
}

/// The task's end of the slot.
struct Sender<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

impl<T> Sender<T> {
    /// Hands `result` to the handle and wakes it, if it still waits.
    fn end(&self, result: Result<T, JoinError>) {
        let waker = {
            let mut slot = self.slot.borrow_mut();
            let Slot::Waiting(waker) = &mut *slot else {
                return;
            };
            let waker = waker.take();
            *slot = Slot::Ended(result);
            waker
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.end(Err(JoinError { skipped: true }));
    }
}
