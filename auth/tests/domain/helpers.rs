use api::{LoginRequest, Password, SignupRequest};
use auth::testing::TestAuth;
use auth::{ClientMeta, NewSession, SessionSettings};

pub const PASSWORD: &str = "a long enough password";

pub async fn test_auth() -> TestAuth {
    TestAuth::new(SessionSettings::default()).await
}

pub fn signup_request(email: &str) -> SignupRequest {
    SignupRequest {
        account_name: "Acme".into(),
        name: "Ada Lovelace".into(),
        email: email.into(),
        password: Password::new(PASSWORD.into()),
    }
}

pub fn login_request(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.into(),
        password: Password::new(password.into()),
    }
}

pub fn meta() -> ClientMeta {
    ClientMeta::new(
        Some("127.0.0.1".into()),
        Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"),
    )
}

pub async fn signed_up(t: &TestAuth, email: &str) -> NewSession {
    t.auth
        .signup(signup_request(email), meta())
        .await
        .expect("signup")
}
