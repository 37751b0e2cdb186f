//! `/account/security`, "Your sign-in": the entry point. Where the user is
//! signed in, and what signs them in: password, two-step sign-in, passkeys,
//! and the API tokens their scripts use. A member also sees the account's
//! session policy here, read-only.

use api::{EmailStatus, Me, Role, SecurityMail, SessionInfo, TokenInfo};
use leptos::prelude::*;

use super::{email, passkeys, password, policy, second_factor, security_mail, sessions, tokens};
use crate::live::Follow;
use crate::pages::shell::{ActingPage, Section, SecurityShell};
use crate::resources::{Loaded, load};
use crate::server_fns::{list_sessions, list_tokens, load_email_status, load_security_mail};

/// Everything the cards show, loaded once per page, at its top (see
/// [`ActingPage`] for why).
#[derive(Clone, Copy)]
struct PageData {
    page: ActingPage,
    sessions: Loaded<Vec<SessionInfo>>,
    tokens: Loaded<Vec<TokenInfo>>,
    /// The address; read again whenever `email_changed` moves.
    email: Loaded<EmailStatus>,
    email_changed: RwSignal<u32>,
    /// Which kinds of security mail go to the address.
    security_mail: Loaded<SecurityMail>,
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let page = ActingPage::load(Follow::Session);
    let live = page.live;
    let email_changed = RwSignal::new(0_u32);
    let data = PageData {
        page,
        // A policy change may shorten them.
        sessions: load(move || live.policy_changes.get(), |_| list_sessions()),
        tokens: load(|| (), |()| list_tokens()),
        email: load(move || email_changed.get(), |_| load_email_status()),
        email_changed,
        security_mail: load(|| (), |()| load_security_mail()),
    };
    view! {
        {page.dialogs()}
        <SecurityShell section=Section::SignIn notices=true content=move |me| cards(&me, &data) />
    }
}

fn cards(me: &Me, data: &PageData) -> impl IntoView + use<> {
    let PageData { page, .. } = *data;
    let member = me.role == Role::Member;
    // Each card's view type is erased: nested, they would be too deep a
    // type for the compiler.
    [
        member
            .then(|| view! { <policy::PolicyCard owner=false policy=page.policy /> })
            .into_any(),
        view! { <sessions::SessionsCard sessions=data.sessions /> }.into_any(),
        view! { <email::EmailCard status=data.email changed=data.email_changed /> }.into_any(),
        view! { <security_mail::SecurityMailCard choices=data.security_mail /> }.into_any(),
        view! { <password::PasswordCard /> }.into_any(),
        view! { <second_factor::SecondFactorCard status=page.second_factor policy=page.policy /> }
            .into_any(),
        view! { <passkeys::PasskeysCard passkeys=page.passkeys status=page.second_factor /> }
            .into_any(),
        view! { <tokens::TokensCard tokens=data.tokens /> }.into_any(),
    ]
    .into_iter()
    .collect_view()
}
