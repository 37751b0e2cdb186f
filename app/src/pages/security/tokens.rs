//! "API tokens": personal tokens for scripts, each with a scope (full
//! access, read-only, or chosen methods). A new token's secret is shown
//! once, with a copy button; tokens can be revoked.

use crate::resources::Loaded;
use api::rpc::Method;
use api::{CreatedToken, TokenId, TokenInfo, TokenScope, ago, remaining};
use leptos::prelude::*;

use crate::components::{
    BoundInput, BoundSelect, Card, ConfirmButton, Field, Outcome, Question, ShownOnce, Task,
    loaded, outcome_view, use_hydrated, use_task,
};
use crate::live::use_live;
use crate::server_fns::{create_token, revoke_token};

#[component]
pub fn TokensCard(tokens: Loaded<Vec<TokenInfo>>) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let revoke = use_task(outcome, revoke_token, move |_, _| {
        tokens.refetch();
        Some("The token was revoked. Scripts using it stop working now.".to_owned())
    });
    view! {
        <Card id="tokens" title="API tokens">
            <p class="muted">
                "For scripts that call the API as you. Send one as "
                <code>"Authorization: Bearer lk_…"</code> "."
            </p>
            <NewToken created=move || tokens.refetch() outcome />
            {loaded(tokens, move |list| tokens_view(list, live.server_now(), revoke))}
            {outcome_view(outcome)}
        </Card>
    }
}

/// What a new token is to be: its name, days to expiry, and scope.
type NewTokenParams = (String, Option<u32>, String);

/// The form that creates a token, and the new secret, shown once.
#[component]
fn NewToken(
    created: impl Fn() + Copy + Send + Sync + 'static,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let ready = use_hydrated();

    let days = RwSignal::new("90".to_owned());
    let access = RwSignal::new("full".to_owned());
    let chosen = RwSignal::new(Vec::<Method>::new());
    let secret = RwSignal::new(None::<CreatedToken>);
    let create = use_task(
        outcome,
        |(name, days, scope): NewTokenParams| create_token(name, days, scope),
        move |_, token| {
            name.set(String::new());
            access.set("full".to_owned());
            chosen.set(Vec::new());
            secret.set(Some(token));
            created();
            None
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let expires = days.get_untracked().parse::<u32>().ok();
        let scope = match access.get_untracked().as_str() {
            "methods" => TokenScope::Methods(chosen.get_untracked()).encode(),
            other => other.to_owned(),
        };
        create.run((name.get_untracked(), expires, scope));
    };
    view! {
        <form class="inline-form" on:submit=on_submit>
            <Field input_id="token-name" label="Token name">
                <BoundInput
                    id="token-name"
                    value=name
                    maxlength=api::TOKEN_NAME_MAX_CHARS
                    placeholder="deploy script"
                />
            </Field>
            <Field input_id="token-expiry" label="Expires">
                <BoundSelect id="token-expiry" value=days>
                    <option value="30">"in 30 days"</option>
                    <option value="90" selected>"in 90 days"</option>
                    <option value="365">"in a year"</option>
                    <option value="never">"never"</option>
                </BoundSelect>
            </Field>
            <Field input_id="token-access" label="May call">
                <BoundSelect id="token-access" value=access>
                    <option value="full" selected>"every method (full access)"</option>
                    <option value="read_only">"only reads (read-only)"</option>
                    <option value="methods">"only the methods I choose"</option>
                </BoundSelect>
            </Field>
            <button
                type="submit"
                class="button primary-inline"
                disabled=move || {
                    !ready.get() || name.get().trim().is_empty() || create.pending().get()
                        || (access.get() == "methods" && chosen.with(Vec::is_empty))
                }
            >
                "Create token"
            </button>
            <Show when=move || access.get() == "methods">
                <MethodChoice chosen />
            </Show>
        </form>
        {move || secret.get().map(|token| view! { <NewSecret token secret /> })}
    }
}

/// The methods a token of chosen methods may call, as checkboxes.
#[component]
fn MethodChoice(chosen: RwSignal<Vec<Method>>) -> impl IntoView {
    let boxes = Method::ALL
        .into_iter()
        .filter(|method| method.open_to_tokens())
        .map(|method| {
            let id = format!("token-method-{}", method.name());
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                chosen.update(|methods| {
                    methods.retain(|held| *held != method);
                    if on {
                        methods.push(method);
                    }
                });
            };
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=move || chosen.with(|methods| methods.contains(&method))
                        on:change=toggle
                    />
                    <label for=id><code>{method.name()}</code></label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="method-choice" data-testid="token-methods">
            <legend>"Methods this token may call"</legend>
            {boxes}
        </fieldset>
    }
}

/// A just-created token's secret, with a copy button and a warning.
#[component]
fn NewSecret(token: CreatedToken, secret: RwSignal<Option<CreatedToken>>) -> impl IntoView {
    let value = token.token;
    let to_copy = value.clone();
    view! {
        <ShownOnce to_copy done="Done" shown=secret>
            <p>
                <strong>"Copy your new token now."</strong>
                " You will not be able to see it again."
            </p>
            <code data-testid="token-secret">{value}</code>
        </ShownOnce>
    }
}

/// The list of tokens, or a word that there are none.
fn tokens_view(
    list: Vec<TokenInfo>,
    now: api::Timestamp,
    revoke: Task<TokenId, api::Revoked>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No tokens yet."</p> }.into_any();
    }
    view! {
        <ul class="rows" data-testid="token-list">
            {list.into_iter().map(|t| token_row(t, now, revoke)).collect_view()}
        </ul>
    }
    .into_any()
}

fn token_row(
    token: TokenInfo,
    now: api::Timestamp,
    revoke: Task<TokenId, api::Revoked>,
) -> impl IntoView {
    let used = token.last_used_at.map_or_else(
        || "never used".to_owned(),
        |at| format!("last used {}", ago(at, now)),
    );
    let expires = token.expires_at.map_or_else(
        || "never expires".to_owned(),
        |at| format!("expires {}", remaining(at, now)),
    );
    let details = format!(
        "created {} · {used} · {expires}",
        ago(token.created_at, now)
    );
    let body = format!(
        "Scripts using “{}” will stop working at once. This cannot be undone.",
        token.name
    );
    let question = Question::new("revoke-token", "Revoke this token?", "Revoke token", body);
    view! {
        <li class="row">
            <div>
                <strong>{token.name}</strong>
                <span class="tag" data-testid="token-scope">{token.scope.label()}</span>
                <p class="muted">{details}</p>
            </div>
            <ConfirmButton text="Revoke" question=question.dangerous() task=revoke input=token.id />
        </li>
    }
}
