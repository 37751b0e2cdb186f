-- When the session's user last entered their password: at sign-in (NULL,
-- read as created_at) or when confirming it for a sensitive action.
ALTER TABLE sessions ADD COLUMN password_at BIGINT NULL;
