//! The mail with a link that verifies an address: sent to the address a
//! person signed up with, or to the one they are changing theirs to. It is
//! the only mail that goes to an address not verified yet.

use super::PublicUrl;
use super::message::{MailKind, OutgoingMail, escape};

/// To whom, which link, for how long, and whether it changes their
/// address.
pub(crate) struct VerificationMail<'a> {
    pub to: &'a str,
    pub name: &'a str,
    pub link_path: &'a str,
    pub hours: i64,
    /// The address it replaces, for a change; `None` for their own.
    pub replacing: Option<&'a str>,
}

/// The subject of a mail that verifies an address.
pub const VERIFY_SUBJECT: &str = "Confirm your email address for Latchkey";

/// The mail with a link that verifies `to`, valid `hours`.
pub(crate) fn email_verification(
    public_url: &PublicUrl,
    mail: &VerificationMail<'_>,
) -> OutgoingMail {
    let VerificationMail {
        to,
        name,
        link_path,
        hours,
        replacing,
    } = *mail;
    let link = public_url.link(link_path);
    let why = replacing.map_or_else(
        || "Someone, hopefully you, signed up for Latchkey with this address.".to_owned(),
        |old| {
            format!(
                "Someone, hopefully you, asked to change the address of a Latchkey account \
                 from {old} to this one."
            )
        },
    );
    let effect = if replacing.is_some() {
        "Your address changes when the link is used."
    } else {
        "Until the link is used, Latchkey sends no other mail to this address."
    };
    let text = format!(
        "Hello {name},\n\n\
         {why} Open this link within {hours} hours to confirm that it is yours:\n\n\
         {link}\n\n\
         The link works once. {effect}\n\
         If it was not you, ignore this mail: nothing happens unless the link is used.\n"
    );
    let (name, why, link) = (escape(name), escape(&why), escape(&link));
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif\">\
         <p>Hello {name},</p>\
         <p>{why} Open this link within {hours} hours to confirm that it is yours:</p>\
         <p><a href=\"{link}\">Confirm this address</a></p>\
         <p>The link works once. {effect}<br>\
         If it was not you, ignore this mail: nothing happens unless the link is used.</p>\
         </body></html>"
    );
    OutgoingMail {
        kind: MailKind::EmailVerification,
        to: to.to_owned(),
        subject: VERIFY_SUBJECT.to_owned(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_starts_with_the_public_url_and_a_change_names_the_old_address() {
        let url = PublicUrl::parse("https://lk.example.com").unwrap();
        let mail = email_verification(
            &url,
            &VerificationMail {
                to: "new@example.com",
                name: "Ada <3",
                link_path: "/login/verify-email?token=abc",
                hours: 24,
                replacing: Some("old@example.com"),
            },
        );
        assert_eq!(mail.to, "new@example.com");
        assert!(
            mail.text
                .contains("https://lk.example.com/login/verify-email?token=abc")
        );
        assert!(
            mail.html
                .contains("href=\"https://lk.example.com/login/verify-email?token=abc\"")
        );
        assert!(mail.text.contains("old@example.com"));
        assert!(mail.text.contains("24 hours"));
        assert!(mail.html.contains("Ada &lt;3"));
    }
}
