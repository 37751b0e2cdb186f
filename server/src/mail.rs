//! How mail leaves this server: by SMTP (`--smtp-url`, through lettre over
//! rustls), or, with no SMTP set, as `.eml` files in `--mail-dir` whose
//! paths are logged, so the flows work on a fresh machine. The domain's
//! courier sends through either; it knows neither.

use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use auth::mail::{MailTransport, OutgoingMail, SendError};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

/// Longest an SMTP conversation may take; well inside the courier's lease.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// `--smtp-url`: `smtp://host:25`, `smtp://host:587?tls=starttls` or
/// `smtps://user:pass@host:465`. Printed without its password.
#[derive(Clone)]
pub struct SmtpUrl(url::Url);

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw).map_err(|err| format!("not a URL: {err}"))?;
        if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
            return Err("use smtp://HOST[:PORT][?tls=starttls] or smtps://HOST[:PORT]".into());
        }
        for (key, value) in url.query_pairs() {
            let known =
                key == "tls" && matches!(&*value, "starttls" | "required" | "opportunistic");
            if !known {
                return Err(format!(
                    "unknown setting {key}={value}: the one known is tls=starttls (or \
                     opportunistic)"
                ));
            }
        }
        Ok(Self(url))
    }

    /// The URL as lettre reads it: `tls=starttls` is its `tls=required`.
    fn for_lettre(&self) -> String {
        let mut url = self.0.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if value == "starttls" {
                    "required".into()
                } else {
                    value
                };
                (key.into_owned(), value.into_owned())
            })
            .collect();
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        url.to_string()
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The URL with its password, if any, replaced.
impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("redacted"));
        }
        f.write_str(shown.as_str())
    }
}

/// `--mail-from`: `Latchkey <latchkey@example.com>` or a bare address.
pub fn parse_mailbox(raw: &str) -> Result<Mailbox, String> {
    raw.parse::<Mailbox>().map_err(|err| err.to_string())
}

/// The transport the configuration asks for.
pub fn transport(
    smtp: Option<&SmtpUrl>,
    from: Mailbox,
    dir: PathBuf,
) -> Result<Arc<dyn MailTransport>, String> {
    if let Some(url) = smtp {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.for_lettre())
            .map_err(|err| format!("--smtp-url {url}: {err}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        tracing::info!(smtp = %url, "mail goes out by SMTP");
        Ok(Arc::new(Smtp { smtp, from }))
    } else {
        tracing::info!(dir = %dir.display(), "no SMTP set (--smtp-url): mail is written to files");
        Ok(Arc::new(Files { dir, from }))
    }
}

/// The message as RFC 5322 text, with a plain-text and an HTML part.
fn message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, SendError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|err| SendError(format!("recipient: {err}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|err| SendError(format!("message: {err}")))
}

struct Smtp {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl MailTransport for Smtp {
    fn send<'a>(
        &'a self,
        mail: &'a OutgoingMail,
    ) -> Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>> {
        Box::pin(async move {
            let message = message(&self.from, mail)?;
            self.smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|err| SendError(format!("smtp: {err}")))
        })
    }
}

/// Writes each message to a file of its own in `dir`.
struct Files {
    dir: PathBuf,
    from: Mailbox,
}

impl MailTransport for Files {
    fn send<'a>(
        &'a self,
        mail: &'a OutgoingMail,
    ) -> Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>> {
        Box::pin(async move {
            let message = message(&self.from, mail)?;
            let io = |err: std::io::Error| SendError(format!("mail dir: {err}"));
            tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos());
            let path = self.dir.join(format!("{stamp}-{}.eml", mail.kind.as_str()));
            tokio::fs::write(&path, message.formatted())
                .await
                .map_err(io)?;
            tracing::info!(path = %path.display(), kind = mail.kind.as_str(), "mail written to a file");
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_is_printed_without_its_password() {
        let url = SmtpUrl::parse("smtps://user:hunter2@mail.example.com:465").unwrap();
        assert!(!url.to_string().contains("hunter2"));
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(url.to_string().contains("mail.example.com"));
    }

    #[test]
    fn starttls_is_what_lettre_calls_required() {
        let url = SmtpUrl::parse("smtp://mail.example.com:587?tls=starttls").unwrap();
        assert_eq!(url.for_lettre(), "smtp://mail.example.com:587?tls=required");
    }

    #[test]
    fn an_smtp_url_of_another_scheme_or_setting_is_refused() {
        assert!(SmtpUrl::parse("http://mail.example.com").is_err());
        assert!(SmtpUrl::parse("smtp://mail.example.com?tls=maybe").is_err());
        assert!(SmtpUrl::parse("smtp://mail.example.com?pool=1").is_err());
    }
}
