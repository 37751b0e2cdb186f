//! What each of the domain's values binds to a statement's placeholder as
//! ([`Value`]); `columns` reads them back.

use api::{
    AccountId, DisplayName, EmailAddress, InvitationId, NoticeKind, RevokeReason, Role, SessionId,
    SignInMethod, Timestamp, TokenId, UserId,
};

use crate::secret::TokenHash;

/// A value for one of a statement's placeholders, as the schema keeps it:
/// TEXT or BIGINT, either of which may be NULL.
#[derive(Clone, Copy, Debug)]
pub(super) enum Value<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(Some(text))
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(text: Option<&'a str>) -> Self {
        Value::Text(text)
    }
}

impl From<i64> for Value<'_> {
    fn from(int: i64) -> Self {
        Value::Int(Some(int))
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(int: Option<i64>) -> Self {
        Value::Int(int)
    }
}

impl From<Timestamp> for Value<'_> {
    fn from(at: Timestamp) -> Self {
        Value::Int(Some(at.as_millis()))
    }
}

impl From<Option<Timestamp>> for Value<'_> {
    fn from(at: Option<Timestamp>) -> Self {
        Value::Int(at.map(Timestamp::as_millis))
    }
}

/// Values kept as their text (`as_str`).
macro_rules! as_text {
    ($($type:ty),* $(,)?) => {$(
        impl<'a> From<&'a $type> for Value<'a> {
            fn from(value: &'a $type) -> Self {
                Value::Text(Some(value.as_str()))
            }
        }
    )*};
}

as_text!(
    AccountId,
    DisplayName,
    EmailAddress,
    InvitationId,
    SessionId,
    TokenHash,
    TokenId,
    UserId
);

/// Names kept as their text (`as_str`).
macro_rules! as_name {
    ($($type:ty),* $(,)?) => {$(
        impl From<$type> for Value<'_> {
            fn from(value: $type) -> Self {
                Value::Text(Some(value.as_str()))
            }
        }
    )*};
}

as_name!(NoticeKind, RevokeReason, Role, SignInMethod);
