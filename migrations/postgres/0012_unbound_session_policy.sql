-- The owner's shorter limits for sessions not bound to their device (a
-- browser without Device Bound Session Credentials), in minutes; both NULL
-- = the same as the account's policy. A session gets them at sign-in and
-- the account's policy once its browser binds it.
ALTER TABLE accounts ADD COLUMN unbound_idle_timeout_min BIGINT NULL
    CHECK (unbound_idle_timeout_min BETWEEN 5 AND 1440);
ALTER TABLE accounts ADD COLUMN unbound_absolute_timeout_min BIGINT NULL
    CHECK (unbound_absolute_timeout_min BETWEEN 15 AND 43200);
