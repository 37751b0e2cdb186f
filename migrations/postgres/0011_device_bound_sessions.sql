-- Device Bound Session Credentials: the key a browser keeps on its device,
-- registered for its session. While a session has one, its cookie is
-- short-lived and renewed only against a proof signed by that key.
ALTER TABLE sessions ADD COLUMN device_key TEXT NULL;
-- BLAKE3 of the identifier the browser names the session by in its
-- refreshes: a secret of its own, never the session's public id.
ALTER TABLE sessions ADD COLUMN device_id_hash TEXT NULL;
ALTER TABLE sessions ADD COLUMN bound_at BIGINT NULL;
-- Until when a bound session's current cookie works.
ALTER TABLE sessions ADD COLUMN cookie_expires_at BIGINT NULL;
CREATE UNIQUE INDEX sessions_device_id_idx ON sessions (device_id_hash);

-- Challenges a device signs: to register its key (offered as a session
-- opens) or to renew its cookie. Single use: a used one is kept, with
-- `used_at`, until it expires, so that a replay is recognised as one.
CREATE TABLE device_challenges (
    challenge_hash TEXT    PRIMARY KEY,
    session_id     TEXT    NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    purpose        TEXT    NOT NULL CHECK (purpose IN ('register', 'refresh')),
    expires_at     BIGINT  NOT NULL,
    used_at        BIGINT  NULL
);
CREATE INDEX device_challenges_session_idx ON device_challenges (session_id);
CREATE INDEX device_challenges_expiry_idx ON device_challenges (expires_at);
