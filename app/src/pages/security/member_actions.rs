//! What the owner can do to one member, each behind its own confirmation:
//! sign them out, make them an owner or a member, turn off the authenticator
//! app they lost, remove them from the team.
//! A refusal that wants the password again opens the password dialog and
//! retries after it.

use api::{ApiError, Role, UserId};
use leptos::prelude::*;

use super::Outcome;
use super::users::signed_out;
use crate::components::{Also, ConfirmModal, use_reauth};
use crate::server_fns::{
    remove_member, reset_member_second_factor, set_member_role, sign_out_member,
};

/// One of the things the owner can do to a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    SignOut,
    MakeOwner,
    MakeMember,
    /// Turn off the member's authenticator app (they lost it).
    TurnOffApp,
    Remove,
}

impl Act {
    pub fn button_text(self) -> &'static str {
        match self {
            Act::SignOut => "Sign out",
            Act::MakeOwner => "Make owner",
            Act::MakeMember => "Make member",
            Act::TurnOffApp => "Turn off two-step",
            Act::Remove => "Remove",
        }
    }

    /// The button's name for screen readers (and tests): who it acts on.
    pub fn button_label(self, name: &str) -> String {
        match self {
            Act::SignOut => format!("Sign out {name}"),
            Act::MakeOwner => format!("Make {name} an owner"),
            Act::MakeMember => format!("Make {name} a member"),
            Act::TurnOffApp => format!("Turn off two-step sign-in for {name}"),
            Act::Remove => format!("Remove {name}"),
        }
    }

    /// What confirming will do, in words.
    fn consequence(self, name: &str) -> String {
        match self {
            Act::SignOut => format!(
                "{name} will be signed out of every device at once. Their open pages leave at once."
            ),
            Act::MakeOwner => format!(
                "{name} will be able to change the session policy, sign people out, and add \
                 and remove members."
            ),
            Act::MakeMember => format!(
                "{name} will no longer be able to change the session policy or act on other \
                 people. Their open pages reload."
            ),
            Act::TurnOffApp => format!(
                "{name}'s authenticator app and recovery codes stop working: they sign in \
                 with their password alone until they set up a new app. Do this when they \
                 lost their phone and their codes."
            ),
            Act::Remove => format!(
                "{name} will be signed out everywhere, their API tokens will stop working, and \
                 they will no longer be able to sign in. The security log keeps what they did."
            ),
        }
    }
}

/// The member an action is for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    user_id: UserId,
    name: String,
}

/// One call: what, to whom, and (for signing out) with their API tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Call {
    act: Act,
    target: Target,
    tokens: bool,
}

/// The picked member and action, the open dialog, and the call.
#[derive(Clone, Copy)]
pub struct MemberActions {
    target: RwSignal<Option<Target>>,
    sign_out: RwSignal<bool>,
    make_owner: RwSignal<bool>,
    make_member: RwSignal<bool>,
    turn_off_app: RwSignal<bool>,
    remove: RwSignal<bool>,
    /// Whether signing out includes the member's API tokens.
    with_tokens: RwSignal<bool>,
    run: Action<Call, (Call, Result<String, ApiError>)>,
}

impl MemberActions {
    /// `outcome` shows what each call came to; `changed` runs after each
    /// success (to load the lists again).
    pub fn new(
        outcome: RwSignal<Option<Outcome>>,
        changed: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let run = Action::new(|call: &Call| {
            let call = call.clone();
            async move {
                let result = run_call(&call).await;
                (call, result)
            }
        });
        let actions = Self {
            target: RwSignal::new(None),
            sign_out: RwSignal::new(false),
            make_owner: RwSignal::new(false),
            make_member: RwSignal::new(false),
            turn_off_app: RwSignal::new(false),
            remove: RwSignal::new(false),
            with_tokens: RwSignal::new(false),
            run,
        };
        let reauth = use_reauth();
        Effect::new(move |_| {
            let Some((call, result)) = run.value().get() else {
                return;
            };
            match result {
                Ok(done) => {
                    outcome.set(Some(Outcome::Done(done)));
                    changed();
                }
                Err(err) => {
                    let again = move || {
                        run.dispatch(call.clone());
                    };
                    if !reauth.handles(&err, again) {
                        outcome.set(Some(Outcome::Failed(err.message)));
                    }
                }
            }
        });
        actions
    }

    /// Opens the confirmation of `act` on this member.
    pub fn pick(self, act: Act, user_id: UserId, name: String) {
        self.target.set(Some(Target { user_id, name }));
        self.with_tokens.set(false);
        self.dialog(act).set(true);
    }

    fn dialog(self, act: Act) -> RwSignal<bool> {
        match act {
            Act::SignOut => self.sign_out,
            Act::MakeOwner => self.make_owner,
            Act::MakeMember => self.make_member,
            Act::TurnOffApp => self.turn_off_app,
            Act::Remove => self.remove,
        }
    }

    fn confirm(self, act: Act) {
        if let Some(target) = self.target.get_untracked() {
            let tokens = self.with_tokens.get_untracked();
            self.run.dispatch(Call {
                act,
                target,
                tokens,
            });
        }
    }

    fn body(self, act: Act) -> Signal<String> {
        Signal::derive(move || {
            self.target.with(|target| {
                target
                    .as_ref()
                    .map(|target| act.consequence(&target.name))
                    .unwrap_or_default()
            })
        })
    }
}

/// Runs `act` and words what it came to.
async fn run_call(call: &Call) -> Result<String, ApiError> {
    let (user_id, name) = (call.target.user_id.clone(), &call.target.name);
    Ok(match call.act {
        Act::SignOut => {
            let ended = sign_out_member(user_id, call.tokens).await?;
            format!("{name}: {}", signed_out(ended.sessions, Some(ended.tokens)))
        }
        Act::MakeOwner => {
            set_member_role(user_id, Role::Owner).await?;
            format!("{name} is now an owner.")
        }
        Act::MakeMember => {
            set_member_role(user_id, Role::Member).await?;
            format!("{name} is now a member.")
        }
        Act::TurnOffApp => {
            let reset = reset_member_second_factor(user_id).await?;
            if reset.turned_off {
                format!("{name}'s two-step sign-in is off.")
            } else {
                format!("{name} had no authenticator app.")
            }
        }
        Act::Remove => {
            let ended = remove_member(user_id).await?;
            format!(
                "{name} was removed from the team. {}",
                signed_out(ended.sessions, Some(ended.tokens))
            )
        }
    })
}

/// The five confirmations; one opens at a time.
#[component]
pub fn MemberDialogs(actions: MemberActions) -> impl IntoView {
    let on = move |act: Act| Callback::new(move |()| actions.confirm(act));
    view! {
        <ConfirmModal
            open=actions.sign_out
            id="sign-out-member"
            title="Sign out this person?"
            body=actions.body(Act::SignOut)
            confirm_label="Sign them out"
            danger=true
            also=Also {
                id: "sign-out-member-tokens",
                label: "Also revoke their API tokens",
                checked: actions.with_tokens,
            }
            on_confirm=on(Act::SignOut)
        />
        <ConfirmModal
            open=actions.make_owner
            id="make-owner"
            title="Make this person an owner?"
            body=actions.body(Act::MakeOwner)
            confirm_label="Make owner"
            on_confirm=on(Act::MakeOwner)
        />
        <ConfirmModal
            open=actions.make_member
            id="make-member"
            title="Make this person a member?"
            body=actions.body(Act::MakeMember)
            confirm_label="Make member"
            on_confirm=on(Act::MakeMember)
        />
        <ConfirmModal
            open=actions.turn_off_app
            id="turn-off-member-app"
            title="Turn off this person's two-step sign-in?"
            body=actions.body(Act::TurnOffApp)
            confirm_label="Turn it off"
            danger=true
            on_confirm=on(Act::TurnOffApp)
        />
        <ConfirmModal
            open=actions.remove
            id="remove-member"
            title="Remove this person from the team?"
            body=actions.body(Act::Remove)
            confirm_label="Remove from team"
            danger=true
            on_confirm=on(Act::Remove)
        />
    }
}
