//! `ErrGroup.map`: p-map's job done by a group, with a signal for the
//! mappers and lazy pulling from async iterables.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use js_sys::{Array, Function, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::group::{Inner, Task};
use crate::js::{concat, type_error, JsErrGroup, Shared};
use crate::{pending, sys};

#[wasm_bindgen(typescript_custom_section)]
const MAP_TYPES: &'static str = r#"
/** Options of `ErrGroup.map`. */
export interface MapOptions {
  /** How many mappers may run at once: a positive integer, or `Infinity` (the default). */
  limit?: number;
  /** Aborting it aborts every mapper's signal and skips the rest; `map` then rejects with its reason. */
  signal?: AbortSignal;
}
export declare namespace ErrGroup {
  /**
   * Maps every item with at most `options.limit` mappers running at once,
   * and resolves with the results in input order.
   *
   * `items` is an iterable or an async iterable; items are pulled only when
   * a slot is free, so never more than `limit` items are held ahead of the
   * mappers. `mapper(item, index, signal)` may return a value or a promise.
   *
   * The first failure (a mapper that throws or rejects, or the iterable
   * itself) rejects the result with that exact value, aborts the `signal`
   * every running mapper holds, and stops pulling items; the iterator is
   * closed with `return()`. If `options.signal` aborts first, the result
   * rejects with its reason.
   */
  function map<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    mapper: (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]>;
}
"#;

#[wasm_bindgen(js_class = ErrGroup)]
impl JsErrGroup {
    /// Maps every item with at most `options.limit` mappers at once; see the
    /// TypeScript declaration for the contract.
    #[wasm_bindgen(js_name = map, skip_typescript)]
    pub fn map(items: JsValue, mapper: JsValue, options: JsValue) -> Promise {
        pending::promise(run(items, mapper, options))
    }
}

async fn run(items: JsValue, mapper: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    if !mapper.is_function() {
        return Err(type_error(
            "ErrGroup.map: mapper must be a function, got ",
            &mapper,
        ));
    }
    let (limit, parent) = parse_options(&options)?;
    let source = Source::new(&items)?;
    let group = JsErrGroup::with_signal(parent)?;
    group.group.set_limit(limit);
    let results = Array::new();
    let store = {
        let results = results.clone();
        Closure::<dyn Fn(u32, JsValue)>::new(move |index, value| results.set(index, value))
            .into_js_value()
            .unchecked_into()
    };
    let map = Rc::new(MapShared {
        mapper: mapper.unchecked_into(),
        store,
        results: results.clone(),
        shared: group.shared(),
    });
    let inner = group.group.inner.clone();
    let mut index = 0;
    let exhausted = loop {
        group.group.ready().await;
        if inner.is_aborted() {
            break false;
        }
        match source.next().await {
            Ok(Some(item)) => {
                inner.submit(Box::new(MapTask {
                    map: map.clone(),
                    item,
                    index,
                }));
                index += 1;
            }
            Ok(None) => break true,
            Err(error) => {
                inner.fail(error);
                break false;
            }
        }
    };
    if !exhausted {
        source.close().await;
    }
    group.group.wait().await?;
    if exhausted {
        Ok(results.into())
    } else {
        // Only a parent abort stops the pull without a failure.
        Err(group.signal().reason())
    }
}

fn parse_options(options: &JsValue) -> Result<(Option<usize>, JsValue), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((None, JsValue::UNDEFINED));
    }
    if !options.is_object() {
        return Err(type_error(
            "ErrGroup.map: options must be an object, got ",
            options,
        ));
    }
    let limit = Reflect::get(options, &"limit".into())?;
    let limit = match limit.as_f64() {
        _ if limit.is_undefined() => None,
        Some(n) if n == f64::INFINITY => None,
        Some(n) if n >= 1.0 && n.fract() == 0.0 => Some(n as usize),
        Some(_) => {
            let message = concat(
                "ErrGroup.map: options.limit must be a positive integer or Infinity, got ",
                &limit,
            );
            return Err(js_sys::RangeError::new(&message).into());
        }
        None => {
            return Err(type_error(
                "ErrGroup.map: options.limit must be a number, got ",
                &limit,
            ))
        }
    };
    let signal = Reflect::get(options, &"signal".into())?;
    if !signal.is_undefined() && !signal.is_instance_of::<AbortSignal>() {
        return Err(type_error(
            "ErrGroup.map: options.signal must be an AbortSignal, got ",
            &signal,
        ));
    }
    Ok((limit, signal))
}

/// What every mapper call of one `map` shares.
struct MapShared {
    mapper: Function,
    /// `store(index, value)`, writing `results[index]`.
    store: Function,
    results: Array,
    shared: Rc<Shared>,
}

struct MapTask {
    map: Rc<MapShared>,
    item: JsValue,
    index: u32,
}

impl Task<JsValue> for MapTask {
    fn start(self: Box<Self>, group: &Rc<Inner<JsValue>>) {
        let MapShared {
            mapper,
            store,
            results,
            shared,
        } = &*self.map;
        let index = JsValue::from(self.index);
        let returned = mapper.call3(&JsValue::UNDEFINED, &self.item, &index, &shared.signal);
        // A promised result is stored by `store(index, value)` before the task ends.
        let store_at = || Some(store.bind1(&JsValue::NULL, &index).unchecked_into());
        if let Some(value) = shared.watch(group, returned, store_at) {
            results.set(self.index, value);
            group.finish(Ok(()));
        }
    }

    fn skip(self: Box<Self>) {}
}

/// A sync or async iterator, pulled one item at a time.
struct Source {
    iterator: JsValue,
    next: Function,
    /// For an async iterator: settles each `next()` promise.
    pull: Option<Pull>,
}

/// Awaits one promise at a time through two callbacks made once per `map`
/// call, instead of a `JsFuture` and two new closures per item.
struct Pull {
    slot: Rc<RefCell<PullSlot>>,
    on_fulfilled: Function,
    on_rejected: Function,
}

#[derive(Default)]
struct PullSlot {
    outcome: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

impl Pull {
    fn new() -> Pull {
        let slot = Rc::new(RefCell::new(PullSlot::default()));
        let callback = |ok: bool| -> Function {
            let slot = slot.clone();
            Closure::<dyn Fn(JsValue)>::new(move |value| {
                let waker = {
                    let mut slot = slot.borrow_mut();
                    slot.outcome = Some(if ok { Ok(value) } else { Err(value) });
                    slot.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            })
            .into_js_value()
            .unchecked_into()
        };
        Pull {
            on_fulfilled: callback(true),
            on_rejected: callback(false),
            slot,
        }
    }

    async fn settled(&self, value: &JsValue) -> Result<JsValue, JsValue> {
        let promise = sys::promise_resolve(value)?;
        sys::then_with(&promise, &self.on_fulfilled, &self.on_rejected)?;
        poll_fn(|cx| {
            let mut slot = self.slot.borrow_mut();
            match slot.outcome.take() {
                Some(outcome) => Poll::Ready(outcome),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

impl Source {
    fn new(items: &JsValue) -> Result<Source, JsValue> {
        if items.is_object() || items.is_function() || items.is_string() {
            for (symbol, is_async) in [
                (Symbol::async_iterator(), true),
                (Symbol::iterator(), false),
            ] {
                let method = Reflect::get(items, &symbol)?;
                if let Some(method) = method.dyn_ref::<Function>() {
                    let iterator = method.call0(items)?;
                    let next = Reflect::get(&iterator, &"next".into())?;
                    if !next.is_function() {
                        break;
                    }
                    return Ok(Source {
                        iterator,
                        next: next.unchecked_into(),
                        pull: is_async.then(Pull::new),
                    });
                }
            }
        }
        Err(type_error(
            "ErrGroup.map: items must be an iterable or an async iterable, got ",
            items,
        ))
    }

    /// The next item, `None` once done. A throwing or rejecting `next` is
    /// an error.
    async fn next(&self) -> Result<Option<JsValue>, JsValue> {
        let mut result = self.next.call0(&self.iterator)?;
        if let Some(pull) = &self.pull {
            result = pull.settled(&result).await?;
        }
        if !result.is_object() {
            return Err(type_error(
                "ErrGroup.map: the iterator returned a non-object result: ",
                &result,
            ));
        }
        if Reflect::get(&result, &"done".into())?.is_truthy() {
            return Ok(None);
        }
        Reflect::get(&result, &"value".into()).map(Some)
    }

    /// Closes the iterator early with `return()`, as `for...of` does on
    /// `break`; what `return()` throws or rejects with is ignored.
    async fn close(&self) {
        let Ok(method) = Reflect::get(&self.iterator, &"return".into()) else {
            return;
        };
        let Some(method) = method.dyn_ref::<Function>() else {
            return;
        };
        if let Ok(result) = method.call0(&self.iterator) {
            if let Some(pull) = &self.pull {
                let _ = pull.settled(&result).await;
            }
        }
    }
}
