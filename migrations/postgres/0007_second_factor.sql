-- A second factor: an authenticator app (TOTP) per user and their recovery
-- codes. The TOTP secret is kept as it is (base32), since checking a code
-- needs it; recovery codes only as BLAKE3 hashes keyed by the user.

CREATE TABLE totp_factors (
    user_id      TEXT   PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    -- NULL while being set up: it counts once a code from it is confirmed.
    confirmed_at BIGINT NULL,
    -- The last 30-second step whose code was accepted: a code counts once,
    -- and an older one never again.
    last_step    BIGINT NULL
);

CREATE TABLE recovery_codes (
    user_id   TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    used_at   BIGINT NULL,
    PRIMARY KEY (user_id, code_hash)
);
