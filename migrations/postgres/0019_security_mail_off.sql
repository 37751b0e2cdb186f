-- The kinds of security mail each user turned off: one row per (user,
-- kind), none while every kind is mailed. The notice in the page is told
-- whatever is here, and a row for a kind that protects the account (see
-- `NoticeKind::may_turn_off_mail`) changes nothing: that mail is always
-- sent.
CREATE TABLE security_mail_off (
    user_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL CHECK (kind <> ''),
    turned_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, kind)
);
