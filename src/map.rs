//! [`map`], [`map_stream`] and [`map_stream_unordered`]: a limited map
//! over an iterator or a `Stream`, where the first failure stops the rest.
//!
//! One engine, [`Mapping`], serves all three: a stream that pulls an item
//! only into a free slot, calls the mapper with a context derived from the
//! parent, and polls the mappers in place, in a `FuturesUnordered`, as
//! `buffer_unordered` does. The group's [`State`] decides, as it does for
//! [`Group`](crate::Group) and the JS class: a slot per mapper, the first
//! failure, a parent's abort, and what the map reports.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context as TaskContext, Poll};

use futures_util::stream::{self, FusedStream, FuturesUnordered, Stream, StreamExt};

use crate::context::{Cancel, Context};
use crate::reason::AbortReason;
use crate::state::{Cause, Count, Outcome, State, Status};

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
/// items have been pulled and not yet mapped at any time.
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
    let mut mapping = Mapping::new(
        parent,
        stream::iter(items),
        limit,
        (f, indexed),
        true,
        "map",
    );
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
    Mapping::new(parent, items, limit, (f, indexed), true, "map_stream")
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
    Mapping::new(
        parent,
        items,
        limit,
        (f, indexed),
        false,
        "map_stream_unordered",
    )
}

/// A mapper that also yields its item's index: polled in place, as the
/// mapper itself would be, without a box.
async fn indexed<Fut: Future>(index: usize, mapper: Fut) -> (usize, Fut::Output) {
    (index, mapper.await)
}

/// The engine of [`map`], [`map_stream`] and [`map_stream_unordered`].
struct Mapping<S, F, G, W, R, E> {
    /// The items, until they end or the map stops pulling; boxed once, so
    /// that any stream can be polled without pin projection.
    items: Option<Pin<Box<S>>>,
    f: F,
    /// Wraps a mapper into one that also yields its item's index.
    indexed: G,
    /// The running mappers, polled in place.
    running: FuturesUnordered<W>,
    /// In input order only: values that arrived ahead of an earlier one.
    /// `held[k]` is the value of item `next_out + k`, once it arrived.
    held: VecDeque<Option<Result<R, E>>>,
    ordered: bool,
    next_in: usize,
    next_out: usize,
    /// Slots, the first failure, the parent's abort, the outcome. Its queue
    /// stays empty: an item is pulled only into a free slot.
    core: State<Count>,
    /// The first failure's error, as a `Result` so that a mapper's output
    /// can be kept without taking it apart.
    error: Option<Result<R, E>>,
    /// The mappers' context; dropping `cancel` aborts it.
    context: Context,
    cancel: Cancel,
    ended: bool,
}

impl<S, F, Fut, G, W, R, E> Mapping<S, F, G, W, R, E>
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    G: FnMut(usize, Fut) -> W,
    W: Future<Output = (usize, Result<R, E>)>,
    E: AbortReason,
{
    fn new(
        parent: &Context,
        items: S,
        limit: usize,
        (f, indexed): (F, G),
        ordered: bool,
        name: &str,
    ) -> Self {
        assert!(
            limit > 0,
            "wasm_errgroup::{name}: `limit` must be from 1 up, got 0: no item could ever be mapped"
        );
        let (context, cancel) = Context::with_cancel(parent);
        let mut core = State::new(true, Count(0));
        core.set_limit(Some(limit));
        Mapping {
            items: Some(Box::pin(items)),
            f,
            indexed,
            running: FuturesUnordered::new(),
            held: VecDeque::new(),
            ordered,
            next_in: 0,
            next_out: 0,
            core,
            error: None,
            context,
            cancel,
            ended: false,
        }
    }

    /// Pulls items into free slots and starts their mappers, until no slot
    /// is free or `items` has none ready; stops pulling for good once the
    /// context has aborted.
    fn pull(&mut self, cx: &mut TaskContext<'_>) {
        while let Some(items) = &mut self.items {
            if self.core.aborted().is_some() {
                // The rest of `items` is skipped: work a cancel skipped,
                // unless it says it has nothing left.
                if items.size_hint().1 != Some(0) {
                    let _ = self.core.go(());
                }
                self.items = None;
                break;
            }
            if !self.core.ready() {
                break;
            }
            match items.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    let admitted = self.core.try_go() && self.core.start();
                    debug_assert!(admitted, "a free slot was checked above");
                    let mapper = (self.f)(item, self.context.clone());
                    self.running.push((self.indexed)(self.next_in, mapper));
                    self.next_in += 1;
                }
                Poll::Ready(None) => self.items = None,
                Poll::Pending => break,
            }
        }
    }

    /// A mapper ended with `output`: records it, and returns a value to
    /// yield now, if any.
    fn ended(&mut self, index: usize, output: Result<R, E>) -> Option<Result<R, E>> {
        if output.is_err() {
            self.core.end(true);
            // Values held in order will never be yielded: free their slots.
            for _ in self.held.drain(..).flatten() {
                self.core.end(false);
            }
            if self.error.is_none() {
                if let Err(error) = &output {
                    let reason = error.to_abort_reason();
                    self.error = Some(output);
                    self.context.abort(&reason);
                }
            }
            return None;
        }
        if self.error.is_some() {
            self.core.end(false);
            return None;
        }
        if !self.ordered || (index == self.next_out && self.held.is_empty()) {
            self.core.end(false);
            self.next_out += usize::from(self.ordered);
            return Some(output);
        }
        // Ahead of an earlier item: hold it, in its slot.
        let k = index - self.next_out;
        if self.held.len() <= k {
            self.held.resize_with(k + 1, || None);
        }
        self.held[k] = Some(output);
        None
    }

    /// The next value held in order, if it has arrived.
    fn next_held(&mut self) -> Option<Result<R, E>> {
        if !matches!(self.held.front(), Some(Some(_))) {
            return None;
        }
        self.core.end(false);
        self.next_out += 1;
        self.held.pop_front().flatten()
    }

    /// The map has ended: aborts the mappers' context, and says what to
    /// yield last.
    fn finish(&mut self) -> Option<Result<R, E>> {
        self.ended = true;
        debug_assert_eq!(self.core.status(), Status::Idle);
        let outcome = self.core.outcome();
        let reason = self.context.reason();
        self.cancel.cancel();
        match outcome {
            Outcome::Done => None,
            Outcome::Failed => self.error.take(),
            Outcome::Cancelled => Some(Err(E::from_abort_reason(
                reason.unwrap_or(wasm_bindgen::JsValue::UNDEFINED),
            ))),
        }
    }
}

impl<S, F, Fut, G, W, R, E> Stream for Mapping<S, F, G, W, R, E>
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    G: FnMut(usize, Fut) -> W,
    W: Future<Output = (usize, Result<R, E>)>,
    E: AbortReason,
{
    type Item = Result<R, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        loop {
            if let Some(value) = this.next_held() {
                return Poll::Ready(Some(value));
            }
            // The parent's abort, read in Rust; a failure has set the
            // core's cause first.
            if this.core.aborted().is_none() && this.context.is_aborted() {
                this.core.abort(Cause::Cancel);
            }
            this.pull(cx);
            match this.running.poll_next_unpin(cx) {
                Poll::Ready(Some((index, output))) => {
                    if let Some(value) = this.ended(index, output) {
                        return Poll::Ready(Some(value));
                    }
                }
                Poll::Ready(None) if this.items.is_none() && this.held.is_empty() => {
                    return Poll::Ready(this.finish());
                }
                Poll::Ready(None) | Poll::Pending => {
                    // Before sleeping, ask to be woken by the parent's
                    // abort; it may have come since the check above.
                    if this.core.aborted().is_some() || !this.context.poll_aborted(cx) {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl<S, F, Fut, G, W, R, E> FusedStream for Mapping<S, F, G, W, R, E>
where
    S: Stream,
    F: FnMut(S::Item, Context) -> Fut,
    G: FnMut(usize, Fut) -> W,
    W: Future<Output = (usize, Result<R, E>)>,
    E: AbortReason,
{
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

// No field is pinned: `items` is boxed, `running` is `Unpin`, and the
// mapper, the values and the errors are only ever moved.
impl<S, F, G, W, R, E> Unpin for Mapping<S, F, G, W, R, E> {}

impl<S, F, G, W, R, E> fmt::Debug for Mapping<S, F, G, W, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("running", &self.running.len())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}
