use api::Me;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{SecurityNotices, SignedInHeader};
use crate::server_fns::current_user;

/// `/account/security`: the signed-in user's security settings.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let me = OnceResource::new(current_user());
    view! {
        <Title text="Security" />
        <SignedInHeader />
        <main class="page">
            <h1>"Security"</h1>
            <SecurityNotices />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(me) => view! { <WhoAmI me /> }.into_any(),
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
fn WhoAmI(me: Me) -> impl IntoView {
    let role = match me.role {
        api::Role::Owner => "Owner",
        api::Role::Member => "Member",
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
                <dd>{role}</dd>
            </dl>
        </section>
    }
}
