-- Latchkey schema (PostgreSQL). Keep in step with ../sqlite/0001_initial.sql:
-- the same tables, columns, constraints and indexes.
-- Times are milliseconds since the Unix epoch; secrets are stored only as
-- BLAKE3 hex hashes (tokens) or argon2id PHC strings (passwords).

CREATE TABLE accounts (
    id                   TEXT   PRIMARY KEY,
    name                 TEXT   NOT NULL,
    -- Per-account policy override in minutes; both NULL = system default.
    idle_timeout_min     BIGINT NULL,
    absolute_timeout_min BIGINT NULL,
    created_at           BIGINT NOT NULL,
    CONSTRAINT accounts_policy_check CHECK (
        (idle_timeout_min IS NULL AND absolute_timeout_min IS NULL)
        OR (
            -- spelled out: a CHECK that evaluates to NULL would pass
            idle_timeout_min IS NOT NULL AND absolute_timeout_min IS NOT NULL
            AND idle_timeout_min BETWEEN 5 AND 1440
            AND absolute_timeout_min BETWEEN 15 AND 43200
            AND idle_timeout_min <= absolute_timeout_min
        )
    )
);

CREATE TABLE users (
    id            TEXT   PRIMARY KEY,
    account_id    TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role          TEXT   NOT NULL CHECK (role IN ('owner', 'member')),
    name          TEXT   NOT NULL,
    email         TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    last_login_at BIGINT NULL
);
CREATE INDEX users_account_idx ON users (account_id);
CREATE UNIQUE INDEX users_one_owner_per_account ON users (account_id) WHERE role = 'owner';

CREATE TABLE sessions (
    session_id          TEXT   PRIMARY KEY,
    user_id             TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash          TEXT   NOT NULL UNIQUE,
    previous_token_hash TEXT   NULL,
    rotated_at          BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    idle_timeout_ms     BIGINT NOT NULL CHECK (idle_timeout_ms > 0),
    absolute_timeout_ms BIGINT NOT NULL CHECK (absolute_timeout_ms > 0),
    user_agent          TEXT   NULL,
    ip                  TEXT   NULL,
    revoked_at          BIGINT NULL,
    revoke_reason       TEXT   NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);
CREATE INDEX sessions_previous_token_idx ON sessions (previous_token_hash);

-- Every token a session has rotated out, kept until the session's absolute
-- end: presenting one after the grace period is taken as theft.
CREATE TABLE retired_session_tokens (
    token_hash TEXT    PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    retired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX retired_session_tokens_session_idx ON retired_session_tokens (session_id);
CREATE INDEX retired_session_tokens_expiry_idx ON retired_session_tokens (expires_at);

-- Who did what, from where. account_id is NULL for a failed sign-in with an
-- unknown email.
CREATE TABLE audit_events (
    id            TEXT    PRIMARY KEY,
    at            BIGINT NOT NULL,
    account_id    TEXT    NULL,
    actor_user_id TEXT    NULL,
    event         TEXT    NOT NULL,
    target        TEXT    NULL,
    ip            TEXT    NULL,
    user_agent    TEXT    NULL,
    detail        TEXT    NOT NULL
);
CREATE INDEX audit_events_account_idx ON audit_events (account_id, at);

-- Things a user must be told at their next sign-in, shown once.
CREATE TABLE security_notices (
    id      TEXT    PRIMARY KEY,
    user_id TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    at      BIGINT NOT NULL,
    seen_at BIGINT NULL
);
CREATE INDEX security_notices_user_idx ON security_notices (user_id, seen_at);

-- Personal API tokens for scripts, stored hashed; the secret is shown once.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NULL,
    expires_at   BIGINT NULL,
    revoked_at   BIGINT NULL
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);
