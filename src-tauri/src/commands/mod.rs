pub mod certificates;
pub mod checks;
pub mod connections;
pub mod demo;
pub mod export;
pub mod jobs;
pub mod network;
pub mod registration;
