//! Helpers shared by the test suites: timers, JS functions, engine probes.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The JS class `ErrGroup` from its source files (bundled into one module,
/// without the core, by scripts/build-pkg.mjs, which scripts/test.sh runs
/// before these suites), over the npm package's own core: the class and
/// the core these suites drive are the ones that ship.
#[wasm_bindgen(module = "/target/pkg-build/api.js")]
extern "C" {
    #[wasm_bindgen(js_name = install)]
    fn install_exports(exports: JsValue);

    #[derive(Debug)]
    pub type ErrGroup;

    #[wasm_bindgen(constructor)]
    fn construct() -> ErrGroup;

    #[wasm_bindgen(static_method_of = ErrGroup, js_name = withSignal, catch)]
    fn construct_with_signal(parent: JsValue) -> Result<ErrGroup, JsValue>;

    #[wasm_bindgen(static_method_of = ErrGroup, js_name = map)]
    fn map_items(items: JsValue, mapper: JsValue, options: JsValue) -> Promise;

    #[wasm_bindgen(method, catch)]
    pub fn go(this: &ErrGroup, task: JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    pub fn ready(this: &ErrGroup) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = tryGo)]
    pub fn try_go(this: &ErrGroup, task: JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(method, catch, js_name = setLimit)]
    pub fn set_limit(this: &ErrGroup, n: JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = wait)]
    fn try_wait(this: &ErrGroup) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    pub fn free(this: &ErrGroup) -> Result<(), JsValue>;

    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &ErrGroup) -> web_sys::AbortSignal;

    #[wasm_bindgen(method, getter)]
    pub fn active(this: &ErrGroup) -> u32;

    #[wasm_bindgen(method, getter)]
    pub fn queued(this: &ErrGroup) -> u32;

    #[wasm_bindgen(method, getter)]
    pub fn limit(this: &ErrGroup) -> f64;
}

/// The npm package's core.
const CORE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/pkg-build/core.wasm"
));

std::thread_local! {
    /// The exports of the core the class runs over, once installed.
    static INSTALLED: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Instantiates `bytes` and hands the class its exports, unless a core is
/// installed already.
fn install_core(bytes: &[u8]) {
    INSTALLED.with_borrow_mut(|installed| {
        installed.get_or_insert_with(|| {
            let bytes = js_sys::Uint8Array::from(bytes);
            let module = js_sys::WebAssembly::Module::new(&bytes).unwrap_throw();
            let instance =
                js_sys::WebAssembly::Instance::new(&module, &js_sys::Object::new()).unwrap_throw();
            let exports: JsValue = instance.exports().into();
            install_exports(exports.clone());
            exports
        });
    })
}

/// Installs the package's core, once per test binary.
fn install() {
    install_core(CORE);
}

impl ErrGroup {
    /// `new ErrGroup()`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> ErrGroup {
        install();
        ErrGroup::construct()
    }

    /// `ErrGroup.withSignal(parent)`.
    pub fn with_signal(parent: JsValue) -> Result<ErrGroup, JsValue> {
        install();
        ErrGroup::construct_with_signal(parent)
    }

    /// `ErrGroup.map(items, mapper, options)`.
    pub fn map(items: JsValue, mapper: JsValue, options: JsValue) -> Promise {
        install();
        ErrGroup::map_items(items, mapper, options)
    }

    /// `group.wait()`, which throws only on a disposed group.
    pub fn wait(&self) -> Promise {
        self.try_wait()
            .expect("wait() on a live group does not throw")
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32);
}

/// Completes after `ms` milliseconds (a macrotask later, even for 0).
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    let _: JsValue = JsFuture::from(promise).await.unwrap_throw();
}

/// Completes after the current microtask queue has run `n` more rounds.
pub async fn ticks(n: usize) {
    for _ in 0..n {
        let _: JsValue = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED))
            .await
            .unwrap_throw();
    }
}

/// `new Function(args, body)`: a real JS function, as a JS caller would pass.
pub fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// Calls a JS function of no arguments and returns its result.
pub fn call0(f: &Function) -> JsValue {
    f.call0(&JsValue::UNDEFINED).unwrap_throw()
}

/// Awaits a promise, returning its outcome.
pub async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Returns whether a promise settles within `ms` milliseconds.
pub async fn settles_within(promise: &Promise, ms: i32) -> bool {
    let flag = Rc::new(Cell::new(false));
    let set = flag.clone();
    let mark: Function = Closure::<dyn Fn(JsValue)>::new(move |_| set.set(true))
        .into_js_value()
        .unchecked_into();
    let _ = js("p, f", "p.then(f, f)").call2(&JsValue::NULL, promise, &mark);
    sleep(ms).await;
    flag.get()
}

/// `Object.is(a, b)`.
pub fn same(a: &JsValue, b: &JsValue) -> bool {
    js_sys::Object::is(a, b)
}

/// A parent `AbortSignal` whose abort listeners are counted, and a function
/// returning how many are registered now.
pub fn counted_signal() -> (web_sys::AbortController, Function) {
    let controller = web_sys::AbortController::new().unwrap_throw();
    let count = js(
        "signal",
        "let n = 0;
         const add = signal.addEventListener.bind(signal);
         const remove = signal.removeEventListener.bind(signal);
         const seen = new Set();
         signal.addEventListener = (type, f, o) => { if (type === 'abort' && !seen.has(f)) { seen.add(f); n++; } add(type, f, o); };
         signal.removeEventListener = (type, f, o) => { if (type === 'abort' && seen.delete(f)) n--; remove(type, f, o); };
         return () => n;",
    )
    .call1(&JsValue::UNDEFINED, &controller.signal())
    .unwrap_throw()
    .unchecked_into();
    (controller, count)
}

/// Starts counting unhandled promise rejections in Node (`process`) or a
/// browser (`unhandledrejection`). Returns a function giving the count.
pub fn count_unhandled_rejections() -> Function {
    js(
        "",
        "const state = { n: 0 };
         if (typeof process !== 'undefined' && process.on) {
           process.on('unhandledRejection', () => { state.n++; });
         } else {
           globalThis.addEventListener('unhandledrejection', (e) => { state.n++; e.preventDefault(); });
         }
         return () => state.n;",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap_throw()
    .unchecked_into()
}

/// Runs the case `name` of a JS cases module (tests/js/*-cases.js) over the
/// class, with `n` repetitions (`undefined` for its default), and fails on
/// what it throws or on an unhandled rejection.
pub async fn run_case(cases: &JsValue, name: &str, n: Option<u32>) {
    let class = get(&ErrGroup::new(), "constructor");
    let unhandled = count_unhandled_rejections();
    let baseline = num(call0(&unhandled));
    let case: Function = get(cases, name).unchecked_into();
    let n = n.map_or(JsValue::UNDEFINED, JsValue::from);
    let promise: Promise = case
        .call2(&JsValue::NULL, &class, &n)
        .unwrap()
        .unchecked_into();
    match JsFuture::from(promise).await {
        Ok(line) => {
            wasm_bindgen_test::console_log!("{name}: {}", line.as_string().unwrap_or_default())
        }
        Err(error) => panic!("{name}: {error:?}"),
    }
    sleep(10).await;
    assert_eq!(
        num(call0(&unhandled)),
        baseline,
        "{name}: an unhandled rejection"
    );
}

/// The local test server started by scripts/test.sh, read at build time.
pub fn origin() -> &'static str {
    match option_env!("WASM_ERRGROUP_TEST_ORIGIN") {
        Some(origin) => origin,
        None => panic!("run the tests with scripts/test.sh, which starts the local test server"),
    }
}

/// A loopback origin nothing listens on, picked by scripts/test.sh.
pub fn dead_origin() -> &'static str {
    match option_env!("WASM_ERRGROUP_DEAD_ORIGIN") {
        Some(origin) => origin,
        None => panic!("run the tests with scripts/test.sh, which picks a closed local port"),
    }
}

/// Captures uncaught exceptions (Node's `uncaughtException`, a browser's
/// `error` event) until the returned function is called; it returns the
/// captured errors and restores the default handling.
pub fn catch_uncaught() -> Function {
    js(
        "",
        "const seen = [];
         if (typeof process !== 'undefined' && process.on) {
           const handler = (error) => seen.push(error);
           process.on('uncaughtException', handler);
           return () => { process.off('uncaughtException', handler); return seen; };
         }
         const handler = (event) => { seen.push(event.error); event.preventDefault(); };
         globalThis.addEventListener('error', handler);
         return () => { globalThis.removeEventListener('error', handler); return seen; };",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap_throw()
    .unchecked_into()
}

/// `target[key]`.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &key.into()).unwrap_throw()
}

/// A JS number as `f64`; panics on anything else.
pub fn num(value: JsValue) -> f64 {
    value.as_f64().expect("a number")
}

/// Whether this engine's `fetch` rejects with the signal's reason when the
/// signal aborts while it is in flight, as the Fetch standard says
/// (Chromium, Firefox, Node); the WebKitGTK tested here rejects with an
/// `AbortError` instead (it does use the reason for a signal that had
/// aborted before the call).
pub async fn fetch_rejects_with_the_reason() -> bool {
    let probe: Promise = js(
        "url",
        "const c = new AbortController(); const reason = { probe: true };
         const fetched = fetch(url, { signal: c.signal }).then(() => false, (e) => e === reason);
         setTimeout(() => c.abort(reason), 20);
         return fetched;",
    )
    .call1(&JsValue::NULL, &format!("{}/slow?ms=2000", origin()).into())
    .unwrap_throw()
    .unchecked_into();
    JsFuture::from(probe).await.unwrap_throw().is_truthy()
}

/// Whether `error` is what an aborted fetch rejects with in this engine:
/// the signal's `reason` itself, or an `AbortError` where `reason_itself`
/// is false (WebKit).
pub fn is_abort_of_fetch(error: &JsValue, reason: &JsValue, reason_itself: bool) -> bool {
    if reason_itself {
        same(error, reason)
    } else {
        get(error, "name").as_string().as_deref() == Some("AbortError")
    }
}

/// Counts the timers set through the global `setTimeout` from now on that
/// are still pending: neither fired nor cleared. Returns a function giving
/// the count.
pub fn counted_timers() -> Function {
    js(
        "",
        "const live = new Set();
         const set = globalThis.setTimeout, clear = globalThis.clearTimeout;
         globalThis.setTimeout = (f, ms, ...args) => {
           const id = set((...a) => { live.delete(id); f(...a); }, ms, ...args);
           live.add(id);
           return id;
         };
         globalThis.clearTimeout = (id) => { live.delete(id); clear(id); };
         return () => live.size;",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap_throw()
    .unchecked_into()
}

/// The `name` of a JS error, such as `AbortError` or `TimeoutError`.
pub fn error_name(error: &JsValue) -> String {
    get(error, "name").as_string().unwrap_or_default()
}
