//! Password hashing with argon2id, run off the async runtime and bounded in
//! how many run at once (each takes about 19 MiB) and how many may wait:
//! past that, work is refused at once (`busy`), never queued without end.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use api::Password;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use tokio::sync::Semaphore;

use crate::AuthError;
use crate::secret::random_bytes;

/// Hashes and verifies passwords. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    queue: Arc<Queue>,
    /// A real hash of a random password, verified against when the email is
    /// unknown so that a failed sign-in takes the same time either way.
    dummy_hash: Arc<str>,
}

/// How many hashes are running or waiting, and how many may.
struct Queue {
    taken: AtomicUsize,
    places: usize,
}

/// A place in the queue, given back when dropped.
struct Place<'a>(&'a Queue);

impl Queue {
    fn take(&self) -> Result<Place<'_>, AuthError> {
        let before = self.taken.fetch_add(1, Ordering::AcqRel);
        if before >= self.places {
            self.taken.fetch_sub(1, Ordering::AcqRel);
            return Err(AuthError::Busy);
        }
        crate::metrics::hash_queue(before + 1);
        Ok(Place(self))
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let before = self.0.taken.fetch_sub(1, Ordering::AcqRel);
        crate::metrics::hash_queue(before.saturating_sub(1));
    }
}

impl PasswordHasher {
    /// `max_parallel` bounds concurrent hashes (and so their memory);
    /// `max_waiting` more may wait for one of them.
    pub async fn new(max_parallel: usize, max_waiting: usize) -> Result<Self, AuthError> {
        let max_parallel = max_parallel.max(1);
        let permits = Arc::new(Semaphore::new(max_parallel));
        let unguessable = Password::new(hex::encode(random_bytes::<32>()?));
        let dummy_hash = hash_blocking(&permits, unguessable).await?;
        Ok(Self {
            permits,
            queue: Arc::new(Queue {
                taken: AtomicUsize::new(0),
                places: max_parallel + max_waiting,
            }),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// The argon2id PHC string for a password being set now.
    #[tracing::instrument(skip_all)]
    pub async fn hash(&self, password: Password) -> Result<String, AuthError> {
        let _place = self.queue.take()?;
        hash_blocking(&self.permits, password).await
    }

    /// Verifies `password` against `stored`, or against a dummy hash when the
    /// user does not exist, so both cases cost the same.
    #[tracing::instrument(skip_all)]
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<&str>,
    ) -> Result<bool, AuthError> {
        let _place = self.queue.take()?;
        let known = stored.is_some();
        let phc = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let _permit = self.permits.acquire().await.map_err(|e| closed(&e))?;
        let matches = tokio::task::spawn_blocking(move || verify_sync(&password, &phc))
            .await
            .map_err(|e| AuthError::PasswordHashing(e.to_string()))??;
        Ok(known && matches)
    }
}

async fn hash_blocking(permits: &Semaphore, password: Password) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AuthError::PasswordHashing(e.to_string()))?;
    let _permit = permits.acquire().await.map_err(|e| closed(&e))?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AuthError::PasswordHashing(e.to_string()))
    })
    .await
    .map_err(|e| AuthError::PasswordHashing(e.to_string()))?
}

fn verify_sync(password: &Password, phc: &str) -> Result<bool, AuthError> {
    let parsed = PasswordHash::new(phc).map_err(|e| AuthError::PasswordHashing(e.to_string()))?;
    match Argon2::default().verify_password(password.expose().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(AuthError::PasswordHashing(e.to_string())),
    }
}

fn closed(e: &tokio::sync::AcquireError) -> AuthError {
    AuthError::PasswordHashing(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hasher = PasswordHasher::new(2, 0).await.unwrap();
        let phc = hasher
            .hash(Password::new("correct horse".into()))
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(!phc.contains("correct horse"));
        assert!(
            hasher
                .verify(Password::new("correct horse".into()), Some(&phc))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(Password::new("wrong horse".into()), Some(&phc))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = PasswordHasher::new(1, 0).await.unwrap();
        assert!(
            !hasher
                .verify(Password::new("anything".into()), None)
                .await
                .unwrap()
        );
    }

    /// The time argon2 takes is set by its algorithm and parameters alone;
    /// an unknown email is verified against a hash made the same way as a
    /// real one, so both failed sign-ins cost the same.
    #[tokio::test]
    async fn the_dummy_hash_for_unknown_emails_costs_what_a_real_hash_costs() {
        let hasher = PasswordHasher::new(1, 0).await.unwrap();
        let real = hasher
            .hash(Password::new("correct horse".into()))
            .await
            .unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(&hasher.dummy_hash).unwrap();

        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
    }

    #[tokio::test]
    async fn past_the_running_and_waiting_hashes_more_work_is_refused_at_once() {
        let hasher = PasswordHasher::new(1, 1).await.unwrap();
        let password = || Password::new("correct horse".into());

        let (running, waiting, refused) = tokio::join!(
            hasher.hash(password()),
            hasher.hash(password()),
            hasher.verify(password(), None),
        );

        assert!(running.is_ok() && waiting.is_ok());
        assert!(matches!(refused, Err(AuthError::Busy)), "{refused:?}");
        assert!(
            hasher.verify(password(), None).await.is_ok(),
            "places are given back"
        );
    }
}
