//! What every card of the signed-in pages is made of: the titled section
//! itself, the part that waits for a resource, and the line that says how
//! an action went.

use leptos::prelude::*;

use crate::resources::Loaded;

/// A card: a section titled by its `<h2>`, with `id` as its anchor (the
/// page's navigation links to it) and `{id}-heading` as its title's id.
#[component]
pub fn Card(id: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section id=id class="card" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {children()}
        </section>
    }
}

/// A result line under an action: success or error, announced politely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

/// The line for `outcome`, when there is one.
pub fn outcome_view(outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    move || {
        outcome.get().map(|outcome| match outcome {
            Outcome::Done(text) => view! {
                <p class="success" role="status">
                    {text}
                </p>
            }
            .into_any(),
            Outcome::Failed(text) => view! {
                <p class="form-error" role="alert">
                    {text}
                </p>
            }
            .into_any(),
        })
    }
}

/// A resource's part of a card: "Loading…" at first, then `ready(value)` or
/// the error. While it reloads, the old content stays (a transition).
pub fn loaded<T, V>(
    resource: Loaded<T>,
    ready: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let ready = ready.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => ready(value).into_any(),
                        Err(err) => view! { <p class="form-error">{err.message}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
