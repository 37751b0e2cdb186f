-- Verified addresses. `email_verified_at` is when the user's address was
-- shown to be theirs (a link from a mail to it used, or an invitation to
-- it accepted); NULL while it is not. Addresses already here count as
-- verified from this migration: an owner or the server's operator set
-- them, as they do for members added with a first password.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT NULL;
UPDATE users SET email_verified_at = CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT);

-- Links that verify an address, sent by mail to that address: the user's
-- own (after signing up), or the one they are changing to. BLAKE3 of the
-- token only. One pending link per user: a newer one deletes the older.
-- Used once (`used_at`); the clean-up deletes them once they run out.
CREATE TABLE email_verifications (
    token_hash TEXT    PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL CHECK (email <> ''),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT  NULL,
    CONSTRAINT email_verifications_expiry_check CHECK (expires_at > created_at)
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id);
CREATE INDEX email_verifications_expiry_idx ON email_verifications (expires_at);
