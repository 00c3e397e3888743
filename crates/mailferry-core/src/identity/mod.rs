//! Talking to the Microsoft identity platform. For now: the JWTs Mailferry signs with an
//! application's certificate.

mod assertion;

pub use assertion::{client_assertion, proof_of_possession, AssertionAlgorithm};
