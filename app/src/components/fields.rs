//! Form fields more than one form uses, so each rule (what the browser may
//! fill in, the password's length) is written once.

use leptos::prelude::*;

/// A labelled field: the label above whatever input `children` holds.
#[component]
pub fn Field(
    /// The id of the input the label names.
    #[prop(into)]
    input_id: String,
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=input_id>{label}</label>
            {children()}
        </div>
    }
}

/// Which password an input takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordKind {
    /// The one the user has now: the browser may fill in a saved password.
    Current,
    /// One being chosen: the browser may suggest one, and `api`'s length
    /// rules apply before the form is sent.
    New,
}

/// A password input for a plain form, submitted as `name`.
#[component]
pub fn PasswordInput(
    id: &'static str,
    name: &'static str,
    kind: PasswordKind,
    /// The id of a hint that describes the rules.
    #[prop(optional)]
    described_by: Option<&'static str>,
) -> impl IntoView {
    let new = kind == PasswordKind::New;
    view! {
        <input
            id=id
            name=name
            type="password"
            autocomplete=if new { "new-password" } else { "current-password" }
            minlength=new.then_some(api::PASSWORD_MIN_CHARS)
            maxlength=new.then_some(api::PASSWORD_MAX_CHARS)
            aria-describedby=described_by
            required
        />
    }
}

/// A required input bound to `value`, for a form the page sends itself.
#[component]
pub fn BoundInput(
    id: &'static str,
    value: RwSignal<String>,
    /// Its `type`.
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    view! {
        <input
            id=id
            type=kind
            inputmode=inputmode
            autocomplete=autocomplete
            maxlength=maxlength
            placeholder=placeholder
            required
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// A new password for an auth page's form, submitted as `name` (its id
/// too): its label, the input, and the hint `hint_id` that describes it.
#[component]
pub fn NewPasswordField(
    name: &'static str,
    label: &'static str,
    hint_id: &'static str,
    hint: String,
) -> impl IntoView {
    view! {
        <label for=name>{label}</label>
        <PasswordInput id=name name=name kind=PasswordKind::New described_by=hint_id />
        <p id=hint_id class="hint">
            {hint}
        </p>
    }
}

/// The current password, bound to `value`, for a form the page sends itself.
#[component]
pub fn CurrentPassword(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! { <BoundInput id value kind="password" autocomplete="current-password" /> }
}

/// A code from the authenticator app or a recovery code, bound to `value`.
#[component]
pub fn SecondFactorInput(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! { <BoundInput id value autocomplete="one-time-code" maxlength=24 /> }
}

/// A select bound to `value`, with the options `children` holds.
#[component]
pub fn BoundSelect(id: &'static str, value: RwSignal<String>, children: Children) -> impl IntoView {
    view! {
        <select
            id=id
            prop:value=move || value.get()
            on:change=move |ev| value.set(event_target_value(&ev))
        >
            {children()}
        </select>
    }
}

/// A checkbox with its label beside it, bound to `checked`.
#[component]
pub fn Checkbox(id: &'static str, label: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input
                type="checkbox"
                id=id
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
        </div>
    }
}
