//! `/account/security/log`: the security log, newest first. An owner sees
//! the whole account, a member their own entries. Filters are a plain GET
//! form (the page reloads with them in its address); older pages load by
//! the cursor the last page ended with; new entries arrive over the live
//! link.

mod detail;
mod entry;
mod filters;

use crate::resources::{Loaded, load};
use api::{AuditCursor, AuditPage, Me, MemberInfo, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::use_hydrated;
use crate::live::{Follow, Live, provide_live};
use crate::pages::shell::{Section, SecurityShell};
use crate::server_fns::load_members;
use filters::{Filters, FiltersForm};

/// The page's data. Every resource is created here, before anything waits
/// (see `PageData` of the sign-in page for why).
#[derive(Clone, Copy)]
struct LogData {
    filters: StoredValue<Filters>,
    /// The newest page, loaded again when new entries are announced and no
    /// older page is open.
    newest: Loaded<AuditPage>,
    /// Pages loaded with "Load older entries", oldest last.
    older: RwSignal<Vec<AuditPage>>,
    /// New entries were announced while older pages were open: the newest
    /// page is not reloaded under the reader's eyes, a button offers it.
    unseen: RwSignal<bool>,
    /// Bumped to load the newest page again.
    refresh: RwSignal<u32>,
    /// The owner's user filter needs the members; `None` for a member.
    members: Loaded<Option<Vec<MemberInfo>>>,
}

impl LogData {
    fn load(live: Live) -> Self {
        let filters = StoredValue::new(Filters::from_query(&use_query_map().read_untracked()));
        let refresh = RwSignal::new(0_u32);
        let older = RwSignal::new(Vec::<AuditPage>::new());
        let unseen = RwSignal::new(false);
        Effect::watch(
            move || live.audit_entries.get(),
            move |_, _, _| {
                if older.with_untracked(Vec::is_empty) {
                    refresh.update(|n| *n += 1);
                } else {
                    unseen.set(true);
                }
            },
            false,
        );
        Self {
            filters,
            newest: load(
                move || refresh.get(),
                move |_| {
                    let filters = filters.get_value();
                    async move { filters.load(None).await }
                },
            ),
            older,
            unseen,
            refresh,
            members: load(|| (), |()| load_members()),
        }
    }

    /// Back to the newest entries, dropping the older pages.
    fn show_newest(self) {
        self.older.set(Vec::new());
        self.unseen.set(false);
        self.refresh.update(|n| *n += 1);
    }
}

#[component]
pub fn SecurityLogPage() -> impl IntoView {
    let live = provide_live(Follow::SessionAndLog);
    let data = LogData::load(live);
    view! { <SecurityShell section=Section::Log content=move |me| view! { <Log me data /> } /> }
}

#[component]
fn Log(me: Me, data: LogData) -> impl IntoView {
    let lead = match me.role {
        Role::Owner => format!(
            "Everything that happened in {}: who did what, to whom, when and from where.",
            me.account_name
        ),
        Role::Member => "What you did, and what was done to you.".to_owned(),
    };
    view! {
        <p class="lead">{lead}</p>
        <section class="card" aria-label="Entries">
            <FiltersForm filters=data.filters members=data.members />
            <Show when=move || data.unseen.get()>
                <p class="banner info" role="status">
                    "There are newer entries. "
                    <button type="button" class="button" on:click=move |_| data.show_newest()>
                        "Show the newest"
                    </button>
                </p>
            </Show>
            <Entries data />
        </section>
    }
}

/// The newest page, the older pages loaded after it, and the button for
/// the next one.
#[component]
fn Entries(data: LogData) -> impl IntoView {
    let live = crate::live::use_live();
    let ready = use_hydrated();
    let failed = RwSignal::new(None::<String>);
    let load_older = Action::new(move |cursor: &AuditCursor| {
        let (filters, cursor) = (data.filters.get_value(), cursor.clone());
        async move { filters.load(Some(cursor)).await }
    });
    Effect::new(move |_| match load_older.value().get() {
        Some(Ok(page)) => {
            failed.set(None);
            data.older.update(|older| older.push(page));
        }
        Some(Err(err)) => failed.set(Some(err.message)),
        None => {}
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let newest = match data.newest.await {
                    Ok(newest) => newest,
                    Err(err) => {
                        return view! { <p class="form-error">{err.message}</p> }.into_any();
                    }
                };
                let now = live.server_now();
                let empty = newest.entries.is_empty();
                let first_cursor = newest.next_cursor.clone();
                let next = move || {
                    data.older
                        .with(|older| older.last().map(|page| page.next_cursor.clone()))
                        .unwrap_or_else(|| first_cursor.clone())
                };
                view! {
                    {empty
                        .then(|| {
                            view! {
                                <p class="muted" data-testid="log-empty">
                                    "Nothing here yet."
                                </p>
                            }
                        })}
                    <ol class="rows" data-testid="log">
                        {entry::entries_view(newest.entries, now)}
                        {move || {
                            data.older
                                .get()
                                .into_iter()
                                .map(|page| entry::entries_view(page.entries, now))
                                .collect_view()
                        }}
                    </ol>
                    {move || {
                        next()
                            .map(|cursor| {
                                view! {
                                    <button
                                        type="button"
                                        class="button"
                                        disabled=move || !ready.get() || load_older.pending().get()
                                        on:click=move |_| {
                                            load_older.dispatch(cursor.clone());
                                        }
                                    >
                                        "Load older entries"
                                    </button>
                                }
                            })
                    }}
                }
                    .into_any()
            })}
        </Transition>
        {move || failed.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
    }
}
