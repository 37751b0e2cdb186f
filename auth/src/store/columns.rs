//! How a column reads back as the domain value it was written from, for
//! the rows the stores decode with `#[derive(FromRow)]`: a TEXT column
//! through [`Stored`] (`#[sqlx(try_from = "Stored")]`), a time through
//! [`Millis`] or [`MaybeMillis`]. sqlx's `Decode` cannot be given to api's
//! types here, so these carry it. A stored value that does not read back
//! is a storage fault, reported, never skipped.

use api::{
    AccountId, InvitationId, Role, SessionId, SignInMethod, Timestamp, TokenId, TokenScope, UserId,
};
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::decode::Decode;
use sqlx::error::BoxDynError;
use sqlx::{Any, Type};

use crate::AuthError;
use crate::error::corrupt;

/// Columns read as sqlx reads `$inner`.
macro_rules! column {
    ($($(#[$doc:meta])* $name:ident($inner:ty);)*) => {$(
        $(#[$doc])*
        pub(super) struct $name($inner);

        impl Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <$inner as Type<Any>>::type_info()
            }

            fn compatible(ty: &AnyTypeInfo) -> bool {
                <$inner as Type<Any>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Any> for $name {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                <$inner as Decode<'r, Any>>::decode(value).map(Self)
            }
        }
    )*};
}

column! {
    /// What a TEXT column holds, before it reads back as a domain value.
    Stored(String);
    /// A time as a BIGINT column holds it: milliseconds since the epoch.
    Millis(i64);
    /// The same, in a column that may be NULL.
    MaybeMillis(Option<i64>);
}

impl From<Millis> for Timestamp {
    fn from(millis: Millis) -> Self {
        Timestamp::from_millis(millis.0)
    }
}

impl From<MaybeMillis> for Option<Timestamp> {
    fn from(millis: MaybeMillis) -> Self {
        millis.0.map(Timestamp::from_millis)
    }
}

/// A stored value that does not read back as what it was written from.
#[derive(Debug, thiserror::Error)]
#[error("stored {0} is malformed")]
pub(crate) struct Malformed(pub(crate) &'static str);

impl From<Malformed> for AuthError {
    fn from(Malformed(what): Malformed) -> Self {
        corrupt(what)
    }
}

/// The domain values TEXT columns hold, and how each reads back.
macro_rules! read_back {
    ($($type:ty: $what:literal, $read:expr;)*) => {$(
        impl TryFrom<Stored> for $type {
            type Error = Malformed;

            fn try_from(stored: Stored) -> Result<Self, Malformed> {
                let read: fn(&str) -> Option<Self> = $read;
                read(&stored.0).ok_or(Malformed($what))
            }
        }
    )*};
}

read_back! {
    AccountId: "account id", |stored| AccountId::parse(stored).ok();
    InvitationId: "invitation id", |stored| InvitationId::parse(stored).ok();
    Role: "role", Role::parse;
    SessionId: "session id", |stored| SessionId::parse(stored).ok();
    SignInMethod: "sign-in method", SignInMethod::parse;
    TokenId: "token id", |stored| TokenId::parse(stored).ok();
    TokenScope: "token scope", |stored| TokenScope::parse(stored).ok();
    UserId: "user id", |stored| UserId::parse(stored).ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(text: &str) -> Stored {
        Stored(text.to_owned())
    }

    #[test]
    fn stored_values_read_back_and_malformed_ones_are_reported() {
        let id = SessionId::from_random_bytes([7; 16]);
        assert_eq!(SessionId::try_from(stored(id.as_str())).unwrap(), id);
        assert_eq!(Role::try_from(stored("owner")).unwrap(), Role::Owner);
        for malformed in ["", "OWNER", "not-an-id"] {
            assert!(matches!(
                AuthError::from(Role::try_from(stored(malformed)).unwrap_err()),
                AuthError::Storage(_)
            ));
            assert!(UserId::try_from(stored(malformed)).is_err());
        }
    }
}
