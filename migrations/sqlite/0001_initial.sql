-- Latchkey schema (SQLite). Keep in step with ../postgres/0001_initial.sql:
-- the same tables, columns, constraints and indexes.
-- Times are milliseconds since the Unix epoch; secrets are stored only as
-- BLAKE3 hex hashes (tokens) or argon2id PHC strings (passwords).

CREATE TABLE accounts (
    id                   TEXT    PRIMARY KEY,
    name                 TEXT    NOT NULL,
    -- Per-account policy override in minutes; both NULL = system default.
    idle_timeout_min     INTEGER NULL,
    absolute_timeout_min INTEGER NULL,
    created_at           INTEGER NOT NULL,
    CONSTRAINT accounts_policy_check CHECK (
        (idle_timeout_min IS NULL AND absolute_timeout_min IS NULL)
        OR (
            idle_timeout_min BETWEEN 5 AND 1440
            AND absolute_timeout_min BETWEEN 15 AND 43200
            AND idle_timeout_min <= absolute_timeout_min
        )
    )
);

CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'member')),
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER NULL
);
CREATE INDEX users_account_idx ON users (account_id);
CREATE UNIQUE INDEX users_one_owner_per_account ON users (account_id) WHERE role = 'owner';

CREATE TABLE sessions (
    session_id          TEXT    PRIMARY KEY,
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash          TEXT    NOT NULL UNIQUE,
    previous_token_hash TEXT    NULL,
    rotated_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    idle_timeout_ms     INTEGER NOT NULL CHECK (idle_timeout_ms > 0),
    absolute_timeout_ms INTEGER NOT NULL CHECK (absolute_timeout_ms > 0),
    user_agent          TEXT    NULL,
    ip                  TEXT    NULL,
    revoked_at          INTEGER NULL,
    revoke_reason       TEXT    NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);
CREATE INDEX sessions_previous_token_idx ON sessions (previous_token_hash);
