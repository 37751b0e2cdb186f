//! The one hook for what a card asks of the server: run the call; when the
//! server wants the password again, open the page's password dialog and
//! run the same call once it is confirmed, so nothing typed is lost; then
//! say how it went on the card's outcome line.

use api::ApiError;
use leptos::prelude::*;

use super::card::Outcome;
use super::reauth::use_reauth;

/// A call a card makes, and the outcome line it reports on.
pub struct Task<I: 'static, O: 'static> {
    action: Action<I, (I, Result<O, ApiError>)>,
    outcome: RwSignal<Option<Outcome>>,
}

impl<I, O> Clone for Task<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for Task<I, O> {}

impl<I, O> Task<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    /// Clears the outcome line and makes the call with `input`.
    pub fn run(self, input: I) {
        self.outcome.set(None);
        self.action.dispatch(input);
    }

    /// True while a call is on its way.
    pub fn pending(self) -> Memo<bool> {
        self.action.pending()
    }
}

/// A task that calls `call` with its input. `done` gets the input and the
/// answer of each call that succeeds; the words it returns go on the
/// outcome line. A refusal goes there too, unless it asked for the
/// password: then the dialog opens, and confirming runs the call again.
pub fn use_task<I, O, Fut>(
    outcome: RwSignal<Option<Outcome>>,
    call: impl Fn(I) -> Fut + Send + Sync + 'static,
    done: impl Fn(I, O) -> Option<String> + Send + Sync + 'static,
) -> Task<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<O, ApiError>> + Send + 'static,
{
    let action = Action::new(move |input: &I| {
        let input = input.clone();
        let answer = call(input.clone());
        async move { (input, answer.await) }
    });
    follow(action, outcome, done)
}

/// [`use_task`] for a call whose future stays in the browser's thread (one
/// that asks the browser for a passkey).
pub fn use_local_task<I, O, Fut>(
    outcome: RwSignal<Option<Outcome>>,
    call: impl Fn(I) -> Fut + 'static,
    done: impl Fn(I, O) -> Option<String> + Send + Sync + 'static,
) -> Task<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<O, ApiError>> + 'static,
{
    let action = Action::new_local(move |input: &I| {
        let input = input.clone();
        let answer = call(input.clone());
        async move { (input, answer.await) }
    });
    follow(action, outcome, done)
}

/// Reports each answer of `action`, and runs a call again after the
/// password when the server asked for it.
fn follow<I, O>(
    action: Action<I, (I, Result<O, ApiError>)>,
    outcome: RwSignal<Option<Outcome>>,
    done: impl Fn(I, O) -> Option<String> + Send + Sync + 'static,
) -> Task<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let reauth = use_reauth();
    Effect::new(move |_| {
        let Some((input, answer)) = action.value().get() else {
            return;
        };
        match answer {
            Ok(value) => {
                if let Some(words) = done(input, value) {
                    outcome.set(Some(Outcome::Done(words)));
                }
            }
            Err(err) => {
                let again = move || {
                    action.dispatch(input.clone());
                };
                if !reauth.handles(&err, again) {
                    outcome.set(Some(Outcome::Failed(err.message)));
                }
            }
        }
    });
    Task { action, outcome }
}
