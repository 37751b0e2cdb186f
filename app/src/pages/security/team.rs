//! `/account/security/team`, "Your team" (owners): how long sessions last
//! in the account, who is signed in now, who is in the team, and whether
//! everyone needs two-step sign-in. A member who comes here is told it is
//! the owners' page. The page follows the account's security log, so what
//! another owner or a new member did (an invitation accepted, a member
//! removed, a sign-in) shows without reloading it.

use api::paths::page;
use api::{Invitations, Me, MemberInfo, Role, SecurityOverview};
use leptos::prelude::*;

use super::{members, policy, require_second_factor, users};
use crate::live::Follow;
use crate::pages::shell::{ActingPage, Section, SecurityShell};
use crate::resources::{Loaded, load};
use crate::server_fns::{load_invitations, load_members, load_security_overview};

/// Everything the cards show, loaded once per page, at its top (see
/// [`ActingPage`] for why).
#[derive(Clone, Copy)]
struct PageData {
    page: ActingPage,
    overview: Loaded<Option<SecurityOverview>>,
    members: Loaded<Option<Vec<MemberInfo>>>,
    invitations: Loaded<Option<Invitations>>,
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let page = ActingPage::load(Follow::SessionAndLog);
    let live = page.live;
    // Every change to the team is in the log, so each new entry reloads.
    let logged = move || live.audit_entries.get();
    let data = PageData {
        page,
        // Who is signed in, and until when, follows the policy too.
        overview: load(
            move || (live.policy_changes.get(), logged()),
            |_| load_security_overview(),
        ),
        members: load(logged, |_| load_members()),
        invitations: load(logged, |_| load_invitations()),
    };
    view! {
        {page.dialogs()}
        <SecurityShell section=Section::Team content=move |me| cards(me, &data) />
    }
}

fn cards(me: Me, data: &PageData) -> impl IntoView + use<> {
    if me.role != Role::Owner {
        return view! {
            <p class="lead" data-testid="owners-only">
                "Only the owners of " {me.account_name}
                " manage the team: its session policy, who is signed in, and its members. "
                <a href=page::SECURITY rel="external">
                    "Your own sessions and sign-in"
                </a> " are yours to manage."
            </p>
        }
        .into_any();
    }
    let PageData { page, .. } = *data;
    let account_name = me.account_name;
    [
        view! { <policy::PolicyCard owner=true policy=page.policy /> }.into_any(),
        view! { <users::ActiveUsersCard account_name overview=data.overview /> }.into_any(),
        view! {
            <members::MembersCard
                members=data.members
                overview=data.overview
                invitations=data.invitations
            />
        }
        .into_any(),
        view! {
            <require_second_factor::RequireSecondFactorCard
                policy=page.policy
                status=page.second_factor
            />
        }
        .into_any(),
    ]
    .into_iter()
    .collect_view()
    .into_any()
}
