//! Telling a user that a right second-factor code of theirs was used again
//! (ASVS V2.8.5): someone may be watching their codes.

use api::{NoticeKind, SecondFactorCode, UserId};

use super::Auth;
use crate::AuthError;
use crate::notices::NewNotice;

impl Auth {
    /// After a refused second-factor code: when it was a right code of the
    /// user's app used already, tells them (ASVS V2.8.5). Call it with no
    /// write open.
    pub(super) async fn tell_if_code_reused(
        &self,
        user_id: &UserId,
        code: &SecondFactorCode,
    ) -> Result<(), AuthError> {
        let mut tx = self.0.db.begin_write().await?;
        let now = self.now();
        if crate::second_factor::was_taken_already(&mut tx, user_id, code, now).await? {
            let notice = NewNotice {
                kind: NoticeKind::CodeReused,
                origin: None,
                detail: None,
            };
            self.tell(&mut tx, user_id, notice, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
