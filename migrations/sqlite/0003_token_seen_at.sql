-- When the session's current token was first presented. NULL after a
-- rotation until the browser comes back with the new token: until then the
-- previous token keeps working (its response may have been lost), and its
-- grace runs from this moment, not from the rotation.
ALTER TABLE sessions ADD COLUMN token_seen_at INTEGER NULL;
UPDATE sessions SET token_seen_at = rotated_at;
