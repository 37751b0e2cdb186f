-- A second factor: an authenticator app (TOTP) per user and their recovery
-- codes. The TOTP secret is kept as it is (base32), since checking a code
-- needs it; recovery codes only as BLAKE3 hashes keyed by the user.

CREATE TABLE totp_factors (
    user_id      TEXT    PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    -- NULL while being set up: it counts once a code from it is confirmed.
    confirmed_at INTEGER NULL,
    -- The last 30-second step whose code was accepted: a code counts once,
    -- and an older one never again.
    last_step    INTEGER NULL
);

CREATE TABLE recovery_codes (
    user_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in waiting for its second factor: the password was right, and a
-- code turns this into a session. Not a session itself; used once, gone
-- after five minutes or a few wrong codes. Only the token's hash is kept.
CREATE TABLE sign_in_challenges (
    token_hash   TEXT    PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The password hash it was checked against: once the password changes,
    -- no session comes of it.
    checked_hash TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_user_idx ON sign_in_challenges (user_id);
CREATE INDEX sign_in_challenges_expiry_idx ON sign_in_challenges (expires_at);

-- How each session was signed in (see `api::SignInMethod`).
ALTER TABLE sessions ADD COLUMN signed_in_with TEXT NOT NULL DEFAULT 'password';
