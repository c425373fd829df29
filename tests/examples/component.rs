use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use wasm_bindgen_futures::spawn_local;
use wasm_errgroup::{map, Cancel, Context};

/// What a panel shows.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    Loading,
    Loaded(Vec<String>),
    Failed(String),
}

/// A panel that loads its widgets when it opens. Whatever holds it (a
/// Leptos, Yew or Dioxus component's state, or a plain struct), dropping it
/// drops its `Cancel`, which aborts every fetch it started.
pub struct Panel {
    view: Rc<RefCell<View>>,
    _cancel: Cancel,
}

impl Panel {
    /// Opens the panel and starts fetching `urls`, at most four at a time.
    pub fn open(urls: Vec<String>) -> Panel {
        let (ctx, cancel) = Context::with_cancel(&Context::background());
        let view = Rc::new(RefCell::new(View::Loading));
        let shown = view.clone();
        spawn_local(async move {
            let loaded = map(&ctx, urls, 4, |url, ctx| async move {
                let response = Request::get(&url)
                    .abort_signal(Some(ctx.signal()))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                response.text().await.map_err(|e| e.to_string())
            })
            .await;
            // After a drop, the aborted fetches fail the map at once, and
            // this writes to the panel's own `Rc`, never to freed state.
            *shown.borrow_mut() = match loaded {
                Ok(widgets) => View::Loaded(widgets),
                Err(error) => View::Failed(error),
            };
        });
        Panel {
            view,
            _cancel: cancel,
        }
    }

    /// What the panel shows now.
    pub fn view(&self) -> View {
        self.view.borrow().clone()
    }

    /// What the panel shows, shared: it outlives the panel.
    pub fn view_handle(&self) -> Rc<RefCell<View>> {
        self.view.clone()
    }
}
