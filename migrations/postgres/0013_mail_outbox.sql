-- Mail waiting to go out, written in the same transaction as the change
-- that causes it and sent by a worker. A worker claims a message until
-- `claimed_until` (a lease), so several instances never send one twice;
-- a failed try sets `due_at` later (backoff); after the last try the
-- message is `failed_at`. Once sent or failed its bodies are emptied: a
-- reset link in them must not outlive its use in the database.
CREATE TABLE mail_outbox (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    recipient     TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    text_body     TEXT    NOT NULL,
    html_body     TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    due_at        BIGINT  NOT NULL,
    claimed_until BIGINT  NULL,
    attempts      BIGINT  NOT NULL DEFAULT 0,
    last_error    TEXT    NULL,
    sent_at       BIGINT  NULL,
    failed_at     BIGINT  NULL
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (due_at) WHERE sent_at IS NULL AND failed_at IS NULL;

