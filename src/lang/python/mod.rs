//! python backend

/// Placeholder until the backend lands (the helper writing it replaces this file).
pub fn generate(
    _api: &crate::ir::Api,
    _options: &crate::lang::PackageOptions,
) -> anyhow::Result<crate::lang::Package> {
    anyhow::bail!("backend not written yet")
}
