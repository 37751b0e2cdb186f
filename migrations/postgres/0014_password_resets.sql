-- Links to choose a new password, sent by mail: BLAKE3 of the token only.
-- Single use (the row goes when used); a newer link, a password change and
-- a sign-in end the user's links too.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
CREATE INDEX password_resets_expiry_idx ON password_resets (expires_at);
