//! Loading API data into components: one state for loading, ready and failed, and a way to
//! load again after a change.

use std::rc::Rc;

use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::http::Failure;
use crate::services::Get;

/// Data on its way from the API.
#[derive(Debug, PartialEq)]
pub enum Load<T> {
    /// Not here yet.
    Loading,
    /// Here.
    Ready(Rc<T>),
    /// The call failed.
    Failed(Failure),
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Loading => Self::Loading,
            Self::Ready(value) => Self::Ready(Rc::clone(value)),
            Self::Failed(failure) => Self::Failed(failure.clone()),
        }
    }
}

/// What [`use_load`] hands back: the data and a callback that fetches it again.
pub struct Loaded<T> {
    /// The current state.
    pub state: Load<T>,
    /// Fetches again (keeps showing the old data meanwhile).
    pub reload: Callback<()>,
}

/// GETs `request` (from [`crate::services`]) when the component mounts and whenever its
/// path changes.
#[hook]
pub fn use_load<T>(request: Get<T>) -> Loaded<T>
where
    T: DeserializeOwned + 'static,
{
    let path = request.path().to_owned();
    let state = use_state(|| Load::<T>::Loading);
    let generation = use_state(|| 0u32);
    // The newest request and the path shown: a slow answer for an older path or an earlier
    // reload never replaces a newer one.
    let latest = use_mut_ref(|| (0u64, String::new()));
    {
        let (state, latest) = (state.clone(), latest.clone());
        use_effect_with((path, *generation), move |(path, _)| {
            let ticket = {
                let mut latest = latest.borrow_mut();
                if latest.1 != *path {
                    // Another page's data must not show while this one's loads.
                    state.set(Load::Loading);
                    latest.1 = path.clone();
                }
                latest.0 += 1;
                latest.0
            };
            let path = path.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = match crate::http::get::<T>(&path).await {
                    Ok(value) => Load::Ready(Rc::new(value)),
                    Err(failure) => Load::Failed(failure),
                };
                if latest.borrow().0 == ticket {
                    state.set(loaded);
                }
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(generation.wrapping_add(1)))
    };
    Loaded {
        state: (*state).clone(),
        reload,
    }
}

/// Renders the three states: a spinner, the error with a retry button, or `ready`.
pub fn view_load<T>(loaded: &Loaded<T>, ready: impl FnOnce(&Rc<T>) -> Html) -> Html {
    match &loaded.state {
        Load::Loading => html! { <div class="state loading" aria-busy="true">{"加载中…"}</div> },
        Load::Failed(failure) => {
            let retry = loaded.reload.reform(|_: MouseEvent| ());
            html! {
                <div class="state error" role="alert">
                    <p>{failure.text()}</p>
                    <button class="btn" onclick={retry}>{"重试"}</button>
                </div>
            }
        }
        Load::Ready(value) => ready(value),
    }
}

/// The empty state of a list.
pub fn empty(text: &str) -> Html {
    html! { <div class="state empty">{text.to_owned()}</div> }
}
