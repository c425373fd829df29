//! [`map`], [`map_stream`] and [`map_stream_unordered`]: a limited map
//! over an iterator or a `Stream`, where the first failure stops the rest.
//!
//! All three are futures' own `buffered` and `buffer_unordered`, plus a
//! first failure and a signal: [`mappers`] makes the stream of mapper
//! futures they poll in place, each handed a context derived from the
//! parent and wrapped in a [`guard`] that records the first failure and
//! aborts the context the moment it happens, over a [`Source`] that stops
//! pulling items once the context has aborted; [`Mapping`] yields the
//! values, then the outcome.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll};

use futures_util::stream::{self, FusedStream, Stream, StreamExt};
use wasm_bindgen::JsValue;

use crate::context::{Cancel, Context};
use crate::reason::AbortReason;

/// Maps `items` with `f`, running at most `limit` mappers at once, and
/// returns the results in input order: Go's errgroup with `SetLimit`, as
/// one call. The Rust twin of the JS `ErrGroup.map`.
///
/// Each mapper gets its item and a [`Context`] derived from `parent`,
/// whose signal aborts on the first failure, when `parent` aborts, or once
/// the map has ended, whichever happens first. Hand it to `fetch`.
///
/// # Timing
///
/// Nothing happens until the returned future is polled. Each poll pulls
/// items only into free slots, calls `f` right then, and polls the new
/// mapper in the same poll; the mappers run inside this future, not
/// spawned, so dropping it drops them (see *Cancellation*). At most `limit`
/// items have been pulled and not yet mapped at any time. Underneath, it
/// is futures' `buffered(limit)`, with a guard around each mapper for the
/// first failure.
///
/// # Outcome
///
/// - Every mapper succeeded: `Ok` with their values, in the order of
///   `items`.
/// - A mapper failed: its error, the first in time. That failure aborts
///   the context every running mapper holds (the reason is
///   [`AbortReason::to_abort_reason`] of the error); no further item is
///   pulled, and the error is returned once the running mappers have ended.
///   Later failures are dropped.
/// - `parent` aborted before `items` ran out (an iterator that says through
///   its `size_hint` that it has nothing left has run out): no further item
///   is pulled, and once the running mappers have ended, the map fails with
///   [`AbortReason::from_abort_reason`] of the parent's reason, as
///   [`Group::wait`](crate::Group::wait) does for skipped work, unless a
///   mapper failed: then its error. If nothing was left to pull and every
///   mapper succeeded, the map succeeds.
///
/// # Cancellation
///
/// Dropping the future drops the running mappers and `items`, and aborts
/// their context with an `AbortError` `DOMException`, so a `fetch` they
/// started stops on the wire too.
///
/// # Panics
///
/// Panics at the call if `limit` is 0, which would map nothing and never
/// end (`buffered(0)` hangs instead).
///
/// # Examples
///
/// ```no_run
#[doc = include_str!("../tests/examples/fetch_texts.rs")]
/// ```
pub fn map<I, F, Fut, R, E>(
    parent: &Context,
    items: I,
    limit: usize,
    f: F,
) -> impl Future<Output = Result<Vec<R>, E>>
where
    I: IntoIterator,
    F: FnMut(I::Item, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    E: AbortReason,
{
    let items = items.into_iter();
    let mut values = Vec::with_capacity(items.size_hint().0);
    let (mappers, shared, cancel) = mappers(parent, stream::iter(items), limit, f, "map");
    let mut mapping = Mapping::new(mappers.buffered(limit), shared, cancel);
    async move {
        while let Some(value) = mapping.next().await {
            values.push(value?);
        }
        Ok(values)
    }
}

/// Maps the stream `items` with `f`, running at most `limit` mappers at
/// once, and yields the results in input order as they come.
///
/// This is [`map`] as a stream: the same context for each mapper, the same
/// pulling (an item only into a free slot, and `f` called right then), the
/// same first failure. It yields:
///
/// - `Ok(value)` for each item, in the order of `items`, as soon as its
///   mapper and those of every earlier item have succeeded. A mapper holds
///   its slot until its value is yielded: at most `limit` mappers run, and
///   at most `limit` values wait to be yielded (its backpressure);
/// - then, if a mapper failed, one `Err`: the first failure, once the
///   running mappers have ended. The failure aborts their context at once,
///   no item is pulled after it, and no value is yielded after it: values
///   that were waiting or that arrive are dropped;
/// - or, if `parent` aborted before `items` ended, one `Err` of
///   [`AbortReason::from_abort_reason`] of the parent's reason, once the
///   running mappers have ended; the values they bring until then are
///   still yielded, in order.
///
/// Then it ends. The mappers' context also aborts, with an `AbortError`
/// `DOMException`, when the stream ends.
///
/// # Timing
///
/// Nothing happens until the stream is polled: the mappers run inside it,
/// polled by [`poll_next`](Stream::poll_next), not spawned. A consumer that
/// stops polling pauses them.
///
/// # Cancellation
///
/// Dropping the stream drops the running mappers and `items` (so nothing
/// more is pulled), and aborts the mappers' context with an `AbortError`
/// `DOMException`, which stops a `fetch` they started.
///
/// # Panics
///
/// Panics at the call if `limit` is 0.
///
/// # Examples
///
/// ```no_run
#[doc = include_str!("../tests/examples/stream_pages.rs")]
/// ```
pub fn map_stream<S, F, Fut, R, E>(
    parent: &Context,
    items: S,
    limit: usize,
    f: F,
) -> impl FusedStream<Item = Result<R, E>> + Unpin
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    E: AbortReason,
{
    let (mappers, shared, cancel) = mappers(parent, items, limit, f, "map_stream");
    Mapping::new(mappers.buffered(limit), shared, cancel)
}

/// [`map_stream`], yielding each value as soon as its mapper succeeds:
/// in the order the mappers complete, not the order of `items`.
///
/// A mapper's slot is free as soon as it completes, so a slow item holds
/// back only its own slot. Everything else is as for `map_stream`: the
/// first failure aborts the rest and is yielded last, once the running
/// mappers have ended, and dropping the stream aborts them.
///
/// # Panics
///
/// Panics at the call if `limit` is 0.
pub fn map_stream_unordered<S, F, Fut, R, E>(
    parent: &Context,
    items: S,
    limit: usize,
    f: F,
) -> impl FusedStream<Item = Result<R, E>> + Unpin
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    E: AbortReason,
{
    let (mappers, shared, cancel) = mappers(parent, items, limit, f, "map_stream_unordered");
    Mapping::new(mappers.buffer_unordered(limit), shared, cancel)
}

/// What the mappers share with the map.
struct Shared<E> {
    /// The mappers' context.
    context: Context,
    /// A mapper has failed.
    failed: Cell<bool>,
    /// The first failure's error, until the map yields it.
    error: RefCell<Option<E>>,
    /// The parent aborted before the items ran out.
    skipped: Cell<bool>,
}

impl<E: AbortReason> Shared<E> {
    /// A mapper failed with `error`: the first failure aborts the context
    /// with it, and is kept; a later one is dropped.
    fn fail(&self, error: E) {
        if self.failed.replace(true) {
            return;
        }
        let reason = error.to_abort_reason();
        *self.error.borrow_mut() = Some(error);
        self.context.abort(&reason);
    }
}

/// The stream of mapper futures for `buffered` or `buffer_unordered` to
/// poll, the state they share, and the guard that aborts their context.
#[allow(clippy::type_complexity)]
fn mappers<S, F, Fut, R, E>(
    parent: &Context,
    items: S,
    limit: usize,
    mut f: F,
    name: &str,
) -> (
    impl Stream<Item = impl Future<Output = Result<R, ()>>> + Unpin,
    Rc<Shared<E>>,
    Cancel,
)
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    Fut: Future<Output = Result<R, E>>,
    E: AbortReason,
{
    assert!(
        limit > 0,
        "wasm_errgroup::{name}: `limit` must be from 1 up, got 0: no item could ever be mapped"
    );
    let (context, cancel) = Context::with_cancel(parent);
    let shared = Rc::new(Shared {
        context,
        failed: Cell::new(false),
        error: RefCell::new(None),
        skipped: Cell::new(false),
    });
    let source = Source {
        items: Some(Box::pin(items)),
        shared: shared.clone(),
    };
    let guarded = shared.clone();
    let mappers = source.map(move |item| {
        let mapper = f(item, guarded.context.clone());
        guard(mapper, guarded.clone())
    });
    (mappers, shared, cancel)
}

/// Runs `mapper`; if it fails, records the failure (the first aborts the
/// context at once, whatever order the values are yielded in).
async fn guard<Fut, R, E>(mapper: Fut, shared: Rc<Shared<E>>) -> Result<R, ()>
where
    Fut: Future<Output = Result<R, E>>,
    E: AbortReason,
{
    match mapper.await {
        Ok(value) => Ok(value),
        Err(error) => {
            shared.fail(error);
            Err(())
        }
    }
}

/// The items, until they end or the context aborts: then it pulls nothing
/// more, and drops them.
struct Source<S, E> {
    /// Boxed once, so that any stream is polled without pin projection.
    items: Option<Pin<Box<S>>>,
    shared: Rc<Shared<E>>,
}

impl<S: Stream, E> Stream for Source<S, E> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        let Some(items) = &mut this.items else {
            return Poll::Ready(None);
        };
        if !this.shared.context.is_aborted() {
            match items.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
                Poll::Ready(None) => {
                    this.items = None;
                    return Poll::Ready(None);
                }
                // Woken by the items, or by the parent's abort: it may
                // have come while nothing else is polled.
                Poll::Pending if !this.shared.context.poll_aborted(cx) => return Poll::Pending,
                Poll::Pending => {}
            }
        }
        // Items left are work a parent's abort skipped, unless a failure
        // came first, or they say that none is left.
        let left = items.size_hint().1 != Some(0);
        if left && !this.shared.failed.get() {
            this.shared.skipped.set(true);
        }
        this.items = None;
        Poll::Ready(None)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items
            .as_ref()
            .map_or((0, Some(0)), |items| items.size_hint())
    }
}

/// The values of the mappers, then the outcome, and the guard that aborts
/// their context when the map ends or is dropped.
struct Mapping<St, E> {
    /// `buffered` or `buffer_unordered` over the guarded mappers.
    mappers: St,
    shared: Rc<Shared<E>>,
    cancel: Cancel,
    ended: bool,
}

impl<St, E> Mapping<St, E> {
    fn new(mappers: St, shared: Rc<Shared<E>>, cancel: Cancel) -> Self {
        Mapping {
            mappers,
            shared,
            cancel,
            ended: false,
        }
    }
}

impl<St, R, E> Stream for Mapping<St, E>
where
    St: Stream<Item = Result<R, ()>> + Unpin,
    E: AbortReason,
{
    type Item = Result<R, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        loop {
            match this.mappers.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(value))) if !this.shared.failed.get() => {
                    return Poll::Ready(Some(Ok(value)));
                }
                // A failure, which its guard recorded, or a value that
                // came after it: dropped.
                Poll::Ready(Some(_)) => {}
                Poll::Ready(None) => break,
            }
        }
        // Every mapper has ended: abort their context, and report.
        this.ended = true;
        let reason = this.shared.context.reason();
        this.cancel.cancel();
        let error = this.shared.error.borrow_mut().take();
        Poll::Ready(match error {
            Some(error) => Some(Err(error)),
            None if this.shared.skipped.get() => Some(Err(E::from_abort_reason(
                reason.unwrap_or(JsValue::UNDEFINED),
            ))),
            None => None,
        })
    }
}

impl<St, R, E> FusedStream for Mapping<St, E>
where
    St: Stream<Item = Result<R, ()>> + Unpin,
    E: AbortReason,
{
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

impl<St, E> fmt::Debug for Mapping<St, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("failed", &self.shared.failed.get())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}
