-- Invitations to join an account, sent by mail: BLAKE3 of the link's token
-- only. One pending invitation per address in an account (inviting again
-- replaces it); the row goes when the link is used or revoked, so a used,
-- revoked and unknown link look alike, and an expired one is refused by
-- its time.
CREATE TABLE invitations (
    id         TEXT    PRIMARY KEY CHECK (length(id) = 32),
    token_hash TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL CHECK (email <> ''),
    invited_by TEXT    NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    CONSTRAINT invitations_expiry_check CHECK (expires_at > created_at),
    CONSTRAINT invitations_one_per_address UNIQUE (account_id, email)
);
CREATE INDEX invitations_expiry_idx ON invitations (expires_at);
