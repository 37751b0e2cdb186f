use api::NoticeKind;
use leptos::prelude::*;

use crate::server_fns::take_security_notices;

/// Security notices stored for the user (such as a stolen session that was
/// ended), shown once after they sign in.
#[component]
pub fn SecurityNotices() -> impl IntoView {
    let notices = OnceResource::new(take_security_notices());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                notices.await.unwrap_or_default().iter().map(|n| notice(n.kind)).collect_view()
            })}
        </Suspense>
    }
}

fn notice(kind: NoticeKind) -> impl IntoView {
    let text = match kind {
        NoticeKind::SessionTaken => {
            "A session of yours was used from somewhere else, so we ended it. \
             If that was not you, change your password now."
        }
    };
    view! {
        <p class="banner danger" role="alert" data-testid="security-notice">
            {text}
        </p>
    }
}
