-- A passkey may confirm choosing a new password through a link from the
-- mail: ceremonies get that purpose. SQLite changes a CHECK only by
-- building the table again; the ceremonies under way (five minutes at most)
-- are kept.
CREATE TABLE passkey_ceremonies_new (
    token_hash TEXT    PRIMARY KEY,
    user_id    TEXT    NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL
        CHECK (purpose IN ('register', 'sign_in', 'second_factor', 'confirm', 'password_reset')),
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO passkey_ceremonies_new
    SELECT token_hash, user_id, purpose, state, created_at, expires_at FROM passkey_ceremonies;
DROP TABLE passkey_ceremonies;
ALTER TABLE passkey_ceremonies_new RENAME TO passkey_ceremonies;
CREATE INDEX passkey_ceremonies_expiry_idx ON passkey_ceremonies (expires_at);
