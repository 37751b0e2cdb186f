//! The proofs a browser sends for a device-bound session: an ES256 JWS of
//! type `dbsc+jwt` whose only claim, `jti`, is the challenge it answers.
//! A registration proof carries its public key (in the JWS header, or in
//! the payload as older drafts put it) and is signed by it; a refresh
//! proof is signed by the key registered before. Pure: the challenges are
//! looked up and used up by the caller.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};

/// The JWS type every proof must declare.
pub(crate) const PROOF_TYPE: &str = "dbsc+jwt";

/// A device's public key: a P-256 point, as its JWK coordinates
/// (base64url), which is how it is stored with the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKey {
    x: String,
    y: String,
}

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the proof is not a JWS with a challenge")]
    Malformed,
    #[error("the proof's type is not dbsc+jwt")]
    WrongType,
    #[error("the proof is not signed with ES256")]
    WrongAlgorithm,
    #[error("a registration proof names no P-256 public key")]
    NoKey,
    /// Well formed, but not signed by the key it must be signed by: for a
    /// refresh, another device holds the session.
    #[error("the proof is not signed by the device's key")]
    WrongKey,
}

/// The claims of a proof.
#[derive(Deserialize)]
struct Claims {
    jti: String,
    /// Where older drafts put the key.
    #[serde(default)]
    jwk: Option<Jwk>,
}

/// A registration proof checked: the challenge it answers, and the key it
/// was signed with, to keep with the session.
pub fn check_registration(proof: &str) -> Result<(String, DeviceKey), ProofError> {
    let header = checked_header(proof)?;
    // The key is in the JWS header; older drafts put it in the payload.
    let key = if let Some(jwk) = header.jwk {
        device_key(&jwk)?
    } else {
        let claims = jsonwebtoken::dangerous::insecure_decode_claims::<Claims>(proof)
            .map_err(|_| ProofError::Malformed)?;
        device_key(&claims.jwk.ok_or(ProofError::NoKey)?)?
    };
    let challenge = verified(proof, &key)?;
    Ok((challenge, key))
}

/// A refresh proof checked against the key the session registered: the
/// challenge it answers.
pub fn check_refresh(proof: &str, key: &DeviceKey) -> Result<String, ProofError> {
    checked_header(proof)?;
    verified(proof, key)
}

/// The header, when it says `dbsc+jwt` and ES256.
fn checked_header(proof: &str) -> Result<jsonwebtoken::Header, ProofError> {
    let header = jsonwebtoken::decode_header(proof).map_err(|_| ProofError::Malformed)?;
    if header.typ.as_deref() != Some(PROOF_TYPE) {
        return Err(ProofError::WrongType);
    }
    if header.alg != Algorithm::ES256 {
        return Err(ProofError::WrongAlgorithm);
    }
    Ok(header)
}

/// The challenge of a proof signed by `key`.
fn verified(proof: &str, key: &DeviceKey) -> Result<String, ProofError> {
    let decoding =
        DecodingKey::from_ec_components(&key.x, &key.y).map_err(|_| ProofError::NoKey)?;
    let mut validation = Validation::new(Algorithm::ES256);
    // A proof carries only `jti`: no expiry, audience or issuer. Its
    // challenge is single use and short-lived instead.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Claims>(proof, &decoding, &validation).map_err(|err| {
        match err.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => ProofError::WrongKey,
            _ => ProofError::Malformed,
        }
    })?;
    let challenge = claims.claims.jti;
    if challenge.is_empty() {
        return Err(ProofError::Malformed);
    }
    Ok(challenge)
}

/// The P-256 key of a JWK; anything else is no key of ours.
fn device_key(jwk: &Jwk) -> Result<DeviceKey, ProofError> {
    let AlgorithmParameters::EllipticCurve(params) = &jwk.algorithm else {
        return Err(ProofError::NoKey);
    };
    if params.curve != EllipticCurve::P256 {
        return Err(ProofError::NoKey);
    }
    let key = DeviceKey {
        x: params.x.clone(),
        y: params.y.clone(),
    };
    // A point that does not decode is no key.
    DecodingKey::from_ec_components(&key.x, &key.y).map_err(|_| ProofError::NoKey)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    use super::*;
    use testkit::TestDevice as Device;

    #[test]
    fn a_registration_proof_gives_its_challenge_and_key() {
        let device = Device::new();

        let (challenge, key) = check_registration(&device.registration("c1")).unwrap();

        assert_eq!(challenge, "c1");
        assert_eq!(check_refresh(&device.refresh("c2"), &key), Ok("c2".into()));
    }

    #[test]
    fn a_key_in_the_payload_as_older_drafts_put_it_is_taken_too() {
        let device = Device::new();
        let proof = device.sign(
            PROOF_TYPE,
            false,
            &json!({"jti": "c1", "jwk": device.jwk()}),
        );

        let (challenge, _) = check_registration(&proof).unwrap();

        assert_eq!(challenge, "c1");
    }

    #[test]
    fn a_proof_of_another_type_or_algorithm_is_refused() {
        let device = Device::new();
        let jwt = device.sign("JWT", true, &json!({"jti": "c1"}));
        let hs256 = jsonwebtoken::encode(
            &Header {
                typ: Some(PROOF_TYPE.into()),
                ..Header::new(Algorithm::HS256)
            },
            &json!({"jti": "c1"}),
            &EncodingKey::from_secret(b"not a device").unwrap(),
        )
        .unwrap();

        assert_eq!(check_registration(&jwt), Err(ProofError::WrongType));
        assert_eq!(check_registration(&hs256), Err(ProofError::WrongAlgorithm));
        assert_eq!(check_registration("not.a.jws"), Err(ProofError::Malformed));
        assert_eq!(check_registration(""), Err(ProofError::Malformed));
    }

    #[test]
    fn a_registration_without_a_key_or_without_a_challenge_is_refused() {
        let device = Device::new();

        let keyless = device.refresh("c1");
        let empty = device.sign(PROOF_TYPE, true, &json!({"jti": ""}));
        let none = device.sign(PROOF_TYPE, true, &json!({"sub": "c1"}));

        assert_eq!(check_registration(&keyless), Err(ProofError::NoKey));
        assert_eq!(check_registration(&empty), Err(ProofError::Malformed));
        assert_eq!(check_registration(&none), Err(ProofError::Malformed));
    }

    #[test]
    fn a_registration_signed_by_another_key_than_it_names_is_refused() {
        let device = Device::new();
        let other = Device::new();
        let forged = other.registration_naming(&device, "c1");

        assert_eq!(check_registration(&forged), Err(ProofError::WrongKey));
    }

    #[test]
    fn a_refresh_signed_by_another_device_is_told_apart_from_a_malformed_one() {
        let device = Device::new();
        let thief = Device::new();
        let (_, key) = check_registration(&device.registration("c1")).unwrap();

        assert_eq!(
            check_refresh(&thief.refresh("c2"), &key),
            Err(ProofError::WrongKey)
        );
        assert_eq!(check_refresh("a.b.c", &key), Err(ProofError::Malformed));
    }
}
