-- The owner's "require a second factor" for an account: when it was turned
-- on, NULL while it is off (a time, not a BOOLEAN, which sqlx's `Any`
-- driver cannot decode).
ALTER TABLE accounts ADD COLUMN second_factor_required_at INTEGER NULL;

-- What a waiting sign-in needs next: 'code' from the user's second factor,
-- or 'setup' of one, for a user whose account requires it.
ALTER TABLE sign_in_challenges ADD COLUMN needs TEXT NOT NULL DEFAULT 'code'
    CHECK (needs IN ('code', 'setup'));
