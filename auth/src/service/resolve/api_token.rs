//! Resolving an API token (`Authorization: Bearer`) to its caller.

use crate::AuthError;
use crate::secret::ApiTokenSecret;
use crate::service::{Auth, Caller, Credential};
use crate::store::tokens;
use crate::touch::Used;

impl Auth {
    /// Resolves an API token (`Authorization: Bearer`), recording its use.
    pub async fn authenticate_api_token(
        &self,
        secret: &ApiTokenSecret,
    ) -> Result<Caller, AuthError> {
        let finding = async {
            let row = tokens::find_by_hash(self.0.db.reader(), &secret.hash()).await?;
            self.token_caller(row)
        };
        self.0.db.guarded(finding).await
    }

    /// The caller of a usable API token's row, recording its use.
    pub(super) fn token_caller(
        &self,
        row: Option<tokens::StoredToken>,
    ) -> Result<Caller, AuthError> {
        let row = row.ok_or(AuthError::Unauthenticated)?;
        let now = self.now();
        if !row.usable_at(now) {
            return Err(AuthError::Unauthenticated);
        }
        self.0.toucher.touch(Used::Token(row.id.clone()), now);
        Ok(Caller {
            me: row.me,
            credential: Credential::ApiToken {
                token_id: row.id,
                scope: row.scope,
            },
        })
    }
}
