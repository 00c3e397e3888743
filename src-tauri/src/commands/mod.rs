pub mod certificates;
pub mod connections;
