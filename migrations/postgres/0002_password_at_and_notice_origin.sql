-- When the session's user last entered their password: at sign-in (NULL,
-- read as created_at) or when confirming it for a sensitive action.
ALTER TABLE sessions ADD COLUMN password_at BIGINT NULL;

-- Which session caused a notice (it is shown to the user's other sessions,
-- not to the one that did it) and what it is about (a device, a token name).
ALTER TABLE security_notices ADD COLUMN origin_session_id TEXT NULL;
ALTER TABLE security_notices ADD COLUMN detail TEXT NULL;
