//! The command line: argument parsing, exit codes, and writing the packages to disk.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::ir::{self, Normalized, Warning};
use crate::lang::{self, GeneratedFile, Language, PackageOptions};
use crate::schema::{self, InputError};

const EXAMPLES: &str = "\
Examples:
  rpcforge generate-clients api.rpc.json --output clients/
  rpcforge generate-clients api.rpc.json --output clients/ --lang python --package-name shop-client
  rpcforge validate api.rpc.json
  rpcforge schema > rpc-schema-v1.json

Exit codes: 0 ok, 1 problems found (warnings from validate, a failed write), 2 bad input or usage.";

/// Typed TypeScript and Python clients for django-ipc WebSocket RPC APIs.
#[derive(Debug, Parser)]
#[command(name = "rpcforge", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a schema document and write the client packages (<OUTPUT>/typescript, <OUTPUT>/python).
    #[command(after_help = "Example:\n  rpcforge generate-clients api.rpc.json --output clients/")]
    GenerateClients(GenerateArgs),
    /// Read and normalize a schema document, print its warnings, and write nothing.
    #[command(
        after_help = "Example:\n  rpcforge validate api.rpc.json   # exit 1 when there are warnings"
    )]
    Validate {
        /// The RPC schema document (or an OpenRPC 1.x document).
        schema: PathBuf,
    },
    /// Print the JSON Schema of the input format (RPC schema document v1).
    #[command(after_help = "Example:\n  rpcforge schema > schemas/rpc-schema-v1.json")]
    Schema,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The RPC schema document (or an OpenRPC 1.x document).
    pub schema: PathBuf,
    /// The directory that receives one package per language.
    #[arg(long, short)]
    pub output: PathBuf,
    /// The languages to generate, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "typescript,python")]
    pub lang: Vec<Language>,
    /// The package name (default: from info.title); Python's import name is its snake_case.
    #[arg(long)]
    pub package_name: Option<String>,
    /// The package version (default: info.version).
    #[arg(long)]
    pub package_version: Option<String>,
}

/// A failure, and the exit code it gives.
enum Failure {
    /// Bad input or usage: exit 2.
    Input(String),
    /// Anything else that went wrong: exit 1.
    Problem(String),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e.to_string())
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Problem(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, Failure> {
    match &cli.command {
        Command::Schema => {
            let mut out = std::io::stdout().lock();
            out.write_all(input_format_schema().as_bytes())
                .map_err(|e| Failure::Problem(format!("cannot write to stdout: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { schema } => {
            let (normalized, file) = load(schema)?;
            print_warnings(&file, &normalized.warnings, cli.quiet);
            if !cli.quiet {
                eprintln!(
                    "{file}: {} methods, {} events, {} types, {} warnings",
                    normalized.api.methods.len(),
                    normalized.api.events.len(),
                    normalized.api.types.named().len(),
                    normalized.warnings.len()
                );
            }
            Ok(if normalized.warnings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::GenerateClients(args) => generate(args, cli.quiet),
    }
}

/// The JSON Schema of the RPC schema document, as committed at `schemas/rpc-schema-v1.json`.
pub fn input_format_schema() -> String {
    let schema = schemars::schema_for!(schema::document::RpcSchemaDocument);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

fn load(path: &Path) -> Result<(Normalized, String), Failure> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{file}: cannot read the file: {e}")))?;
    let doc = schema::parse_document(&text, &file)?;
    let normalized = ir::normalize(&doc, &file, Some(&text))?;
    Ok((normalized, file))
}

fn print_warnings(file: &str, warnings: &[Warning], quiet: bool) {
    if quiet {
        return;
    }
    for w in warnings {
        let pointer = if w.pointer.is_empty() {
            "(document root)"
        } else {
            &w.pointer
        };
        eprintln!("warning: {file}: at {pointer}: {}", w.message);
    }
}

fn generate(args: &GenerateArgs, quiet: bool) -> Result<ExitCode, Failure> {
    if let Some(name) = &args.package_name {
        check_package_name(name)?;
    }
    if let Some(version) = &args.package_version {
        if version.trim().is_empty() || version.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Failure::Input(format!(
                "--package-version: expected a version such as 1.2.0, found {version:?}"
            )));
        }
    }
    let (normalized, file) = load(&args.schema)?;
    let options = PackageOptions {
        name: args.package_name.clone(),
        version: args.package_version.clone(),
    };
    // Render everything before writing anything: an error leaves the output untouched.
    let packages = lang::render(&normalized.api, &args.lang, &options)
        .map_err(|e| Failure::Problem(format!("{file}: {e:#}")))?;
    let mut warnings = normalized.warnings.clone();
    for (_, package) in &packages {
        warnings.extend(package.warnings.iter().cloned());
    }
    print_warnings(&file, &warnings, quiet);
    for (language, package) in &packages {
        let dir = args.output.join(language.dir_name());
        write_package(&dir, &package.files)
            .map_err(|e| Failure::Problem(format!("writing {}: {e}", dir.display())))?;
        if !quiet {
            eprintln!("wrote {} files to {}", package.files.len(), dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Package names become directory and file names: only plain names, or `@scope/name`.
fn check_package_name(name: &str) -> Result<(), Failure> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 214
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !s.contains("..")
    };
    let ok = match name.strip_prefix('@') {
        Some(scoped) => scoped
            .split_once('/')
            .is_some_and(|(scope, n)| plain(scope) && plain(n)),
        None => plain(name),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "--package-name: expected a package name of letters, digits, '-', '_' and '.' \
             (or @scope/name), found {name:?}"
        )))
    }
}

/// Writes the files of one package under `dir`. Each file is written to a temporary name
/// and renamed into place, so a reader never sees a half-written file.
fn write_package(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    for file in files {
        let relative = Path::new(&file.path);
        let safe = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(std::io::Error::other(format!(
                "refusing to write outside the package: {:?}",
                file.path
            )));
        }
    }
    for file in files {
        let target = dir.join(&file.path);
        let parent = target.parent().expect("a joined path has a parent");
        std::fs::create_dir_all(parent)?;
        let temporary = parent.join(format!(
            ".{}.rpcforge-tmp",
            target.file_name().expect("a file path").to_string_lossy()
        ));
        std::fs::write(&temporary, &file.contents)?;
        std::fs::rename(&temporary, &target)?;
    }
    Ok(())
}
