//! Go's MD5All on wasm-errgroup's worker pool, with Rust on both sides:
//!
//! - [`Md5`]: the digest the `md5` handler of `md5.worker.js` computes, in
//!   each worker, with RustCrypto's `md-5`;
//! - [`md5_all`]: a Rust frontend that digests files on a `WorkerPool`
//!   from the tasks of a [`Group`], through the bindings of [`pool`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod pool;

use std::cell::RefCell;
use std::rc::Rc;

use md5::{Digest, Md5 as Hasher};
use wasm_bindgen::prelude::*;
use wasm_errgroup::{Context, Group};

/// An MD5 digest being computed: `update` it with a file's bytes in order,
/// then read `hex`.
#[wasm_bindgen]
#[derive(Default)]
pub struct Md5(Hasher);

#[wasm_bindgen]
impl Md5 {
    /// Starts a digest of nothing.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Md5 {
        Md5::default()
    }

    /// Adds `bytes` to what is digested.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything added so far, as 32 lowercase hex digits.
    pub fn hex(&self) -> String {
        self.0
            .clone()
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// Digests `files` (`Blob`s or `File`s) on `pool`'s workers with its `md5`
/// handler, at most `limit` at once (0: no limit), and resolves with their
/// digests in order: Go's MD5All, from Rust. The first failure (a file that
/// cannot be read) aborts the other runs, which then end in their workers,
/// and rejects with it; so does `parent`'s abort.
#[wasm_bindgen]
pub async fn md5_all(
    pool: pool::WorkerPool,
    files: Vec<JsValue>,
    limit: u32,
    parent: Option<web_sys::AbortSignal>,
) -> Result<Vec<String>, JsValue> {
    let parent = parent.map_or_else(Context::background, Context::from_signal);
    let (group, ctx) = Group::<JsValue>::with_context(&parent);
    group.set_limit((limit > 0).then_some(limit as usize));
    let pool = Rc::new(pool);
    let digests = Rc::new(RefCell::new(vec![String::new(); files.len()]));
    for (index, file) in files.into_iter().enumerate() {
        let (pool, ctx, digests) = (pool.clone(), ctx.clone(), digests.clone());
        group.go(async move {
            let digest = pool::run(&pool, "md5", &file, &ctx).await?;
            digests.borrow_mut()[index] = digest.as_string().unwrap_or_default();
            Ok(())
        });
    }
    group.wait().await?;
    let digests = digests.take();
    Ok(digests)
}
