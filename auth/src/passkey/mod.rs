//! Passkeys (WebAuthn, with webauthn-rs): the relying party this server is,
//! the registered passkeys in storage (`stored`), and the ceremonies
//! between a challenge and its answer (`ceremony`).

pub(crate) mod ceremony;
pub(crate) mod stored;

use api::UserId;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    Url, Uuid, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::AuthError;
use crate::error::corrupt;

/// What the browser is asked to do, and what the server keeps to check
/// its answer.
pub(crate) struct Started {
    pub options: Value,
    pub state: String,
}

/// This server as a WebAuthn relying party: its id is the host name of its
/// public origin (passkeys are bound to it for good).
#[derive(Clone, Debug)]
pub struct RelyingParty(Webauthn);

impl RelyingParty {
    /// The relying party of `origin`, such as `https://latchkey.example.com`;
    /// it must have a host name (browsers refuse passkeys for IP addresses).
    pub fn new(origin: &str) -> Result<Self, String> {
        let url = Url::parse(origin).map_err(|err| format!("{origin}: {err}"))?;
        let rp_id = url.domain().ok_or_else(|| {
            format!("{origin} has no host name; passkeys need one (use localhost, not 127.0.0.1)")
        })?;
        let webauthn = WebauthnBuilder::new(rp_id, &url)
            .and_then(|builder| builder.rp_name("Latchkey").build())
            .map_err(|err| format!("{origin}: {err}"))?;
        Ok(Self(webauthn))
    }

    /// Registering a new passkey for the user, none of `existing` again.
    /// The passkey is asked to be discoverable, so it can sign in alone.
    pub(crate) fn start_registration(
        &self,
        user_id: &UserId,
        (email, name): (&str, &str),
        existing: &[Passkey],
    ) -> Result<Started, AuthError> {
        let exclude = existing.iter().map(|key| key.cred_id().clone()).collect();
        let (mut creation, state) = self
            .0
            .start_passkey_registration(user_handle(user_id)?, email, name, Some(exclude))
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        if let Some(selection) = creation.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        started(&creation.public_key, &state)
    }

    pub(crate) fn finish_registration(
        &self,
        credential: &Value,
        state: &str,
    ) -> Result<Passkey, AuthError> {
        let credential: RegisterPublicKeyCredential = answer(credential)?;
        let state: PasskeyRegistration = kept(state)?;
        self.0
            .finish_passkey_registration(&credential, &state)
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))
    }

    /// A sign-in with any of the user's `passkeys`.
    pub(crate) fn start_for(&self, passkeys: &[Passkey]) -> Result<Started, AuthError> {
        let (request, state) = self
            .0
            .start_passkey_authentication(passkeys)
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        started(&request.public_key, &state)
    }

    pub(crate) fn finish_for(
        &self,
        credential: &PublicKeyCredential,
        state: &str,
        passkey: Passkey,
    ) -> Result<Passkey, AuthError> {
        let state: PasskeyAuthentication = kept(state)?;
        let result = self
            .0
            .finish_passkey_authentication(credential, &state)
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        used(passkey, &result)
    }

    /// A sign-in with a passkey alone: the browser offers whichever of its
    /// passkeys for this site the person picks.
    pub(crate) fn start_discoverable(&self) -> Result<Started, AuthError> {
        let (request, state) = self
            .0
            .start_discoverable_authentication()
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        started(&request.public_key, &state)
    }

    /// Whose passkey answered a passkey-alone sign-in, and which: the user
    /// and the credential id. Only a claim until the answer is checked.
    pub(crate) fn identify(
        &self,
        credential: &PublicKeyCredential,
    ) -> Result<(UserId, String), AuthError> {
        let (handle, credential_id) = self
            .0
            .identify_discoverable_authentication(credential)
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        let user_id = UserId::from_random_bytes(*handle.as_bytes());
        Ok((user_id, URL_SAFE_NO_PAD.encode(credential_id)))
    }

    pub(crate) fn finish_discoverable(
        &self,
        credential: &PublicKeyCredential,
        state: &str,
        passkey: Passkey,
    ) -> Result<Passkey, AuthError> {
        let state: DiscoverableAuthentication = kept(state)?;
        let result = self
            .0
            .finish_discoverable_authentication(
                credential,
                state,
                &[DiscoverableKey::from(&passkey)],
            )
            .map_err(|err| AuthError::PasskeyRefused(err.to_string()))?;
        used(passkey, &result)
    }
}

/// The passkey that gave a checked answer, its counter moved on.
fn used(mut passkey: Passkey, result: &AuthenticationResult) -> Result<Passkey, AuthError> {
    passkey
        .update_credential(result)
        .ok_or_else(|| AuthError::PasskeyRefused("the answer is from another passkey".into()))?;
    Ok(passkey)
}

/// The browser's answer to a sign-in, parsed.
pub(crate) fn assertion(credential: &Value) -> Result<PublicKeyCredential, AuthError> {
    answer(credential)
}

/// The credential id of the passkey that gave this answer, as stored.
pub(crate) fn answered_by(credential: &PublicKeyCredential) -> String {
    URL_SAFE_NO_PAD.encode(credential.raw_id.as_ref())
}

/// A passkey's credential id as stored: base64url without padding.
pub(crate) fn credential_id(passkey: &Passkey) -> String {
    URL_SAFE_NO_PAD.encode(passkey.cred_id().as_ref())
}

/// The WebAuthn user handle of a user: their id's 16 bytes, the same for
/// every passkey of theirs, and nothing else about them.
fn user_handle(user_id: &UserId) -> Result<Uuid, AuthError> {
    let bytes: [u8; 16] = hex::decode(user_id.as_str())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| corrupt("user id"))?;
    Ok(Uuid::from_bytes(bytes))
}

fn started<O: serde::Serialize, S: serde::Serialize>(
    options: &O,
    state: &S,
) -> Result<Started, AuthError> {
    Ok(Started {
        options: serde_json::to_value(options).map_err(|_| corrupt("passkey options"))?,
        state: serde_json::to_string(state).map_err(|_| corrupt("passkey ceremony"))?,
    })
}

fn answer<T: serde::de::DeserializeOwned>(credential: &Value) -> Result<T, AuthError> {
    serde_json::from_value(credential.clone()).map_err(|err| {
        AuthError::Rejected(api::ApiError {
            field: Some("credential".into()),
            ..api::ApiError::invalid_params(format!(
                "That is not a passkey's answer the browser gives: {err}."
            ))
        })
    })
}

fn kept<T: serde::de::DeserializeOwned>(state: &str) -> Result<T, AuthError> {
    serde_json::from_str(state).map_err(|_| corrupt("passkey ceremony"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relying_party_needs_a_host_name() {
        assert!(RelyingParty::new("http://localhost:3000").is_ok());
        assert!(RelyingParty::new("https://latchkey.example.com").is_ok());
        let refused = RelyingParty::new("http://127.0.0.1:3000").unwrap_err();
        assert!(refused.contains("localhost"), "{refused}");
        assert!(RelyingParty::new("not a url").is_err());
    }

    #[test]
    fn a_user_handle_is_the_user_id_and_back() {
        let user_id = UserId::from_random_bytes([0x5e; 16]);
        let handle = user_handle(&user_id).unwrap();
        assert_eq!(UserId::from_random_bytes(*handle.as_bytes()), user_id);
    }

    #[test]
    fn registration_asks_for_a_discoverable_passkey_and_user_verification() {
        let rp = RelyingParty::new("http://localhost:3000").unwrap();
        let user_id = UserId::from_random_bytes([0x11; 16]);
        let started = rp
            .start_registration(&user_id, ("ada@example.com", "Ada"), &[])
            .unwrap();
        let selection = &started.options["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required");
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(started.options["rp"]["id"], "localhost");
    }

    #[test]
    fn an_answer_that_is_not_a_credential_is_invalid_params() {
        let err = assertion(&serde_json::json!({"id": 1})).unwrap_err();
        assert_eq!(
            api::ApiError::from(err).field.as_deref(),
            Some("credential")
        );
    }
}
