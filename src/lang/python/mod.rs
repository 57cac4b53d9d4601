//! python backend
