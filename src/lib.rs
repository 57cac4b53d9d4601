//! rpcforge: RPC schema document → IR → typed TypeScript and Python client packages.
//!
//! The pipeline: [`schema`] reads and validates the input document, [`ir`] normalizes it
//! into one type space, and each backend under [`lang`] renders its package.

pub mod cli;
pub mod config;
pub mod diff;
pub mod ir;
pub mod lang;
pub mod output;
pub mod schema;
pub mod timings;
