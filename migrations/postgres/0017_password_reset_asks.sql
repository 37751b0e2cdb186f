-- Asks for a link to choose a new password, as they came in: every ask
-- writes one row, whatever the address, so the answer takes the same time
-- for an address that is a user's and one that is not. The courier turns
-- each into a link and its mail, or into nothing, and deletes it.
CREATE TABLE password_reset_asks (
    id         BIGSERIAL PRIMARY KEY,
    email      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
