//! `/account/security`: where the user manages their sessions and tokens,
//! and the owner the account's policy and who is signed in.

mod add_member;
mod member_actions;
mod members;
mod passkeys;
mod password;
mod policy;
mod require_second_factor;
mod second_factor;
mod sessions;
mod tokens;
mod users;

use crate::resources::{Loaded, load, load_once};
use api::{
    Me, MemberInfo, PasskeyInfo, PolicyView, Role, SecondFactorStatus, SecurityOverview,
    SessionInfo, TokenInfo,
};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    ExpiryToast, ReauthDialog, SecurityNotices, SignedInHeader, provide_reauth,
};
use crate::live::{Follow, Live, provide_live, reload_if_role_is_not, use_live};
use crate::server_fns::{
    current_user, list_passkeys, list_sessions, list_tokens, load_members, load_policy,
    load_second_factor, load_security_overview,
};

/// Everything the cards show, loaded once per page.
///
/// Every resource of the page is created here, at its top, before anything
/// waits. Leptos numbers resources in the order they are created, and the
/// browser finds the data the server sent by that number. A resource made
/// inside a part that waits for data (a card inside the `Suspense` that
/// waits for `me`) is numbered after however many times the server re-ran
/// that part, which varies with timing: the browser then read another
/// resource's data, or none, fetched its own, and hydrated the server's
/// HTML with different data (a hydration panic, #21).
#[derive(Clone, Copy)]
pub(crate) struct PageData {
    policy: Loaded<PolicyView>,
    sessions: Loaded<Vec<SessionInfo>>,
    overview: Loaded<Option<SecurityOverview>>,
    tokens: Loaded<Vec<TokenInfo>>,
    members: Loaded<Option<Vec<MemberInfo>>>,
    second_factor: Loaded<SecondFactorStatus>,
    passkeys: Loaded<Vec<PasskeyInfo>>,
}

impl PageData {
    /// Policy changes announced on the live stream reload what they affect.
    fn load(live: Live) -> Self {
        Self {
            policy: load(move || live.policy_changes.get(), |_| load_policy()),
            sessions: load(move || live.policy_changes.get(), |_| list_sessions()),
            overview: load(
                move || live.policy_changes.get(),
                |_| load_security_overview(),
            ),
            tokens: load(|| (), |()| list_tokens()),
            members: load(|| (), |()| load_members()),
            second_factor: load(|| (), |()| load_second_factor()),
            passkeys: load(|| (), |()| list_passkeys()),
        }
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let live = provide_live(Follow::Session);
    provide_reauth();
    let me = load_once(current_user());
    let data = PageData::load(live);
    // Read only once the password dialog opens, long after hydration.
    let has_app = Signal::derive(move || {
        data.second_factor
            .get()
            .and_then(Result::ok)
            .is_some_and(|status| status.totp_since.is_some())
    });
    let has_passkey = Signal::derive(move || {
        data.passkeys
            .get()
            .and_then(Result::ok)
            .is_some_and(|passkeys| !passkeys.is_empty())
    });
    view! {
        <Title text="Security" />
        <SignedInHeader />
        <ExpiryToast />
        <ReauthDialog has_app has_passkey />
        <main class="page">
            <h1>"Security"</h1>
            <p class="lead">
                "Where you are signed in, how long sessions last, and the keys your scripts use."
            </p>
            <SecurityNotices />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(me) => view! { <Cards me data /> }.into_any(),
                        Err(err) => {
                            view! {
                                <p class="form-error" role="alert">
                                    {err.message}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Cards(me: Me, data: PageData) -> impl IntoView {
    reload_if_role_is_not(use_live(), me.role);
    let owner = me.role == Role::Owner;
    let account_name = me.account_name.clone();

    // Each card's view type is erased: nested, they would be too deep a
    // type for the compiler.
    let cards = [
        view! { <WhoAmI me /> }.into_any(),
        view! { <policy::PolicyCard owner policy=data.policy /> }.into_any(),
        view! { <sessions::SessionsCard sessions=data.sessions /> }.into_any(),
        owner
            .then(|| view! { <users::ActiveUsersCard account_name overview=data.overview /> })
            .into_any(),
        view! { <tokens::TokensCard tokens=data.tokens /> }.into_any(),
        view! { <password::PasswordCard /> }.into_any(),
        view! { <second_factor::SecondFactorCard status=data.second_factor policy=data.policy /> }
            .into_any(),
        view! { <passkeys::PasskeysCard passkeys=data.passkeys status=data.second_factor /> }
            .into_any(),
        owner
            .then(|| {
                view! {
                    <require_second_factor::RequireSecondFactorCard
                        policy=data.policy
                        status=data.second_factor
                    />
                }
            })
            .into_any(),
        owner
            .then(|| view! { <members::MembersCard members=data.members overview=data.overview /> })
            .into_any(),
    ];
    cards.into_iter().collect_view()
}

#[component]
fn WhoAmI(me: Me) -> impl IntoView {
    let role = match me.role {
        Role::Owner => "Owner",
        Role::Member => "Member",
    };
    view! {
        <section class="card" aria-labelledby="you-heading">
            <h2 id="you-heading">"You"</h2>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd data-testid="me-name">{me.name}</dd>
                <dt>"Email"</dt>
                <dd data-testid="me-email">{me.email}</dd>
                <dt>"Account"</dt>
                <dd>{me.account_name}</dd>
                <dt>"Role"</dt>
                <dd data-testid="me-role">{role}</dd>
            </dl>
        </section>
    }
}

/// A result line under an action: success or error, announced politely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Done(String),
    Failed(String),
}

pub(crate) fn outcome_view(outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
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
pub(crate) fn loaded<T, V>(
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
