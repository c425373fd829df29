//! `ErrGroup.map`: p-map's job done by a group, with a signal for the
//! mappers and lazy pulling from async iterables.

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use js_sys::{Array, Function, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;

use crate::group::{Inner, Task};
use crate::js::{JsErrGroup, Shared};
use crate::pending::{self, Settle};
use crate::sys;

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
        pending::promise(|settle| match Run::new(&items, mapper, &options) {
            Ok(run) => {
                *run.settle.borrow_mut() = Some(settle);
                run.pump();
            }
            Err(error) => settle.settle(Err(error)),
        })
    }
}

/// One `map` call: a `withSignal` group that items are pulled into while it
/// has a free slot, and the promise settled once the group is idle.
///
/// Nothing here is a Rust future: the pull loop goes on from the group's
/// callbacks and, for an async iterator, from the two callbacks of [`Pull`].
struct Run {
    group: JsErrGroup,
    inner: Rc<Inner<JsValue>>,
    source: Source,
    map: Rc<MapShared>,
    index: Cell<u32>,
    /// Where [`sys::item`] puts what it read.
    slot: Array,
    settle: RefCell<Option<Settle>>,
    /// For an async iterator: settles each `next()` and `return()` promise.
    pull: Option<Pull>,
    /// Holds the run while a `next()` or `return()` promise is awaited.
    awaiting: RefCell<Option<Rc<Run>>>,
    /// The awaited promise is `return()`'s.
    closing: Cell<bool>,
}

impl Run {
    fn new(items: &JsValue, mapper: JsValue, options: &JsValue) -> Result<Rc<Run>, JsValue> {
        if !mapper.is_function() {
            return Err(sys::type_error(
                "ErrGroup.map: mapper must be a function, got ",
                &mapper,
            ));
        }
        let (limit, parent) = parse_options(options)?;
        let source = Source::new(items)?;
        let group = JsErrGroup::with_signal(parent)?;
        group.group.set_limit(limit);
        let map = Rc::new(MapShared {
            mapper: mapper.unchecked_into(),
            results: Array::new(),
            shared: group.shared(),
        });
        let inner = group.group.inner.clone();
        Ok(Rc::new_cyclic(|run| Run {
            pull: source.is_async.then(|| Pull::new(run)),
            group,
            inner,
            source,
            map,
            index: Cell::new(0),
            slot: Array::new(),
            settle: RefCell::new(None),
            awaiting: RefCell::new(None),
            closing: Cell::new(false),
        }))
    }

    /// Pulls items and submits them while the group has a free slot; goes
    /// on when a slot frees, or when an awaited `next()` settles.
    fn pump(self: &Rc<Self>) {
        loop {
            if self.inner.is_aborted() {
                return self.stop();
            }
            if !self.inner.is_ready() {
                let run = self.clone();
                self.inner.when_ready(Box::new(move |_| run.pump()));
                return;
            }
            let Source { iterator, next, .. } = &self.source;
            if let Some(pull) = &self.pull {
                return match next.call0(iterator) {
                    Ok(result) => self.await_settled(pull, &result),
                    Err(error) => self.fail(error),
                };
            }
            if !self.step(sys::pull(iterator, next, &self.slot)) {
                return;
            }
        }
    }

    /// Takes one iterator result, as [`sys::item`] read it; returns
    /// whether to pull on.
    fn step(self: &Rc<Self>, read: Result<u32, JsValue>) -> bool {
        match read {
            Ok(1) => {
                let item = self.slot.get(0);
                let index = self.index.get();
                self.index.set(index + 1);
                self.inner.submit(Box::new(MapTask {
                    map: self.map.clone(),
                    item,
                    index,
                }));
                true
            }
            Ok(0) => {
                self.finish(true);
                false
            }
            Ok(_) => {
                self.fail(sys::type_error(
                    "ErrGroup.map: the iterator returned a non-object result: ",
                    &self.slot.get(0),
                ));
                false
            }
            Err(error) => {
                self.fail(error);
                false
            }
        }
    }

    fn await_settled(self: &Rc<Self>, pull: &Pull, value: &JsValue) {
        match pull.watch(value) {
            Ok(()) => *self.awaiting.borrow_mut() = Some(self.clone()),
            Err(_) if self.closing.get() => self.finish(false),
            Err(error) => self.fail(error),
        }
    }

    /// An awaited `next()` or `return()` promise settled.
    fn settled(&self, outcome: Result<JsValue, JsValue>) {
        let Some(run) = self.awaiting.borrow_mut().take() else {
            return;
        };
        match outcome {
            // What `return()` settles with is ignored.
            _ if run.closing.get() => run.finish(false),
            Ok(result) => {
                if run.step(sys::item(&result, &run.slot)) {
                    run.pump();
                }
            }
            Err(error) => run.fail(error),
        }
    }

    fn fail(self: &Rc<Self>, error: JsValue) {
        self.inner.fail(error);
        self.stop();
    }

    /// Stops pulling before the end: closes the iterator with `return()`, as
    /// `for...of` does on `break`, ignoring what it throws or rejects with.
    fn stop(self: &Rc<Self>) {
        let iterator = &self.source.iterator;
        if let Ok(method) = Reflect::get(iterator, &"return".into()) {
            if let Some(method) = method.dyn_ref::<Function>() {
                if let Ok(result) = method.call0(iterator) {
                    if let Some(pull) = &self.pull {
                        self.closing.set(true);
                        return self.await_settled(pull, &result);
                    }
                }
            }
        }
        self.finish(false);
    }

    /// Settles the promise once every submitted mapper has ended.
    fn finish(self: &Rc<Self>, exhausted: bool) {
        let run = self.clone();
        self.inner.when_idle(
            true,
            Box::new(move |group| {
                let outcome = match group.outcome() {
                    Err(error) => Err(error),
                    Ok(()) if exhausted => Ok(run.map.results.clone().into()),
                    // Only a parent abort stops the pull without a failure.
                    Ok(()) => Err(run.group.signal().reason()),
                };
                let settle = run.settle.borrow_mut().take();
                if let Some(settle) = settle {
                    settle.settle(outcome);
                }
            }),
        );
    }
}

fn parse_options(options: &JsValue) -> Result<(Option<usize>, JsValue), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((None, JsValue::UNDEFINED));
    }
    if !options.is_object() {
        return Err(sys::type_error(
            "ErrGroup.map: options must be an object, got ",
            options,
        ));
    }
    let limit = Reflect::get(options, &"limit".into())?;
    let limit = match limit.as_f64() {
        _ if limit.is_undefined() => None,
        Some(n) if n == f64::INFINITY => None,
        Some(n) if n >= 1.0 && js_sys::Number::is_integer(&limit) => Some(n as usize),
        Some(_) => {
            return Err(sys::range_error(
                "ErrGroup.map: options.limit must be a positive integer or Infinity, got ",
                &limit,
            ));
        }
        None => {
            return Err(sys::type_error(
                "ErrGroup.map: options.limit must be a number, got ",
                &limit,
            ))
        }
    };
    let signal = Reflect::get(options, &"signal".into())?;
    if !signal.is_undefined() && !sys::is_abort_signal(&signal) {
        return Err(sys::type_error(
            "ErrGroup.map: options.signal must be an AbortSignal, got ",
            &signal,
        ));
    }
    Ok((limit, signal))
}

/// What every mapper call of one `map` shares.
struct MapShared {
    mapper: Function,
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
            results,
            shared,
        } = &*self.map;
        let started = sys::start_mapper(
            mapper,
            &self.item,
            self.index,
            &shared.signal,
            results,
            &shared.on_fulfilled,
            &shared.on_rejected,
        );
        Shared::started(group, started);
    }

    fn skip(self: Box<Self>) {}
}

/// A sync or async iterator.
struct Source {
    iterator: JsValue,
    next: Function,
    is_async: bool,
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
                        is_async,
                    });
                }
            }
        }
        Err(sys::type_error(
            "ErrGroup.map: items must be an iterable or an async iterable, got ",
            items,
        ))
    }
}

/// The two callbacks, made once per `map` call, that settle every promise an
/// async iterator returns, instead of two new closures per item.
struct Pull {
    on_fulfilled: Function,
    on_rejected: Function,
}

impl Pull {
    fn new(run: &Weak<Run>) -> Pull {
        let callback = |ok: bool| -> Function {
            let run = run.clone();
            Closure::<dyn Fn(JsValue)>::new(move |value| {
                if let Some(run) = run.upgrade() {
                    run.settled(if ok { Ok(value) } else { Err(value) });
                }
            })
            .into_js_value()
            .unchecked_into()
        };
        Pull {
            on_fulfilled: callback(true),
            on_rejected: callback(false),
        }
    }

    /// Settles the run's awaited promise with `value`, adopted as
    /// `await` would.
    fn watch(&self, value: &JsValue) -> Result<(), JsValue> {
        sys::watch(value, &self.on_fulfilled, &self.on_rejected)
    }
}
