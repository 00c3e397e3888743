//! Automatic registration: the admin signs in, Mailferry registers "Mailferry Migration
//! Source" (or Target) with its own certificate, grants the permissions, waits until
//! Microsoft applies them, and saves the connection. Journaled, resumable, reversible.

mod deletion;
pub mod key_credentials;
pub(crate) mod polling;
mod reuse;
mod service;
mod steps;
mod trust;
mod workflow;

pub use crate::model::registration::{
    ApplicationDeletion, EarlierRegistration, Registration, RegistrationEvent, RegistrationStatus, RegistrationStep,
    StepState,
};
pub use service::{
    AutomaticRegistration, RegistrationProgress, RegistrationService, RegistrationSignIn, SignInClient, SignedIn,
};
pub(crate) use workflow::waiting_detail;
pub use workflow::{admin_consent_url, application_name, OnEvent, Registrar, RegistrationConfig, RegistrationRequest};
