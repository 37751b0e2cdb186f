//! The security notices, by mail: the same events the page tells in-app
//! (a sign-in from a new device, a password changed, a second factor or a
//! passkey changed, an API token created, a stolen session ended, a code
//! used twice, the operator's recovery), each with what happened, when,
//! and what to do if it was not the person. The mail about a new device
//! carries the "This wasn't me" link, which ends that session.

use api::paths::page;
use api::{NoticeKind, Timestamp};

use super::PublicUrl;
use super::message::{MailKind, OutgoingMail, escape};

/// One notice to mail.
pub(crate) struct NoticeMail<'a> {
    pub to: &'a str,
    pub name: &'a str,
    pub kind: NoticeKind,
    pub detail: Option<&'a str>,
    pub at: Timestamp,
    /// The "This wasn't me" link's path, for a new device's sign-in.
    pub not_me: Option<&'a str>,
}

/// The mail that tells `notice`.
pub(crate) fn security_notice(public_url: &PublicUrl, notice: &NoticeMail<'_>) -> OutgoingMail {
    let detail = notice.detail.unwrap_or("");
    let (subject, happened, advice) = words(notice.kind, detail);
    let when = api::exact(notice.at);
    let security = public_url.link(page::SECURITY);
    let not_me = notice.not_me.map(|path| public_url.link(path));
    let name = notice.name;
    let not_me_text = not_me.as_deref().map_or_else(String::new, |link| {
        format!(
            "\nIf this wasn't you, open this link: it ends that session at once and asks you \
             to choose a new password.\n\n{link}\n"
        )
    });
    let text = format!(
        "Hello {name},\n\n{happened}\nWhen: {when}\n\n{advice}\n{not_me_text}\n\
         Your security page: {security}\n"
    );
    let not_me_html = not_me.as_deref().map_or_else(String::new, |link| {
        format!(
            "<p style=\"margin:24px 0 8px\"><a href=\"{}\" style=\"display:inline-block;\
             background:#b42318;color:#fff;text-decoration:none;padding:10px 18px;\
             border-radius:6px;font-weight:600\">This wasn't me</a></p>\
             <p style=\"margin:0;font-size:13px;color:#5b6475\">Ends that session at once, on \
             every device and page it has open, and asks you to choose a new password.</p>",
            escape(link)
        )
    });
    let html = format!(
        "<!DOCTYPE html><html><body style=\"margin:0;padding:24px;background:#f4f5f7;\
         font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330\">\
         <div style=\"max-width:560px;margin:0 auto;background:#fff;border:1px solid #dfe3ea;\
         border-radius:8px;padding:24px\">\
         <p style=\"margin:0 0 4px;font-size:13px;color:#5b6475\">Latchkey security notice</p>\
         <h1 style=\"margin:0 0 16px;font-size:20px\">{subject}</h1>\
         <p>Hello {name},</p><p>{happened}</p>\
         <p style=\"color:#5b6475\">When: {when}</p><p>{advice}</p>{not_me_html}\
         <p style=\"margin-top:24px;font-size:13px\"><a href=\"{security}\">Your security \
         page</a></p></div></body></html>",
        subject = escape(&subject),
        name = escape(name),
        happened = escape(&happened),
        advice = escape(advice),
        security = escape(&security),
    );
    OutgoingMail {
        kind: MailKind::SecurityNotice,
        to: notice.to.to_owned(),
        subject,
        text,
        html,
    }
}

/// The subject, what happened, and what to do if it was not them.
fn words(kind: NoticeKind, detail: &str) -> (String, String, &'static str) {
    const CHANGE_PASSWORD: &str =
        "If that was not you, choose a new password now and check your security page.";
    match kind {
        NoticeKind::NewDevice => (
            "New sign-in to your Latchkey account".to_owned(),
            format!("Someone signed in to your account from a new device: {detail}."),
            "If that was you, there is nothing to do.",
        ),
        NoticeKind::PasswordChanged => (
            "Your Latchkey password was changed".to_owned(),
            format!("Your password was changed (from {detail}), and your sessions were ended."),
            CHANGE_PASSWORD,
        ),
        NoticeKind::SecondFactorChanged => (
            "Two-step sign-in changed on your Latchkey account".to_owned(),
            format!("Two-step sign-in was {detail}."),
            CHANGE_PASSWORD,
        ),
        NoticeKind::PasskeyChanged => (
            "Your Latchkey passkeys changed".to_owned(),
            format!("A passkey was {detail}."),
            CHANGE_PASSWORD,
        ),
        NoticeKind::TokenCreated => (
            "A new API token on your Latchkey account".to_owned(),
            format!("A new API token, \u{201c}{detail}\u{201d}, was created."),
            "If that was not you, revoke it on your security page and choose a new password.",
        ),
        NoticeKind::SessionTaken => (
            "A stolen Latchkey session of yours was ended".to_owned(),
            "A session of yours was used from somewhere else, so it was ended.".to_owned(),
            "If that was not you, someone had a copy of your session: choose a new password now.",
        ),
        NoticeKind::CodeReused => (
            "A sign-in code of yours was sent twice".to_owned(),
            "A code from your authenticator app was sent again after it had been used, and \
             refused."
                .to_owned(),
            "If that was not you, someone may know your password and see your codes: choose a \
             new password now.",
        ),
        NoticeKind::AccountRecovered => (
            "Your Latchkey account was recovered".to_owned(),
            format!(
                "The server's operator reset your password and ended everything that signed in \
                 as you: {detail}."
            ),
            "Set up two-step sign-in and your passkeys again, and make new API tokens where you \
             need them.",
        ),
        NoticeKind::RoleChanged => (
            "Your role on your Latchkey account changed".to_owned(),
            format!("You were made {detail}."),
            "If that looks wrong, ask the account's owners.",
        ),
        NoticeKind::RemovedFromAccount => (
            "You were removed from a Latchkey account".to_owned(),
            format!(
                "You were removed from the account {detail}: your sessions and API tokens \
                 ended, and you can no longer sign in."
            ),
            "If that looks wrong, ask the account's owners.",
        ),
        NoticeKind::EmailChanging => (
            "Your Latchkey address is being changed".to_owned(),
            format!(
                "Someone signed in as you asked to change your address to {detail}. It changes \
                 once the link mailed there is used; until then, mail keeps coming here."
            ),
            "If this wasn't you, choose a new password now (the link is then of no use to \
             them unless they know it) and check your security page.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(kind: NoticeKind, not_me: Option<&str>) -> OutgoingMail {
        let url = PublicUrl::parse("https://lk.example.com").unwrap();
        security_notice(
            &url,
            &NoticeMail {
                to: "ada@example.com",
                name: "Ada <3",
                kind,
                detail: Some("Firefox on Linux, 203.0.113.9"),
                at: Timestamp::from_millis(1_700_000_000_000),
                not_me,
            },
        )
    }

    #[test]
    fn every_notice_has_its_own_subject_and_links_the_security_page() {
        let mut subjects: Vec<String> = NoticeKind::ALL
            .into_iter()
            .map(|kind| mail(kind, None).subject)
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), NoticeKind::ALL.len());
        for kind in NoticeKind::ALL {
            let mail = mail(kind, None);
            assert!(
                mail.text
                    .contains("https://lk.example.com/account/security")
            );
            assert!(mail.text.contains("2023-11-14 22:13:20 UTC"));
        }
    }

    #[test]
    fn the_new_device_mail_carries_the_not_me_link_in_both_parts() {
        let mail = mail(NoticeKind::NewDevice, Some("/login/not-me?token=abc"));
        assert!(mail.text.contains("Firefox on Linux, 203.0.113.9"));
        assert!(
            mail.text
                .contains("https://lk.example.com/login/not-me?token=abc")
        );
        assert!(
            mail.html
                .contains("href=\"https://lk.example.com/login/not-me?token=abc\"")
        );
        assert!(mail.html.contains("Ada &lt;3"));
    }
}
