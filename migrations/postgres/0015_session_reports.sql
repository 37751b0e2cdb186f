-- "This wasn't me": the link in the mail about a sign-in from a new device,
-- which ends that session. BLAKE3 of the token only; single use (the row
-- goes when used). The session is not a foreign key: the link still leads
-- to choosing a new password once the session has ended by itself.
CREATE TABLE session_reports (
    token_hash TEXT    PRIMARY KEY,
    session_id TEXT    NOT NULL,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX session_reports_user_idx ON session_reports (user_id);
CREATE INDEX session_reports_expiry_idx ON session_reports (expires_at);
