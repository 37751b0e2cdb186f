-- Since when the user must choose a new password at their next sign-in:
-- set when the server's operator reset it (`latchkey users
-- reset-password`), NULL once the password is one of their own (a time,
-- not a BOOLEAN, which sqlx's `Any` driver cannot decode).
ALTER TABLE users ADD COLUMN password_must_change_at INTEGER NULL;

-- A waiting sign-in may also need 'new_password': a password of the user's
-- own, after the operator's reset. SQLite cannot change a CHECK in place,
-- so the table is made again with it; its rows are kept.
CREATE TABLE sign_in_challenges_next (
    token_hash   TEXT    PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The password hash it was checked against: once the password changes,
    -- no session comes of it.
    checked_hash TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    needs        TEXT    NOT NULL DEFAULT 'code'
        CHECK (needs IN ('code', 'setup', 'new_password'))
);
INSERT INTO sign_in_challenges_next
    (token_hash, user_id, checked_hash, created_at, expires_at, failures, needs)
    SELECT token_hash, user_id, checked_hash, created_at, expires_at, failures, needs
    FROM sign_in_challenges;
DROP TABLE sign_in_challenges;
ALTER TABLE sign_in_challenges_next RENAME TO sign_in_challenges;
CREATE INDEX sign_in_challenges_user_idx ON sign_in_challenges (user_id);
CREATE INDEX sign_in_challenges_expiry_idx ON sign_in_challenges (expires_at);
