//! A device as a browser keeps one for Device Bound Session Credentials: a
//! fresh P-256 key pair that signs the proofs, as Chromium signs them. Said
//! here apart from the server's code, so the tests and the benchmarks check
//! the server against the protocol, not against itself.
#![allow(
    clippy::expect_used,
    reason = "a test device that cannot make or use its key cannot go on"
)]

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::EncodePrivateKey;
use serde_json::{Value, json};

/// The `typ` of every proof a browser signs.
const PROOF_TYPE: &str = "dbsc+jwt";

pub struct TestDevice {
    key: EncodingKey,
    jwk: Jwk,
}

impl TestDevice {
    pub fn new() -> Self {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("random bytes");
        let secret = p256::SecretKey::from_slice(&seed).expect("a P-256 scalar");
        let der = secret.to_pkcs8_der().expect("PKCS #8");
        let key = EncodingKey::from_ec_der(der.as_bytes());
        let jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).expect("a JWK of the key");
        Self { key, jwk }
    }

    /// The public key, as a JWK.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// A JWS of `claims` with header `typ`, carrying the public key in the
    /// header when `with_key`.
    pub fn sign(&self, typ: &str, with_key: bool, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some(typ.to_owned());
        if with_key {
            header.jwk = Some(self.jwk.clone());
        }
        jsonwebtoken::encode(&header, claims, &self.key).expect("a signed proof")
    }

    /// The proof a browser sends to register: the challenge, signed, with
    /// the key in the header.
    pub fn registration(&self, challenge: &str) -> String {
        self.sign(PROOF_TYPE, true, &json!({"jti": challenge}))
    }

    /// A registration proof signed by this key that names `other`'s: a
    /// forgery.
    pub fn registration_naming(&self, other: &TestDevice, challenge: &str) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some(PROOF_TYPE.to_owned());
        header.jwk = Some(other.jwk.clone());
        jsonwebtoken::encode(&header, &json!({"jti": challenge}), &self.key)
            .expect("a signed proof")
    }

    /// The proof a browser sends to refresh: the challenge, signed.
    pub fn refresh(&self, challenge: &str) -> String {
        self.sign(PROOF_TYPE, false, &json!({"jti": challenge}))
    }
}

impl Default for TestDevice {
    fn default() -> Self {
        Self::new()
    }
}
