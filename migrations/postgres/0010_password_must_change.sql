-- Since when the user must choose a new password at their next sign-in:
-- set when the server's operator reset it (`latchkey users
-- reset-password`), NULL once the password is one of their own (a time,
-- not a BOOLEAN, which sqlx's `Any` driver cannot decode).
ALTER TABLE users ADD COLUMN password_must_change_at BIGINT NULL;

-- A waiting sign-in may also need 'new_password': a password of the user's
-- own, after the operator's reset.
ALTER TABLE sign_in_challenges DROP CONSTRAINT sign_in_challenges_needs_check;
ALTER TABLE sign_in_challenges ADD CONSTRAINT sign_in_challenges_needs_check
    CHECK (needs IN ('code', 'setup', 'new_password'));
