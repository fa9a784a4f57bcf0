//! The `contract` and `steps` commands, waiting to move beside the other commands (one module
//! per command at the crate root, each with its `Args` and their `run`).

pub mod contract;
