-- What an API token may call: `full`, `read_only`, or `methods:` and a
-- comma-separated list of JSON-RPC method names (see `api::TokenScope`).
-- Tokens made before scopes existed keep full access.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
