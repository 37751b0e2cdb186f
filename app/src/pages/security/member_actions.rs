//! What the owner can do to one member, each behind the page's
//! confirmation: sign them out, make them an owner or a member, turn off
//! the authenticator app they lost, remove them from the team.

use api::{ApiError, Role, UserId};
use leptos::prelude::*;

use super::users::signed_out;
use crate::components::{Confirm, Outcome, Question, Task, use_confirm, use_task};
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

    /// What the confirmation asks before `act` on `name`.
    fn question(self, name: &str) -> Question {
        let (id, title, body, confirm) = match self {
            Act::SignOut => (
                "sign-out-member",
                "Sign out this person?",
                format!(
                    "{name} will be signed out of every device at once. Their open pages \
                     leave at once."
                ),
                "Sign them out",
            ),
            Act::MakeOwner => (
                "make-owner",
                "Make this person an owner?",
                format!(
                    "{name} will be able to change the session policy, sign people out, and \
                     add and remove members."
                ),
                "Make owner",
            ),
            Act::MakeMember => (
                "make-member",
                "Make this person a member?",
                format!(
                    "{name} will no longer be able to change the session policy or act on \
                     other people. Their open pages reload."
                ),
                "Make member",
            ),
            Act::TurnOffApp => (
                "turn-off-member-app",
                "Turn off this person's two-step sign-in?",
                format!(
                    "{name}'s authenticator app and recovery codes stop working: they sign \
                     in with their password alone until they set up a new app. Do this when \
                     they lost their phone and their codes."
                ),
                "Turn it off",
            ),
            Act::Remove => (
                "remove-member",
                "Remove this person from the team?",
                format!(
                    "{name} will be signed out everywhere, their API tokens will stop \
                     working, and they will no longer be able to sign in. The security log \
                     keeps what they did."
                ),
                "Remove from team",
            ),
        };
        let question = Question::new(id, title, confirm, body);
        match self {
            Act::SignOut => question.dangerous().also("Also revoke their API tokens"),
            Act::TurnOffApp | Act::Remove => question.dangerous(),
            Act::MakeOwner | Act::MakeMember => question,
        }
    }
}

/// One call: what, to whom, and (for signing out) with their API tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Call {
    act: Act,
    user_id: UserId,
    name: String,
    tokens: bool,
}

/// The owner's actions on members, each confirmed first.
#[derive(Clone, Copy)]
pub struct MemberActions {
    task: Task<Call, String>,
    confirm: Confirm,
}

impl MemberActions {
    /// `outcome` shows what each call came to; `changed` runs after each
    /// success (to load the lists again).
    pub fn new(
        outcome: RwSignal<Option<Outcome>>,
        changed: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        let task = use_task(
            outcome,
            |call: Call| async move { run_call(&call).await },
            move |_, done| {
                changed();
                Some(done)
            },
        );
        Self {
            task,
            confirm: use_confirm(),
        }
    }

    /// Asks to confirm `act` on this member, then does it.
    pub fn pick(self, act: Act, user_id: UserId, name: String) {
        let question = act.question(&name);
        self.confirm.ask(question, move |tokens| {
            self.task.run(Call {
                act,
                user_id: user_id.clone(),
                name: name.clone(),
                tokens,
            });
        });
    }
}

/// Runs `act` and words what it came to.
async fn run_call(call: &Call) -> Result<String, ApiError> {
    let (user_id, name) = (call.user_id.clone(), &call.name);
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
