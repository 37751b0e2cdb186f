//! The page's one confirmation dialog, shared through context: a card asks
//! a [`Question`] and says what to do once it is confirmed; the dialog says
//! what will happen, offers Cancel and the confirm button, and at most one
//! checkbox ("also revoke their API tokens") whose answer goes with it.

use std::sync::Arc;

use leptos::prelude::*;

use super::fields::Checkbox;
use super::hydrated::use_hydrated;
use super::modal::{DialogButtons, Modal};
use super::task::Task;

/// What a confirmation says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The dialog's `data-testid`, and with `-title` its title's id.
    pub id: &'static str,
    pub title: &'static str,
    /// What will happen, in words.
    pub body: String,
    /// The confirm button's text.
    pub confirm: &'static str,
    /// Whether the confirm button looks dangerous.
    pub danger: bool,
    /// The label of a checkbox offered with the action.
    pub also: Option<&'static str>,
}

impl Question {
    /// A question with the ordinary confirm button.
    pub fn new(id: &'static str, title: &'static str, confirm: &'static str, body: String) -> Self {
        Self {
            id,
            title,
            body,
            confirm,
            danger: false,
            also: None,
        }
    }

    /// For something that cannot be undone (ending, revoking, removing):
    /// the confirm button looks dangerous.
    #[must_use]
    pub fn dangerous(self) -> Self {
        Self {
            danger: true,
            ..self
        }
    }

    /// Offers a checkbox labelled `label` with the action.
    #[must_use]
    pub fn also(self, label: &'static str) -> Self {
        Self {
            also: Some(label),
            ..self
        }
    }
}

/// A question asked, and what confirming it does (with the checkbox's
/// answer).
#[derive(Clone)]
struct Asked {
    question: Question,
    then: Arc<dyn Fn(bool) + Send + Sync>,
}

/// The page's confirmation dialog, shared through context.
#[derive(Clone, Copy)]
pub struct Confirm {
    asked: RwSignal<Option<Asked>>,
    also: RwSignal<bool>,
}

impl Confirm {
    /// Opens the dialog with `question`; confirming closes it and runs
    /// `then` with whether the checkbox was ticked.
    pub fn ask(self, question: Question, then: impl Fn(bool) + Send + Sync + 'static) {
        self.also.set(false);
        self.asked.set(Some(Asked {
            question,
            then: Arc::new(then),
        }));
    }

    /// Opens the dialog with `question`; confirming runs `task` with `input`.
    pub fn then_run<I, O>(self, question: Question, task: Task<I, O>, input: I)
    where
        I: Clone + Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
    {
        self.ask(question, move |_| task.run(input.clone()));
    }

    /// A part of the open question (or the default while none is).
    fn read<T: Default>(self, part: impl Fn(&Question) -> T) -> T {
        self.asked
            .with(|asked| asked.as_ref().map(|asked| part(&asked.question)))
            .unwrap_or_default()
    }
}

pub fn provide_confirm() -> Confirm {
    let confirm = Confirm {
        asked: RwSignal::new(None),
        also: RwSignal::new(false),
    };
    provide_context(confirm);
    confirm
}

pub fn use_confirm() -> Confirm {
    expect_context::<Confirm>()
}

/// A button that asks `question` first, then runs `task` with `input`. It
/// waits, disabled, until the page has hydrated.
#[component]
pub fn ConfirmButton<I, O>(
    text: &'static str,
    /// Its name for screen readers, when `text` alone does not say what it
    /// acts on.
    #[prop(optional, into)]
    label: Option<String>,
    question: Question,
    task: Task<I, O>,
    input: I,
) -> impl IntoView
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let confirm = use_confirm();
    let ready = use_hydrated();
    view! {
        <button
            type="button"
            class="button"
            aria-label=label
            disabled=move || !ready.get()
            on:click=move |_| confirm.then_run(question.clone(), task, input.clone())
        >
            {text}
        </button>
    }
}

/// The dialog itself: one per page, for every question its cards ask.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let confirm = use_confirm();
    let close = Callback::new(move |()| confirm.asked.set(None));
    let yes = move |_| {
        let Some(asked) = confirm.asked.get_untracked() else {
            return;
        };
        close.run(());
        (asked.then)(confirm.also.get_untracked());
    };
    let class = move || {
        if confirm.read(|q| q.danger) {
            "button danger"
        } else {
            "button primary-inline"
        }
    };
    view! {
        <Modal
            open=Signal::derive(move || confirm.asked.with(Option::is_some))
            id=Signal::derive(move || confirm.read(|q| q.id))
            title=Signal::derive(move || confirm.read(|q| q.title))
            on_close=close
        >
            <p>{move || confirm.read(|q| q.body.clone())}</p>
            {move || {
                confirm
                    .read(|q| q.also)
                    .map(|label| view! { <Checkbox id="confirm-also" label checked=confirm.also /> })
            }}
            <DialogButtons on_cancel=close>
                <button type="button" class=class on:click=yes>
                    {move || confirm.read(|q| q.confirm)}
                </button>
            </DialogButtons>
        </Modal>
    }
}
