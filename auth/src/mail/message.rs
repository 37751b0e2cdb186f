//! The messages the domain sends, each rendered as plain text and HTML.
//! What a person typed (their name) is escaped in the HTML part; links
//! start with the configured public address, never a request's `Host`.

use super::PublicUrl;

/// What a message is for: stored with it, and a label in the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// A link to choose a new password.
    PasswordReset,
    /// A security notice (a sign-in from a new device, a password
    /// changed, ...), as the page tells it too.
    SecurityNotice,
    /// A link to join an account.
    Invitation,
    /// A link that verifies an address: the user's own, or the one they
    /// are changing to.
    EmailVerification,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::SecurityNotice => "security_notice",
            MailKind::Invitation => "invitation",
            MailKind::EmailVerification => "email_verification",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "password_reset" => Some(MailKind::PasswordReset),
            "security_notice" => Some(MailKind::SecurityNotice),
            "invitation" => Some(MailKind::Invitation),
            "email_verification" => Some(MailKind::EmailVerification),
            _ => None,
        }
    }
}

/// A message ready to go: one recipient, a subject, a plain-text and an
/// HTML part.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Its bodies may hold a secret link: never printed.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("kind", &self.kind)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// The mail with a link to choose a new password, valid `minutes`.
pub(crate) fn password_reset(
    public_url: &PublicUrl,
    to: &str,
    name: &str,
    link_path: &str,
    minutes: i64,
) -> OutgoingMail {
    let link = public_url.link(link_path);
    let text = format!(
        "Hello {name},\n\n\
         Someone, hopefully you, asked to choose a new password for your Latchkey \
         account. Open this link within {minutes} minutes to choose one:\n\n\
         {link}\n\n\
         The link works once. Choosing a new password signs you out everywhere.\n\
         If you did not ask, ignore this mail: your password stays as it is, and \
         signing in ends the link.\n"
    );
    let (name, link) = (escape(name), escape(&link));
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif\">\
         <p>Hello {name},</p>\
         <p>Someone, hopefully you, asked to choose a new password for your Latchkey \
         account. Open this link within {minutes} minutes to choose one:</p>\
         <p><a href=\"{link}\">Choose a new password</a></p>\
         <p>The link works once. Choosing a new password signs you out everywhere.<br>\
         If you did not ask, ignore this mail: your password stays as it is, and \
         signing in ends the link.</p></body></html>"
    );
    OutgoingMail {
        kind: MailKind::PasswordReset,
        to: to.to_owned(),
        subject: "Choose a new password for Latchkey".to_owned(),
        text,
        html,
    }
}

/// Who invites whom to which team, and for how long the link works.
pub(crate) struct InvitationMail<'a> {
    pub to: &'a str,
    pub inviter: &'a str,
    pub account_name: &'a str,
    pub link_path: &'a str,
    pub days: i64,
}

/// The mail with a link to join a team, valid `days`.
pub(crate) fn invitation(public_url: &PublicUrl, invitation: &InvitationMail<'_>) -> OutgoingMail {
    let InvitationMail {
        to,
        inviter,
        account_name,
        link_path,
        days,
    } = *invitation;
    let link = public_url.link(link_path);
    let text = format!(
        "Hello,\n\n\
         {inviter} invites you to join {account_name} on Latchkey. Open this link within \
         {days} days to choose your name and password:\n\n\
         {link}\n\n\
         The link works once. If you did not expect this, ignore this mail: nothing \
         happens unless the link is used.\n"
    );
    let (inviter, account_name, link) = (escape(inviter), escape(account_name), escape(&link));
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif\">\
         <p>Hello,</p>\
         <p>{inviter} invites you to join {account_name} on Latchkey. Open this link \
         within {days} days to choose your name and password:</p>\
         <p><a href=\"{link}\">Join {account_name}</a></p>\
         <p>The link works once. If you did not expect this, ignore this mail: nothing \
         happens unless the link is used.</p></body></html>"
    );
    OutgoingMail {
        kind: MailKind::Invitation,
        to: to.to_owned(),
        subject: "You are invited to join a team on Latchkey".to_owned(),
        text,
        html,
    }
}

/// `text` safe inside HTML text and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_mail_links_to_the_public_url_in_both_parts() {
        let url = PublicUrl::parse("https://lk.example.com").unwrap();
        let mail = password_reset(&url, "a@example.com", "Ada", "/login/reset?token=abc", 30);
        assert!(
            mail.text
                .contains("https://lk.example.com/login/reset?token=abc")
        );
        assert!(
            mail.html
                .contains("href=\"https://lk.example.com/login/reset?token=abc\"")
        );
        assert!(mail.text.contains("30 minutes"));
        assert_eq!(mail.to, "a@example.com");
    }

    #[test]
    fn a_name_with_markup_is_escaped_in_the_html_part() {
        let url = PublicUrl::default();
        let mail = password_reset(&url, "a@example.com", "<b>Eve</b>", "/x", 30);
        assert!(mail.html.contains("&lt;b&gt;Eve&lt;/b&gt;"));
        assert!(!mail.html.contains("<b>Eve"));
    }

    #[test]
    fn an_invitation_links_to_the_public_url_and_escapes_the_names() {
        let url = PublicUrl::parse("https://lk.example.com").unwrap();
        let mail = invitation(
            &url,
            &InvitationMail {
                to: "g@example.com",
                inviter: "Ada <3",
                account_name: "R&D",
                link_path: "/login/invitation?token=abc",
                days: 7,
            },
        );
        assert!(
            mail.text
                .contains("https://lk.example.com/login/invitation?token=abc")
        );
        assert!(mail.text.contains("7 days") && mail.text.contains("Ada <3"));
        assert!(mail.html.contains("Ada &lt;3") && mail.html.contains("R&amp;D"));
        assert_eq!(mail.to, "g@example.com");
    }

    #[test]
    fn a_mail_kind_reads_back_as_written() {
        assert_eq!(
            MailKind::parse(MailKind::Invitation.as_str()),
            Some(MailKind::Invitation)
        );
        assert_eq!(
            MailKind::parse(MailKind::PasswordReset.as_str()),
            Some(MailKind::PasswordReset)
        );
        assert_eq!(MailKind::parse("other"), None);
    }
}
