//! Runs decoded calls. Every outcome is a JSON-RPC response; nothing a
//! client sends can make this panic.

use api::rpc::{Call, Method, Request, Response, RpcError, decode};
use api::{
    ApiError, Count, NoticeAcknowledgeParams, PolicySet, PolicySetParams,
    SecondFactorPolicySetParams,
};
use auth::{Admitted, Auth, Caller, ClientMeta, PolicyChange, Via};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a request body is answered with.
#[derive(Debug)]
pub enum Answer {
    /// One response, and the HTTP status that goes with it.
    One(u16, Response),
    /// A batch's responses, in the order of its calls, notifications left
    /// out (HTTP 200).
    Batch(Vec<Response>),
    /// Nothing: a notification, or a batch of only notifications.
    Nothing,
}

/// Decodes and runs one request body: one call, or a batch whose calls run
/// one after the other, each authorized and limited on its own.
pub async fn answer(
    auth: &Auth,
    caller: Result<&Caller, ApiError>,
    meta: &ClientMeta,
    body: &[u8],
) -> Answer {
    match decode(body) {
        Err(refused) => Answer::One(
            refused.error.http_status(),
            Response::failure(refused.id, refused.error),
        ),
        Ok(Request::One(call)) => match run(auth, caller, meta, call).await {
            Some((status, response)) => Answer::One(status, response),
            None => Answer::Nothing,
        },
        Ok(Request::Batch(calls)) => {
            let mut responses = Vec::with_capacity(calls.len());
            for call in calls {
                let response = match call {
                    Ok(call) => run(auth, caller.clone(), meta, call)
                        .await
                        .map(|(_, response)| response),
                    Err(refused) => Some(Response::failure(refused.id, refused.error)),
                };
                responses.extend(response);
            }
            if responses.is_empty() {
                Answer::Nothing
            } else {
                Answer::Batch(responses)
            }
        }
    }
}

/// Runs one call, once the gate has let its caller through for its
/// method. `None` for a notification (a call without an id), which gets no
/// answer; otherwise the HTTP status and the response.
async fn run(
    auth: &Auth,
    caller: Result<&Caller, ApiError>,
    meta: &ClientMeta,
    call: Call,
) -> Option<(u16, Response)> {
    let outcome = match caller {
        Ok(caller) => match auth.admit(caller, call.method, Via::Api).await {
            Ok(admitted) => dispatch(&admitted, meta, call.method, call.params).await,
            Err(refused) => Err(refused.into()),
        },
        Err(refusal) => Err(refusal),
    };
    let id = call.id?;
    Some(match outcome {
        Ok(result) => (200, Response::success(id, result)),
        Err(error) => {
            let error = RpcError::from_api(error);
            (error.http_status(), Response::failure(id, error))
        }
    })
}

/// Runs one account action for a caller the gate let through for it,
/// handing the action the proofs it takes. One arm per method, and no
/// other: a new method does not compile until it has one.
#[allow(clippy::too_many_lines, reason = "one short arm per method")]
async fn dispatch(
    admitted: &Admitted<'_>,
    meta: &ClientMeta,
    method: Method,
    params: Value,
) -> Result<Value, ApiError> {
    let user = admitted.user();
    match method {
        Method::Verify => to_json(user.verify()),
        Method::SessionList => to_json(user.list_sessions().await?),
        Method::SessionRevoke => to_json(user.revoke_session(params_of(params)?, meta).await?),
        Method::SessionRevokeAll => {
            to_json(user.revoke_all_sessions(params_of(params)?, meta).await?)
        }
        Method::TokenCreate => {
            let fresh = admitted.fresh()?;
            to_json(user.create_token(&fresh, params_of(params)?, meta).await?)
        }
        Method::TokenList => to_json(user.list_tokens().await?),
        Method::TokenRevoke => to_json(user.revoke_token(params_of(params)?, meta).await?),
        Method::SecurityGet => to_json(admitted.owner()?.security_overview().await?),
        Method::PolicyGet => to_json(user.policy().await?),
        Method::PolicySet => {
            let params: PolicySetParams = params_of(params)?;
            let change = PolicyChange::try_from(&params)?;
            let update = admitted
                .owner()?
                .set_policy(
                    &admitted.confirmed()?,
                    change,
                    params.applies_to,
                    params.apply_to_live_sessions,
                    meta,
                )
                .await?;
            to_json(PolicySet::from(update))
        }
        Method::SessionsRevoke => to_json(
            admitted
                .owner()?
                .revoke_account_sessions(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::PasswordConfirm => {
            let session = admitted.session()?;
            to_json(
                user.confirm_password(&session, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::PasswordChange => {
            let session = admitted.session()?;
            to_json(
                user.change_password(&session, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::MemberAdd => to_json(
            admitted
                .owner()?
                .add_member(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::MemberList => to_json(admitted.owner()?.list_members().await?),
        Method::MemberSignOut => to_json(
            admitted
                .owner()?
                .sign_out_member(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::MemberRemove => to_json(
            admitted
                .owner()?
                .remove_member(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::MemberRoleSet => to_json(
            admitted
                .owner()?
                .set_member_role(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::AuditList => to_json(user.security_log(params_of(params)?).await?),
        Method::NoticeList => to_json(user.security_notices(&admitted.session()?).await?),
        Method::NoticeAcknowledge => {
            let params: NoticeAcknowledgeParams = params_of(params)?;
            let count = user
                .acknowledge_security_notices(&admitted.session()?, &params.ids)
                .await?;
            to_json(Count { count })
        }
        Method::SecondFactorGet => to_json(user.second_factor().await?),
        Method::TotpSetupStart => to_json(user.start_totp_setup(&admitted.fresh()?).await?),
        Method::TotpSetupConfirm => {
            let fresh = admitted.fresh()?;
            to_json(
                user.confirm_totp_setup(&fresh, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::TotpTurnOff => {
            let session = admitted.session()?;
            to_json(
                user.turn_off_totp(&session, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::MemberSecondFactorReset => to_json(
            admitted
                .owner()?
                .reset_member_second_factor(&admitted.fresh()?, params_of(params)?, meta)
                .await?,
        ),
        Method::SecondFactorPolicySet => {
            let params: SecondFactorPolicySetParams = params_of(params)?;
            to_json(
                admitted
                    .owner()?
                    .set_second_factor_required(&admitted.fresh()?, params.required, meta)
                    .await?,
            )
        }
        Method::RecoveryCodesRenew => {
            to_json(user.renew_recovery_codes(&admitted.fresh()?, meta).await?)
        }
        Method::PasskeyList => to_json(user.list_passkeys().await?),
        Method::PasskeyRegisterStart => {
            to_json(user.start_passkey_registration(&admitted.fresh()?).await?)
        }
        Method::PasskeyRegisterFinish => {
            let fresh = admitted.fresh()?;
            to_json(
                user.finish_passkey_registration(&fresh, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::PasskeyRemove => {
            let fresh = admitted.fresh()?;
            to_json(
                user.remove_passkey(&fresh, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::MemberInvite => to_json(
            admitted
                .owner()?
                .invite_member(&admitted.confirmed()?, params_of(params)?, meta)
                .await?,
        ),
        Method::InvitationList => to_json(admitted.owner()?.list_invitations().await?),
        Method::InvitationRevoke => to_json(
            admitted
                .owner()?
                .revoke_invitation(params_of(params)?, meta)
                .await?,
        ),
        Method::EmailGet => to_json(user.email_status().await?),
        Method::EmailVerificationSend => {
            to_json(user.send_verification_again(&admitted.session()?).await?)
        }
        Method::EmailChange => {
            let session = admitted.session()?;
            to_json(
                user.change_email(&session, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::SecurityMailGet => to_json(user.security_mail().await?),
        Method::SecurityMailSet => {
            let session = admitted.session()?;
            to_json(
                user.set_security_mail(&session, params_of(params)?, meta)
                    .await?,
            )
        }
        Method::PasskeyConfirmStart => to_json(
            user.start_passkey_confirmation(&admitted.session()?)
                .await?,
        ),
    }
}

fn params_of<T: DeserializeOwned>(params: Value) -> Result<T, ApiError> {
    serde_json::from_value(params)
        .map_err(|err| ApiError::invalid_params(format!("The params are not right: {err}.")))
}

fn to_json<T: Serialize>(value: T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|err| {
        tracing::error!(%err, "could not encode an RPC result");
        ApiError::internal()
    })
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use api::rpc::Method;
    use api::{ErrorCode, Password, SignupRequest};
    use auth::testing::TestAuth;
    use auth::{Access, SessionSettings};
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::*;

    /// One database, runtime and signed-in caller for every case.
    struct Fixture {
        runtime: tokio::runtime::Runtime,
        test: TestAuth,
        caller: Caller,
    }

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let (test, caller) = runtime.block_on(async {
                let test = TestAuth::new(SessionSettings::default()).await;
                let request = SignupRequest {
                    account_name: "Fuzz".into(),
                    name: "Fuzz".into(),
                    email: "fuzz@example.com".into(),
                    password: Password::new("a long enough password".into()),
                };
                let session = test
                    .auth
                    .signup(request, ClientMeta::default())
                    .await
                    .unwrap();
                let resolved = test
                    .auth
                    .authenticate(&session.token, Access::Api, &ClientMeta::default())
                    .await
                    .unwrap();
                (test, resolved.caller)
            });
            Fixture {
                runtime,
                test,
                caller,
            }
        })
    }

    /// Runs a body and checks the answer is well-formed JSON-RPC.
    fn check(body: &[u8]) -> Result<(), TestCaseError> {
        let f = fixture();
        let answered = f.runtime.block_on(answer(
            &f.test.auth,
            Ok(&f.caller),
            &ClientMeta::default(),
            body,
        ));
        let (status, response) = match answered {
            Answer::One(status, response) => (status, response),
            Answer::Batch(responses) => {
                prop_assert!(matches!(decode(body), Ok(Request::Batch(_))));
                for response in &responses {
                    prop_assert!(response.result.is_some() != response.error.is_some());
                }
                return Ok(());
            }
            Answer::Nothing => {
                // Only well-formed requests without an id go unanswered.
                let request = decode(body);
                prop_assert!(
                    matches!(request, Ok(Request::One(ref call)) if call.id.is_none())
                        || matches!(request, Ok(Request::Batch(ref calls))
                            if calls.iter().all(|c| matches!(c, Ok(call) if call.id.is_none())))
                );
                return Ok(());
            }
        };
        prop_assert_eq!(response.jsonrpc.as_str(), "2.0");
        prop_assert!(response.result.is_some() != response.error.is_some());
        if let Some(error) = &response.error {
            prop_assert!(ErrorCode::ALL.contains(&error.data.code));
            prop_assert!(error.code < -32_000);
            prop_assert!(status >= 400);
            prop_assert!(!error.message.is_empty());
        } else {
            prop_assert_eq!(status, 200);
        }
        Ok(())
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::String),
            "[0-9a-f]{32}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        ".{0,12}",
                        Just("session_id".to_owned()),
                        Just("token_id".to_owned()),
                        Just("scope".to_owned()),
                        Just("preset".to_owned()),
                        Just("name".to_owned()),
                        Just("idle_minutes".to_owned()),
                        Just("absolute_minutes".to_owned()),
                    ],
                    inner,
                    0..6
                )
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    fn any_method() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(Method::ALL.to_vec()).prop_map(|m| m.name().to_owned()),
            ".{0,30}",
        ]
    }

    // `make fuzz` runs these (`fuzz_` in the name) with many more cases;
    // PROPTEST_CASES sets how many, 256 by default.
    proptest! {
        #[test]
        fn fuzz_rpc_arbitrary_bytes_never_panic_and_get_a_json_rpc_answer(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            check(&bytes)?;
        }

        #[test]
        fn fuzz_rpc_arbitrary_json_never_panics_and_gets_a_json_rpc_answer(value in any_json()) {
            check(value.to_string().as_bytes())?;
        }

        #[test]
        fn fuzz_rpc_requests_with_arbitrary_methods_and_params_get_a_json_rpc_answer(
            method in any_method(),
            params in any_json(),
            id in prop_oneof![Just(json!(1)), Just(Value::Null), ".{0,8}".prop_map(Value::String)],
        ) {
            let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
            check(request.to_string().as_bytes())?;
        }
    }
}
