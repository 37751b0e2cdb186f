//! What every signed-in page has around its cards: the top bar, the expiry
//! warning, and beside the content who you are and the navigation between
//! the security pages (plain links, so it works before the WASM has loaded
//! and by keyboard); the page waits for who is signed in before it draws
//! its content.

use api::paths::page;
use api::{Me, PasskeyInfo, PolicyView, Role, SecondFactorStatus};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    ConfirmDialog, ExpiryToast, ReauthDialog, SecurityNotices, SignedInHeader, provide_confirm,
    provide_reauth,
};
use crate::live::{Follow, Live, provide_live, reload_if_role_is_not, use_live};
use crate::resources::{Loaded, load, load_once};
use crate::server_fns::{current_user, list_passkeys, load_policy, load_second_factor};

/// The security pages, in the order the navigation lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `/account/security`, the entry point: your sessions and what signs
    /// you in.
    SignIn,
    /// The owner's: the account's policy, who is signed in, the members.
    Team,
    Log,
}

impl Section {
    const ALL: [Section; 3] = [Section::SignIn, Section::Team, Section::Log];

    fn path(self) -> &'static str {
        match self {
            Section::SignIn => page::SECURITY,
            Section::Team => page::SECURITY_TEAM,
            Section::Log => page::SECURITY_LOG,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Section::SignIn => "Your sign-in",
            Section::Team => "Your team",
            Section::Log => "Security log",
        }
    }

    /// What the page is for, under its title.
    fn lead(self) -> Option<&'static str> {
        match self {
            Section::SignIn => Some("Where you are signed in, and what signs you in."),
            Section::Team => {
                Some("How long sessions last, who is signed in now, and who is in the team.")
            }
            // The log says it for the reader's role.
            Section::Log => None,
        }
    }

    /// The page's cards a link can jump to: their ids and names.
    fn cards(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Section::SignIn => &[
                ("sessions", "Sessions"),
                ("email", "Email address"),
                ("security-mail", "Security mail"),
                ("password", "Password"),
                ("second-factor", "Two-step sign-in"),
                ("passkeys", "Passkeys"),
                ("tokens", "API tokens"),
            ],
            Section::Team => &[
                ("policy", "Session policy"),
                ("users", "Who is signed in"),
                ("members", "Members"),
                ("require-second-factor", "Two-step for everyone"),
            ],
            Section::Log => &[],
        }
    }

    /// Whether someone of `role` has this page in their navigation.
    fn shown_to(self, role: Role) -> bool {
        self != Section::Team || role == Role::Owner
    }
}

/// A security page: `content` draws its cards for the signed-in user.
/// With `notices`, the user's unseen security notices go above them.
#[component]
pub fn SecurityShell<V>(
    section: Section,
    #[prop(optional)] notices: bool,
    content: impl Fn(Me) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let me = load_once(current_user());
    let aside = move || {
        Suspend::new(async move {
            me.await
                .ok()
                .map(|me| view! { <Sidebar me=me current=section /> })
        })
    };
    let main = move || {
        let content = content.clone();
        Suspend::new(async move {
            match me.await {
                Ok(me) => {
                    reload_if_role_is_not(use_live(), me.role);
                    content(me).into_any()
                }
                Err(err) => view! {
                    <p class="form-error" role="alert">
                        {err.message}
                    </p>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Title text=section.title() />
        <SignedInHeader />
        <ExpiryToast />
        <div class="page with-sidebar">
            <Suspense>{aside}</Suspense>
            <main class="content">
                <h1>{section.title()}</h1>
                {section.lead().map(|lead| view! { <p class="lead">{lead}</p> })}
                {notices.then(|| view! { <SecurityNotices /> })}
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{main}</Suspense>
            </main>
        </div>
    }
}

/// Who you are, and the links to the security pages and their cards.
#[component]
fn Sidebar(me: Me, current: Section) -> impl IntoView {
    let role = match me.role {
        Role::Owner => "Owner",
        Role::Member => "Member",
    };
    let links = Section::ALL
        .into_iter()
        .filter(|section| section.shown_to(me.role))
        .map(|section| nav_item(section, current))
        .collect_view();
    view! {
        <aside class="sidebar">
            <div class="you">
                <strong data-testid="me-name">{me.name}</strong>
                <span class="muted" data-testid="me-email">{me.email}</span>
                <span class="muted">
                    <span data-testid="me-role">{role}</span>
                    " of "
                    {me.account_name}
                </span>
            </div>
            <nav class="sections" aria-label="Security">
                <ul>{links}</ul>
            </nav>
        </aside>
    }
}

/// A page's link, marked when it is this page, and the links to its cards.
/// A link to another page loads it whole (`rel="external"`), so it comes
/// drawn by the server like any first visit, and its cards are there to
/// jump to.
fn nav_item(section: Section, current: Section) -> impl IntoView {
    let here = section == current;
    let path = section.path();
    let cards = section
        .cards()
        .iter()
        .map(|(id, name)| {
            view! {
                <li>
                    <a href=format!("{path}#{id}") rel="external">
                        {*name}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <li>
            <a href=path rel="external" aria-current=here.then_some("page")>
                {section.title()}
            </a>
            <ul class="cards">{cards}</ul>
        </li>
    }
}

/// What a page whose cards act loads first, and its cards share: the live
/// link, the account's policy, and the user's own second factor and
/// passkeys (the password dialog offers them). Loading it also provides the
/// page's password and confirmation dialogs to its cards.
///
/// Every resource of a page is created at its top, before anything waits:
/// this first, then the page's own. Leptos numbers resources in the order
/// they are created, and the browser finds the data the server sent by
/// that number. A resource made inside a part that waits for data (a card
/// inside the `Suspense` that waits for `me`) is numbered after however
/// many times the server re-ran that part, which varies with timing: the
/// browser then read another resource's data, or none, fetched its own,
/// and hydrated the server's HTML with different data (a hydration panic,
/// #21).
#[derive(Clone, Copy)]
pub struct ActingPage {
    pub live: Live,
    pub policy: Loaded<PolicyView>,
    pub second_factor: Loaded<SecondFactorStatus>,
    pub passkeys: Loaded<Vec<PasskeyInfo>>,
}

impl ActingPage {
    /// Policy changes announced on the live stream reload the policy; the
    /// live link follows what `follow` says.
    pub fn load(follow: Follow) -> Self {
        let live = provide_live(follow);
        provide_reauth();
        provide_confirm();
        Self {
            live,
            policy: load(move || live.policy_changes.get(), |_| load_policy()),
            second_factor: load(|| (), |()| load_second_factor()),
            passkeys: load(|| (), |()| list_passkeys()),
        }
    }

    /// The page's two dialogs, drawn once.
    pub fn dialogs(self) -> impl IntoView {
        // Read only once the password dialog opens, long after hydration.
        let has_app = Signal::derive(move || {
            self.second_factor
                .get()
                .and_then(Result::ok)
                .is_some_and(|status| status.totp_since.is_some())
        });
        let has_passkey = Signal::derive(move || {
            self.passkeys
                .get()
                .and_then(Result::ok)
                .is_some_and(|passkeys| !passkeys.is_empty())
        });
        view! {
            <ReauthDialog has_app has_passkey />
            <ConfirmDialog />
        }
    }
}
