//! [`AbortReason`]: how a Rust error becomes an `AbortSignal` reason, and back.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use core::error::Error;
use core::fmt;

use wasm_bindgen::{JsCast, JsValue};

/// Converts between an error type and the reason of a group's `AbortSignal`.
/// [`Group::with_context`](crate::Group::with_context), [`map`](crate::map) and
/// the map streams require it.
///
/// Implemented for:
///
/// | `E` | abort reason of an error | error for work skipped by a parent abort |
/// |---|---|---|
/// | `JsValue` | the error itself | the parent's reason itself |
/// | `js_sys::Error` | the error itself | the reason if it is an `Error`, else an `Error` describing it |
/// | `String` | a JS `Error` with the string as message | a description of the reason |
/// | `&'static str` | a JS `Error` with the string as message | `"aborted by the parent context"` |
/// | `Rc<dyn Error>` | a JS `Error` carrying its `Display` ([`error_reason`]) | an [`Aborted`] |
///
/// Coherence rules forbid a blanket impl over every `core::error::Error`
/// next to these. For your own error type, two lines do it:
///
/// ```
/// # use wasm_bindgen::JsValue;
/// # use wasm_errgroup::{error_reason, AbortReason, Aborted};
/// #[derive(Debug, Clone)]
/// enum FetchError {
///     Status(u16),
///     Aborted(Aborted),
/// }
/// # impl std::fmt::Display for FetchError {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{self:?}") }
/// # }
/// # impl std::error::Error for FetchError {}
///
/// impl AbortReason for FetchError {
///     fn to_abort_reason(&self) -> JsValue {
///         error_reason(self)
///     }
///     fn from_abort_reason(reason: JsValue) -> Self {
///         FetchError::Aborted(Aborted::new(reason))
///     }
/// }
/// ```
pub trait AbortReason {
    /// Returns the abort reason for `self`, the group's first failure.
    fn to_abort_reason(&self) -> JsValue;

    /// Returns the error `wait` reports when tasks were skipped because the
    /// parent aborted with `reason`.
    fn from_abort_reason(reason: JsValue) -> Self;
}

impl AbortReason for JsValue {
    fn to_abort_reason(&self) -> JsValue {
        self.clone()
    }

    fn from_abort_reason(reason: JsValue) -> Self {
        reason
    }
}

impl AbortReason for js_sys::Error {
    fn to_abort_reason(&self) -> JsValue {
        self.clone().into()
    }

    fn from_abort_reason(reason: JsValue) -> Self {
        reason
            .dyn_into::<js_sys::Error>()
            .unwrap_or_else(|reason| js_sys::Error::new(&describe(&reason)))
    }
}

impl AbortReason for String {
    fn to_abort_reason(&self) -> JsValue {
        js_sys::Error::new(self).into()
    }

    fn from_abort_reason(reason: JsValue) -> Self {
        describe(&reason)
    }
}

impl AbortReason for &'static str {
    fn to_abort_reason(&self) -> JsValue {
        js_sys::Error::new(self).into()
    }

    fn from_abort_reason(_reason: JsValue) -> Self {
        "aborted by the parent context"
    }
}

impl AbortReason for Rc<dyn Error> {
    fn to_abort_reason(&self) -> JsValue {
        error_reason(&**self)
    }

    fn from_abort_reason(reason: JsValue) -> Self {
        Rc::new(Aborted::new(reason))
    }
}

/// Returns a JS `Error` whose message is `error`'s `Display`, with its
/// `source()` chain as `cause`.
pub fn error_reason(error: &(dyn Error + '_)) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    if let Some(source) = error.source() {
        let _ = js_sys::Reflect::set(&js, &"cause".into(), &error_reason(source));
    }
    js.into()
}

/// The error for work skipped because a parent context aborted; it carries
/// the parent's abort reason.
#[derive(Clone)]
pub struct Aborted {
    reason: JsValue,
}

impl Aborted {
    /// Wraps an abort reason.
    pub fn new(reason: JsValue) -> Self {
        Aborted { reason }
    }

    /// Returns the parent's abort reason.
    pub fn reason(&self) -> &JsValue {
        &self.reason
    }
}

impl fmt::Debug for Aborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Aborted")
            .field(&describe(&self.reason))
            .finish()
    }
}

impl fmt::Display for Aborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "aborted: {}", describe(&self.reason))
    }
}

impl Error for Aborted {}

/// Describes a JS value without running user code: an `Error` as
/// `Name: message`, a string as is, anything else in wasm-bindgen's debug form.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        String::from(error.to_string())
    } else if let Some(text) = value.as_string() {
        text
    } else {
        format!("{value:?}")
    }
}
