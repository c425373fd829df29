use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::lock::Mutex;
use futures::{select, FutureExt, SinkExt, StreamExt};
use wasm_errgroup::{Context, Group};

/// Digests `files` with `digesters` tasks, fed by one walker task through a
/// channel without buffer: Go's pipeline example. The first failure (here,
/// an empty file name) stops the walker and every digester.
pub async fn digest_all(files: Vec<String>, digesters: usize) -> Result<Vec<(String, u32)>, String> {
    let (group, ctx) = Group::<String>::with_context(&Context::background());
    let (mut paths_tx, paths_rx) = mpsc::channel::<String>(0);
    let walker_ctx = ctx.clone();
    group.go(async move {
        for file in files {
            select! {
                sent = paths_tx.send(file).fuse() => sent.map_err(|e| e.to_string())?,
                _ = walker_ctx.done().fuse() => return Ok(()),
            }
        }
        Ok(())
    });
    let paths_rx = Rc::new(Mutex::new(paths_rx));
    let digests = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..digesters {
        let (paths_rx, digests, ctx) = (paths_rx.clone(), digests.clone(), ctx.clone());
        group.go(async move {
            loop {
                let next = select! {
                    path = async { paths_rx.lock().await.next().await }.fuse() => path,
                    _ = ctx.done().fuse() => return Ok(()),
                };
                let Some(path) = next else { return Ok(()) };
                if path.is_empty() {
                    return Err("empty file name".to_string());
                }
                let digest = path.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
                digests.borrow_mut().push((path, digest));
            }
        });
    }
    group.wait().await?;
    Ok(digests.take())
}
