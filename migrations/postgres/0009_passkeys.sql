-- Passkeys (WebAuthn): a user's registered credentials, and the ceremonies
-- between their two requests. A passkey is kept as webauthn-rs stores it
-- (its public key, algorithm and signature counter, as JSON): nothing in it
-- signs anyone in without the authenticator that holds the private key.

CREATE TABLE passkeys (
    id            TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The credential's id, base64url: unique across every user, as the
    -- WebAuthn specification asks.
    credential_id TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    passkey       TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT  NULL
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id);

-- A registration or sign-in started and not finished: the challenge sent
-- to the browser and what it must answer, kept for five minutes and taken
-- once. Only the hash of the token naming it is kept. No user for the
-- passkey-alone sign-in, whose user the passkey names.
CREATE TABLE passkey_ceremonies (
    token_hash TEXT    PRIMARY KEY,
    user_id    TEXT    NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL
        CHECK (purpose IN ('register', 'sign_in', 'second_factor', 'confirm')),
    state      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX passkey_ceremonies_expiry_idx ON passkey_ceremonies (expires_at);
