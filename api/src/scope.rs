//! What an API token may call: everything, only the methods that read, or
//! a chosen list. Chosen when the token is created, checked on every call.

use serde::{Deserialize, Serialize};

use crate::InputError;
use crate::rpc::Method;

/// An API token's scope.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Every method the token's user may call.
    #[default]
    Full,
    /// Only the methods that read: `account_verify` and the lists.
    ReadOnly,
    /// Only these methods (at least one).
    Methods(#[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))] Vec<Method>),
}

impl TokenScope {
    /// Whether a token of this scope may call `method`.
    pub fn allows(&self, method: Method) -> bool {
        match self {
            TokenScope::Full => true,
            TokenScope::ReadOnly => method.only_reads(),
            TokenScope::Methods(methods) => methods.contains(&method),
        }
    }

    /// The scope as it is checked and stored: a method list holds each
    /// method once, in the order of [`Method::ALL`], and is never empty.
    pub fn normalized(self) -> Result<Self, InputError> {
        let TokenScope::Methods(chosen) = self else {
            return Ok(self);
        };
        let methods: Vec<Method> = Method::ALL
            .into_iter()
            .filter(|method| chosen.contains(method))
            .collect();
        if methods.is_empty() {
            return Err(InputError {
                field: "scope",
                message: "Choose at least one method.".into(),
            });
        }
        Ok(TokenScope::Methods(methods))
    }

    /// How people read it: "full access", "read-only", or the methods.
    pub fn label(&self) -> String {
        match self {
            TokenScope::Full => "full access".into(),
            TokenScope::ReadOnly => "read-only".into(),
            TokenScope::Methods(methods) => {
                let names: Vec<&str> = methods.iter().map(|method| method.name()).collect();
                format!("only {}", names.join(", "))
            }
        }
    }

    /// The scope as one line of text: `full`, `read_only`, or `methods:`
    /// and comma-separated names. The column holds it, and the page's form
    /// sends it.
    pub fn encode(&self) -> String {
        match self {
            TokenScope::Full => "full".into(),
            TokenScope::ReadOnly => "read_only".into(),
            TokenScope::Methods(methods) => {
                let names: Vec<&str> = methods.iter().map(|method| method.name()).collect();
                format!("methods:{}", names.join(","))
            }
        }
    }

    /// Reads text written by [`TokenScope::encode`].
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let unknown = |what: &str| InputError {
            field: "scope",
            message: format!("There is no method {what}."),
        };
        match raw {
            "full" => Ok(TokenScope::Full),
            "read_only" => Ok(TokenScope::ReadOnly),
            _ => {
                let Some(names) = raw.strip_prefix("methods:") else {
                    return Err(InputError {
                        field: "scope",
                        message: "Choose full access, read-only, or a list of methods.".into(),
                    });
                };
                let methods = names
                    .split(',')
                    .filter(|name| !name.is_empty())
                    .map(|name| Method::parse(name).ok_or_else(|| unknown(name)))
                    .collect::<Result<Vec<_>, _>>()?;
                TokenScope::Methods(methods).normalized()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn read_only_allows_verify_and_the_lists_and_nothing_that_changes() {
        let scope = TokenScope::ReadOnly;
        assert!(scope.allows(Method::Verify));
        assert!(scope.allows(Method::SessionList));
        assert!(scope.allows(Method::AuditList));
        assert!(!scope.allows(Method::SessionRevoke));
        assert!(!scope.allows(Method::MemberRemove));
        assert!(!scope.allows(Method::PolicySet));
    }

    #[test]
    fn a_method_list_allows_only_its_methods() {
        let scope = TokenScope::Methods(vec![Method::SessionList, Method::SessionRevoke]);
        assert!(scope.allows(Method::SessionRevoke));
        assert!(!scope.allows(Method::Verify));
        assert!(TokenScope::Full.allows(Method::MemberRemove));
    }

    #[test]
    fn a_method_list_is_deduplicated_ordered_and_never_empty() {
        let chosen =
            TokenScope::Methods(vec![Method::TokenList, Method::Verify, Method::TokenList]);
        assert_eq!(
            chosen.normalized().unwrap(),
            TokenScope::Methods(vec![Method::Verify, Method::TokenList])
        );
        let empty = TokenScope::Methods(Vec::new()).normalized().unwrap_err();
        assert_eq!(empty.field, "scope");
    }

    #[test]
    fn scopes_travel_as_names_in_json() {
        assert_eq!(
            serde_json::to_value(TokenScope::ReadOnly).unwrap(),
            json!("read_only")
        );
        let listed: TokenScope =
            serde_json::from_value(json!({"methods": ["account_session_list"]})).unwrap();
        assert_eq!(listed, TokenScope::Methods(vec![Method::SessionList]));
        assert!(serde_json::from_value::<TokenScope>(json!({"methods": ["drop_tables"]})).is_err());
    }

    #[test]
    fn encoded_scopes_read_back_and_garbage_does_not() {
        for scope in [
            TokenScope::Full,
            TokenScope::ReadOnly,
            TokenScope::Methods(vec![Method::Verify, Method::AuditList]),
        ] {
            assert_eq!(TokenScope::parse(&scope.encode()), Ok(scope));
        }
        assert_eq!(
            TokenScope::parse("methods:").unwrap_err().message,
            "Choose at least one method."
        );
        assert!(TokenScope::parse("methods:drop_tables").is_err());
        assert!(TokenScope::parse("admin").is_err());
    }
}
