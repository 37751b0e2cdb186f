//! The log's filters: by kind, and (for the owner) by user. They live in
//! the page's address (`?kind=signed_in&user=…`), so a filtered log can be
//! bookmarked and the form works before the WASM has loaded.

use crate::resources::Loaded;
use api::paths::page;
use api::{ApiError, AuditCursor, AuditKind, AuditPage, MemberInfo, UserId};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::components::{Field, loaded};
use crate::server_fns::load_security_log;

/// What the reader asked to see. An unknown kind or user in the address
/// reads as no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    kind: Option<AuditKind>,
    user_id: Option<UserId>,
}

impl Filters {
    pub fn from_query(query: &ParamsMap) -> Self {
        Self {
            kind: query.get_str("kind").and_then(AuditKind::parse),
            user_id: query
                .get_str("user")
                .and_then(|raw| UserId::parse(raw).ok()),
        }
    }

    /// The page of the log with these filters that starts after `cursor`.
    pub async fn load(&self, cursor: Option<AuditCursor>) -> Result<AuditPage, ApiError> {
        load_security_log(cursor, self.kind, self.user_id.clone()).await
    }
}

#[component]
pub fn FiltersForm(
    filters: StoredValue<Filters>,
    members: Loaded<Option<Vec<MemberInfo>>>,
) -> impl IntoView {
    let (kind, user_id) = filters.with_value(|f| (f.kind, f.user_id.clone()));
    let kinds = AuditKind::ALL
        .into_iter()
        .map(|each| {
            view! {
                <option value=each.as_str() selected=kind == Some(each)>
                    {each.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <form method="get" action=page::SECURITY_LOG class="inline-form">
            {filter("log-kind", "kind", "What", "Every kind", kinds)}
            {loaded(
                members,
                move |members: Option<Vec<MemberInfo>>| {
                    members.map(|members| user_filter(members, user_id.as_ref()))
                },
            )}
            <button type="submit" class="button">
                "Show"
            </button>
        </form>
    }
}

/// The owner's "Who" select: everyone, or one member.
fn user_filter(members: Vec<MemberInfo>, picked: Option<&UserId>) -> impl IntoView + use<> {
    let options = members
        .into_iter()
        .map(|member| {
            let selected = picked == Some(&member.user_id);
            view! {
                <option value=member.user_id.as_str().to_owned() selected=selected>
                    {member.name}
                </option>
            }
        })
        .collect_view();
    filter("log-user", "user", "Who", "Everyone", options)
}

/// A filter's select, sent as `name`: first `everything`, which filters
/// nothing, then `options`.
fn filter(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    everything: &'static str,
    options: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <Field input_id=id label=label>
            <select id=id name=name>
                <option value="">{everything}</option>
                {options}
            </select>
        </Field>
    }
}
