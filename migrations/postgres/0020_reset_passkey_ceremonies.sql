-- A passkey may confirm choosing a new password through a link from the
-- mail: ceremonies get that purpose.
ALTER TABLE passkey_ceremonies DROP CONSTRAINT passkey_ceremonies_purpose_check;
ALTER TABLE passkey_ceremonies ADD CONSTRAINT passkey_ceremonies_purpose_check
    CHECK (purpose IN ('register', 'sign_in', 'second_factor', 'confirm', 'password_reset'));
