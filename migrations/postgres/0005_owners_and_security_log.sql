-- An account may have several owners. It always keeps one: the service
-- checks that, under a lock on the account's row, before a role change or
-- a removal.
DROP INDEX users_one_owner_per_account;

-- The security log is read newest first, a page at a time (keyset on
-- at, id), for an account, optionally of one kind or about one user.
DROP INDEX audit_events_account_idx;
CREATE INDEX audit_events_account_at_idx ON audit_events (account_id, at, id);
CREATE INDEX audit_events_account_kind_idx ON audit_events (account_id, event, at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, at, id);
CREATE INDEX audit_events_target_idx ON audit_events (target, at, id);
