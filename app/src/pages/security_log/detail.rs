//! What an entry recorded besides who, when and from where, in the words
//! people recognise: the device and address of a session rather than its
//! id, "2 sessions ended" rather than `sessions_ended: 2`, and nothing for
//! what did not happen (no "evicted: 0").

use api::{AuditKind, RevokeReason, SignInMethod};
use serde_json::{Map, Value};

/// The fields an entry may record, in the order they are told (any other
/// field follows them).
const ORDER: [&str; 26] = [
    "applies_to",
    "name",
    "email",
    "method",
    "second_factor",
    "count",
    "sessions_ended",
    "api_tokens_revoked",
    "evicted",
    "sessions_shortened",
    "reason",
    "why",
    "session_ended",
    "idle_minutes",
    "absolute_minutes",
    "second_factor_required",
    "from",
    "to",
    "role",
    "scope",
    "by_owner",
    "by",
    "replaced",
    "invited_by",
    "notice",
    "mail",
];

/// The entry's details, as "Session on Firefox on Windows, 203.0.113.9 ·
/// 1 session · ended by its user".
pub fn details(kind: AuditKind, detail: &Value) -> String {
    let Some(fields) = detail.as_object() else {
        return String::new();
    };
    let mut told: Vec<(usize, String)> = fields
        .iter()
        .filter_map(|(key, value)| {
            let rank = ORDER.iter().position(|known| known == key);
            Some((rank.unwrap_or(ORDER.len()), field(kind, key, value)?))
        })
        .collect();
    told.sort_by_key(|(rank, _)| *rank);
    session_place(fields)
        .into_iter()
        .chain(told.into_iter().map(|(_, words)| words))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The device and address of the session an entry ended, when it recorded
/// them.
fn session_place(fields: &Map<String, Value>) -> Option<String> {
    let device = fields.get("device").and_then(Value::as_str)?;
    Some(match fields.get("ip").and_then(Value::as_str) {
        Some(ip) => format!("Session on {device}, {ip}"),
        None => format!("Session on {device}"),
    })
}

/// One recorded field in words; none when there is nothing to say.
fn field(kind: AuditKind, key: &str, value: &Value) -> Option<String> {
    if says_nothing(value) {
        return None;
    }
    let text = value.as_str();
    let count = value.as_u64();
    Some(match key {
        // Said with the session; ids nobody recognises; the owner who did
        // it, whom the entry names. A device proof refused with the session
        // going on says only why.
        "session_ended" if value.as_bool()? => "the session ended".to_owned(),
        // An invitation that took the place of an earlier one to the same
        // address, whose link then stopped working.
        "replaced" if value.as_bool()? => "the earlier link ended".to_owned(),
        "device" | "ip" | "token_ids" | "claimed_user" | "by_owner" | "session_ended"
        | "invited_by" | "replaced" => {
            return None;
        }
        // The log names the removed member already.
        "name" if kind == AuditKind::MemberRemoved => return None,
        "name" => format!("“{}”", text?),
        // Why a device's proof was refused is said in the server's words.
        "email" | "why" => text?.to_owned(),
        "reason" => reason(text?),
        "count" if kind == AuditKind::TokensRevoked => many(count?, "API token", "API tokens"),
        "count" => many(count?, "session", "sessions"),
        "sessions_ended" => format!("{} ended", many(count?, "session", "sessions")),
        "sessions_shortened" => format!("{} shortened", many(count?, "session", "sessions")),
        "api_tokens_revoked" => format!("{} revoked", many(count?, "API token", "API tokens")),
        "evicted" => format!(
            "{} revoked: over the limit",
            many(count?, "oldest token", "oldest tokens")
        ),
        // "Password and authenticator app", as the sessions list says it.
        "method" => SignInMethod::parse(text?)?.label().to_owned(),
        "second_factor" => format!("second step: {}", text?.replace('_', " ")),
        "required_by_account" => "required by the account".to_owned(),
        "by" => format!("by the {}", text?),
        "applies_to" if text? == "unbound_sessions" => {
            "for sessions not bound to their device".to_owned()
        }
        "applies_to" => return None,
        "idle_minutes" => format!("{} min idle", count?),
        "absolute_minutes" => format!("{} min at most", count?),
        "second_factor_required" if value.as_bool()? => "two-step sign-in required".to_owned(),
        "second_factor_required" => "two-step sign-in up to each person".to_owned(),
        // An address changing: from the old one to the new.
        "from" if is_email_change(kind) => format!("from {}", text?),
        "to" if is_email_change(kind) => format!("to {}", text?),
        // Which kind of security mail was turned on or off.
        "notice" => text?.replace('_', " "),
        "mail" => format!("mail {}", text?),
        "from" | "role" => format!("was {}", text?),
        "to" => format!("now {}", text?),
        other => format!("{}: {}", other.replace('_', " "), plain(value)),
    })
}

/// Whether the entry is about a change of address.
fn is_email_change(kind: AuditKind) -> bool {
    matches!(
        kind,
        AuditKind::EmailChangeRequested | AuditKind::EmailChanged
    )
}

/// Absent, zero, or an id.
fn says_nothing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Number(number) => number.as_u64() == Some(0),
        Value::String(text) => is_id(text),
        _ => false,
    }
}

/// Whether `text` is an id (of a user, session, token, passkey or account:
/// all are written alike), which tells a reader nothing.
pub fn is_id(text: &str) -> bool {
    api::UserId::parse(text).is_ok()
}

/// Why sessions or tokens ended.
fn reason(raw: &str) -> String {
    let Some(reason) = RevokeReason::parse(raw) else {
        return match raw {
            "token_cap" => "over the limit of tokens".to_owned(),
            other => other.replace('_', " "),
        };
    };
    match reason {
        RevokeReason::SignedOut => "signed out",
        RevokeReason::Revoked => "ended by its user",
        RevokeReason::SignedOutByOwner => "signed out by an owner",
        RevokeReason::SignedOutByOperator => "signed out by the server's operator",
        RevokeReason::RemovedFromAccount => "removed from the team",
        RevokeReason::SessionCap => "over the limit of sessions",
        RevokeReason::PasswordChanged => "the password changed",
        RevokeReason::TokenReuse => "a stolen token was used",
        RevokeReason::SecondFactorRequired => "two-step sign-in became required",
        RevokeReason::DeviceProofFailed => "another device tried to keep it",
    }
    .to_owned()
}

/// "1 session", "3 sessions".
fn many(count: u64, one: &str, more: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {more}")
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_ended_session_is_named_by_its_device_and_address() {
        let detail = json!({
            "reason": "revoked",
            "count": 1,
            "device": "Firefox on Windows",
            "ip": "203.0.113.9",
        });
        assert_eq!(
            details(AuditKind::SessionsRevoked, &detail),
            "Session on Firefox on Windows, 203.0.113.9 · 1 session · ended by its user"
        );
    }

    #[test]
    fn what_did_not_happen_and_ids_are_left_out() {
        let detail = json!({
            "name": "deploy",
            "scope": "full access",
            "evicted": 0,
            "token_ids": ["0123456789abcdef0123456789abcdef"],
            "claimed_user": "0123456789abcdef0123456789abcdef",
        });
        assert_eq!(
            details(AuditKind::TokenCreated, &detail),
            "“deploy” · scope: full access"
        );
        let detail =
            json!({"idle_minutes": null, "absolute_minutes": null, "sessions_shortened": 0});
        assert_eq!(details(AuditKind::PolicyChanged, &detail), "");
    }

    #[test]
    fn a_refused_device_proof_says_why_and_whether_the_session_ended() {
        let taken = json!({"why": "signed by another device's key", "session_ended": true, "reason": "device_proof_failed"});
        let refused = json!({"why": "the proof is not signed with ES256", "session_ended": false});
        assert_eq!(
            details(AuditKind::DeviceProofFailed, &taken),
            "another device tried to keep it · signed by another device's key · the session ended"
        );
        assert_eq!(
            details(AuditKind::DeviceProofFailed, &refused),
            "the proof is not signed with ES256"
        );
    }

    #[test]
    fn invitations_say_to_whom_and_whether_an_earlier_link_ended() {
        let first = json!({"email": "grace@example.com", "replaced": false});
        let again = json!({"email": "grace@example.com", "replaced": true});
        let accepted = json!({
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "invited_by": "0123456789abcdef0123456789abcdef",
        });
        assert_eq!(
            details(AuditKind::InvitationSent, &first),
            "grace@example.com"
        );
        assert_eq!(
            details(AuditKind::InvitationSent, &again),
            "grace@example.com · the earlier link ended"
        );
        assert_eq!(
            details(AuditKind::InvitationRevoked, &first),
            "grace@example.com"
        );
        assert_eq!(
            details(AuditKind::InvitationAccepted, &accepted),
            "“Grace Hopper” · grace@example.com"
        );
        // Not even a removed owner's id, which `says_nothing` hides too.
        let by_nobody = json!({"email": "grace@example.com", "invited_by": null});
        assert_eq!(
            details(AuditKind::InvitationAccepted, &by_nobody),
            "grace@example.com"
        );
    }

    #[test]
    fn a_kind_of_security_mail_turned_off_says_which() {
        let off = json!({"notice": "new_device", "mail": "off"});
        assert_eq!(
            details(AuditKind::SecurityMailChanged, &off),
            "new device · mail off"
        );
    }

    #[test]
    fn an_address_verified_or_changed_says_which() {
        let verified = json!({"email": "ada@example.com"});
        let change = json!({"from": "ada@example.com", "to": "ada@new.example.com"});
        assert_eq!(
            details(AuditKind::EmailVerified, &verified),
            "ada@example.com"
        );
        assert_eq!(
            details(AuditKind::EmailChangeRequested, &change),
            "from ada@example.com · to ada@new.example.com"
        );
        assert_eq!(
            details(AuditKind::EmailChanged, &change),
            "from ada@example.com · to ada@new.example.com"
        );
    }

    #[test]
    fn counts_read_as_words() {
        let detail = json!({"sessions_ended": 2, "api_tokens_revoked": 1, "evicted": 3});
        assert_eq!(
            details(AuditKind::PasswordChanged, &detail),
            "2 sessions ended · 1 API token revoked · 3 oldest tokens revoked: over the limit"
        );
        let detail = json!({"reason": "token_cap", "count": 1});
        assert_eq!(
            details(AuditKind::TokensRevoked, &detail),
            "1 API token · over the limit of tokens"
        );
        let detail =
            json!({"applies_to": "unbound_sessions", "idle_minutes": 15, "absolute_minutes": 480});
        assert_eq!(
            details(AuditKind::PolicyChanged, &detail),
            "for sessions not bound to their device · 15 min idle · 480 min at most"
        );
        let detail = json!({"applies_to": "all_sessions", "idle_minutes": 60});
        assert_eq!(details(AuditKind::PolicyChanged, &detail), "60 min idle");
        let detail = json!({"second_factor_required": false});
        assert_eq!(
            details(AuditKind::PolicyChanged, &detail),
            "two-step sign-in up to each person"
        );
    }
}
