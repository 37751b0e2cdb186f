//! The messages the domain sends, each rendered as plain text and HTML.

/// What a message is for: stored with it, and a label in the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// A link to choose a new password.
    PasswordReset,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "password_reset" => Some(MailKind::PasswordReset),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_kind_reads_back_as_written() {
        assert_eq!(
            MailKind::parse(MailKind::PasswordReset.as_str()),
            Some(MailKind::PasswordReset)
        );
        assert_eq!(MailKind::parse("other"), None);
    }
}
