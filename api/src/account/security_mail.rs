//! Which kinds of security mail the caller gets: each kind on or off, and
//! whether it may be turned off at all ([`NoticeKind::may_turn_off_mail`]).
//! The notice in the page is told whatever the choice.

use serde::{Deserialize, Serialize};

use crate::NoticeKind;

/// `account_security_mail_get`: every kind of security notice, and whether
/// its mail goes to the caller.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityMail {
    /// Whether the server sends mail at all (`--no-mail`: it does not, and
    /// the choices wait for a server that does).
    pub sends_mail: bool,
    /// Every kind, in [`NoticeKind::ALL`]'s order.
    pub kinds: Vec<SecurityMailKind>,
}

/// One kind of security mail, for the caller.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityMailKind {
    pub kind: NoticeKind,
    /// Whether its mail goes to the caller's address (once it is verified).
    pub on: bool,
    /// Whether the caller may turn it off: `false` for the mail that
    /// protects the account, which is always sent.
    pub may_turn_off: bool,
}

impl SecurityMailKind {
    /// `kind`, on unless the caller turned it off (and may).
    pub const fn new(kind: NoticeKind, turned_off: bool) -> Self {
        let may_turn_off = kind.may_turn_off_mail();
        Self {
            kind,
            on: !(turned_off && may_turn_off),
            may_turn_off,
        }
    }
}

/// `account_security_mail_set`: turn one kind's mail on or off.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityMailSetParams {
    pub kind: NoticeKind,
    pub on: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protective_kind_is_on_whatever_was_stored() {
        let taken = SecurityMailKind::new(NoticeKind::SessionTaken, true);
        let device = SecurityMailKind::new(NoticeKind::NewDevice, true);

        assert!(taken.on && !taken.may_turn_off);
        assert!(!device.on && device.may_turn_off);
    }
}
