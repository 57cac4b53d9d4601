//! typescript backend
