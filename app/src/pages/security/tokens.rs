//! "API tokens": personal tokens for scripts, each with a scope (full
//! access, read-only, or chosen methods). A new token's secret is shown
//! once, with a copy button; tokens can be revoked.

use crate::resources::Loaded;
use api::rpc::Method;
use api::{CreatedToken, TokenId, TokenInfo, TokenScope, ago, remaining};
use leptos::prelude::*;

use super::{Outcome, loaded, outcome_view};
use crate::components::{ConfirmModal, CopyButton, Field, use_hydrated, use_reauth};

use crate::live::use_live;
use crate::server_fns::{create_token, revoke_token};

#[component]
pub fn TokensCard(tokens: Loaded<Vec<TokenInfo>>) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let revoking = RwSignal::new(None::<TokenInfo>);
    let confirm = RwSignal::new(false);
    let revoke = Action::new(|id: &TokenId| revoke_token(id.clone()));

    Effect::new(move |_| {
        if let Some(result) = revoke.value().get() {
            outcome.set(Some(match result {
                Ok(_) => Outcome::Done(
                    "The token was revoked. Scripts using it stop working now.".to_owned(),
                ),
                Err(err) => Outcome::Failed(err.message),
            }));
            tokens.refetch();
        }
    });
    let revoke_body = Signal::derive(move || {
        revoking.get().map_or_else(String::new, |t| {
            format!(
                "Scripts using “{}” will stop working at once. This cannot be undone.",
                t.name
            )
        })
    });

    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="muted">
                "For scripts that call the API as you. Send one as "
                <code>"Authorization: Bearer lk_…"</code> "."
            </p>
            <NewToken created=move || tokens.refetch() outcome />
            {loaded(tokens, move |list| tokens_view(list, live.server_now(), revoking, confirm))}
            {outcome_view(outcome)}
        </section>
        <ConfirmModal
            open=confirm
            id="revoke-token"
            title="Revoke this token?"
            body=revoke_body
            confirm_label="Revoke token"
            danger=true
            on_confirm=Callback::new(move |()| {
                if let Some(token) = revoking.get_untracked() {
                    revoke.dispatch(token.id);
                }
            })
        />
    }
}

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
    let create = Action::new(|(name, days, scope): &(String, Option<u32>, String)| {
        create_token(name.clone(), *days, scope.clone())
    });
    let secret = RwSignal::new(None::<CreatedToken>);
    let reauth = use_reauth();
    let send = move || {
        let expires = days.get_untracked().parse::<u32>().ok();
        let scope = match access.get_untracked().as_str() {
            "methods" => TokenScope::Methods(chosen.get_untracked()).encode(),
            other => other.to_owned(),
        };
        create.dispatch((name.get_untracked(), expires, scope));
    };

    Effect::new(move |_| match create.value().get() {
        Some(Ok(token)) => {
            name.set(String::new());
            access.set("full".to_owned());
            chosen.set(Vec::new());
            secret.set(Some(token));
            outcome.set(None);
            created();
        }
        Some(Err(err)) => {
            let asked_for_password = reauth.handles(&err, send);
            if !asked_for_password {
                outcome.set(Some(Outcome::Failed(err.message)));
            }
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    view! {
        <form class="inline-form" on:submit=on_submit>
            <Field input_id="token-name" label="Token name">
                <input
                    id="token-name"
                    type="text"
                    maxlength=api::TOKEN_NAME_MAX_CHARS
                    required
                    placeholder="deploy script"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </Field>
            <Field input_id="token-expiry" label="Expires">
                <select
                    id="token-expiry"
                    prop:value=move || days.get()
                    on:change=move |ev| days.set(event_target_value(&ev))
                >
                    <option value="30">"in 30 days"</option>
                    <option value="90" selected>"in 90 days"</option>
                    <option value="365">"in a year"</option>
                    <option value="never">"never"</option>
                </select>
            </Field>
            <Field input_id="token-access" label="May call">
                <select
                    id="token-access"
                    prop:value=move || access.get()
                    on:change=move |ev| access.set(event_target_value(&ev))
                >
                    <option value="full" selected>"every method (full access)"</option>
                    <option value="read_only">"only reads (read-only)"</option>
                    <option value="methods">"only the methods I choose"</option>
                </select>
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
        <div class="secret" role="status">
            <p>
                <strong>"Copy your new token now."</strong>
                " You will not be able to see it again."
            </p>
            <code data-testid="token-secret">{value}</code>
            <div class="actions">
                <CopyButton text=to_copy />
                <button type="button" class="button" on:click=move |_| secret.set(None)>
                    "Done"
                </button>
            </div>
        </div>
    }
}

/// The list of tokens, or a word that there are none.
fn tokens_view(
    list: Vec<TokenInfo>,
    now: api::Timestamp,
    revoking: RwSignal<Option<TokenInfo>>,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No tokens yet."</p> }.into_any();
    }
    let ready = use_hydrated();
    view! {
        <ul class="rows" data-testid="token-list">
            {list.into_iter().map(|t| token_row(t, now, ready, revoking, confirm)).collect_view()}
        </ul>
    }
    .into_any()
}

fn token_row(
    token: TokenInfo,
    now: api::Timestamp,
    ready: Signal<bool>,
    revoking: RwSignal<Option<TokenInfo>>,
    confirm: RwSignal<bool>,
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
    let name = token.name.clone();
    let scope = token.scope.label();
    view! {
        <li class="row">
            <div>
                <strong>{name}</strong>
                <span class="tag" data-testid="token-scope">{scope}</span>
                <p class="muted">{details}</p>
            </div>
            <button
                type="button"
                class="button"
                disabled=move || !ready.get()
                on:click=move |_| {
                    revoking.set(Some(token.clone()));
                    confirm.set(true);
                }
            >
                "Revoke"
            </button>
        </li>
    }
}
