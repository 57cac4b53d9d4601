//! The command line: argument parsing, the configuration file, exit codes, and the commands.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, Overrides, Resolved};
use crate::diff;
use crate::ir::{self, Normalized, Warning};
use crate::lang::{self, Language};
use crate::output::{self, PackageOutput, Recovery, WriteError};
use crate::schema::{self, InputError};
use crate::timings;

const EXAMPLES: &str = "\
Examples:
  rpcforge init --schema api.rpc.json --output clients/   # writes rpcforge.toml
  rpcforge generate-clients                               # from rpcforge.toml
  rpcforge generate-clients api.rpc.json --output clients/ --lang python --package-name shop-client
  rpcforge check --format github                          # in CI: exit 1 when stale
  rpcforge diff --against origin/main --fail-on breaking
  rpcforge validate api.rpc.json
  rpcforge schema > rpc-schema-v1.json

Configuration: ./rpcforge.toml (or --config FILE) supplies any argument left out; flags win.

Exit codes: 0 ok; 1 problems found (stale files for check, breaking changes for diff with
--fail-on, hand-edited generated files, warnings from validate, a failed write); 2 bad input
or usage.";

/// Typed TypeScript and Python clients for django-ipc WebSocket RPC APIs.
#[derive(Debug, Parser)]
#[command(name = "rpcforge", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Print nothing but errors (and the diff or report a command exists to print).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The configuration file (default: ./rpcforge.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a schema document and write the client packages (<OUTPUT>/typescript, <OUTPUT>/python).
    #[command(after_help = "\
Example:
  rpcforge generate-clients api.rpc.json --output clients/

Each package directory gets a .rpcforge-manifest.json listing the files rpcforge wrote, with
their hashes. Files not in it (node_modules/, your notes...) are never touched; generated files
no longer produced are deleted; a generated file edited by hand stops the write (exit 1) unless
--force. The swap is transactional: an interrupted run is finished or undone by the next run.")]
    GenerateClients(GenerateArgs),
    /// Exit 1, with a unified diff, when the generated files on disk are not what would be generated.
    #[command(after_help = "\
Example:
  rpcforge check api.rpc.json --output clients/ --format github

Only generated files count: the manifest and files rpcforge did not write are ignored.")]
    Check(CheckArgs),
    /// List the changes between two versions of a schema, each classified breaking or safe.
    #[command(after_help = "\
Examples:
  rpcforge diff old.rpc.json new.rpc.json
  rpcforge diff --against origin/main api.rpc.json --format markdown --fail-on breaking
  rpcforge diff --against HEAD~1            # the schema named in rpcforge.toml")]
    Diff(DiffArgs),
    /// Read and normalize a schema document, print its warnings, and write nothing.
    #[command(
        after_help = "Example:\n  rpcforge validate api.rpc.json   # exit 1 when there are warnings"
    )]
    Validate {
        /// The RPC schema document (default: `schema` of rpcforge.toml).
        schema: Option<PathBuf>,
    },
    /// Write a commented rpcforge.toml (or the --config file).
    #[command(after_help = "Example:\n  rpcforge init --schema api.rpc.json --output clients/")]
    Init(InitArgs),
    /// Print the JSON Schema of the input format (RPC schema document v1).
    #[command(after_help = "Example:\n  rpcforge schema > schemas/rpc-schema-v1.json")]
    Schema,
}

/// The arguments that say what to generate (all optional with a configuration file).
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The RPC schema document (or an OpenRPC 1.x document).
    pub schema: Option<PathBuf>,
    /// The directory that receives one package per language.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The languages to generate, comma-separated [default: typescript,python].
    #[arg(long, value_delimiter = ',')]
    pub lang: Option<Vec<Language>>,
    /// The package name (default: from info.title); Python's import name is its snake_case.
    #[arg(long)]
    pub package_name: Option<String>,
    /// The package version (default: info.version).
    #[arg(long)]
    pub package_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub package: PackageArgs,
    /// Overwrite generated files edited by hand, and files at generated paths that rpcforge
    /// did not write.
    #[arg(long)]
    pub force: bool,
    /// Keep running, and regenerate whenever the schema (or configuration) file changes.
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub package: PackageArgs,
    /// `text`: unified diffs; `github`: GitHub Actions annotations, and the diffs in a group.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Github,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old schema document (with --against: the schema, compared with its version at
    /// the git ref).
    pub old: Option<PathBuf>,
    /// The new schema document.
    pub new: Option<PathBuf>,
    /// Compare the schema with its version at this git ref (branch, tag, commit).
    #[arg(long, value_name = "GIT_REF")]
    pub against: Option<String>,
    /// `text`: one line per change; `json`; `markdown`: a pull-request comment.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when there is a change of this class.
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a change is breaking.
    Breaking,
    /// Exit 1 on any change.
    Any,
    /// Exit 0 whatever changed.
    Never,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The schema path to write in the file.
    #[arg(long, default_value = "api.rpc.json")]
    pub schema: String,
    /// The output directory to write in the file.
    #[arg(long, default_value = "clients")]
    pub output: String,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
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
    // On a thread with a large stack: the normalizer follows `$ref`s recursively, and
    // the main thread's 8 MiB held a chain of only about 2,000 definitions (each referring
    // to the next); the builder refuses chains deeper than `ir::MAX_REF_DEPTH` with an
    // input error. Pages of the stack that are never touched cost no memory.
    let worker = std::thread::Builder::new()
        .name("rpcforge".to_string())
        .stack_size(256 << 20)
        .spawn(move || exit(run(&cli)));
    match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        Err(e) => {
            eprintln!("error: cannot start a thread: {e}");
            ExitCode::from(1)
        }
    }
}

fn exit(result: Result<ExitCode, Failure>) -> ExitCode {
    match result {
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
        Command::Init(args) => init(cli, args),
        Command::Validate { schema } => {
            let config = load_config(cli)?;
            let schema = schema
                .clone()
                .or_else(|| config.as_ref().and_then(Config::schema))
                .ok_or_else(|| {
                    Failure::Input(format!(
                        "expected a <SCHEMA> argument (or `schema = \"...\"` in {})",
                        config::CONFIG_FILE
                    ))
                })?;
            let (normalized, file) = load(&schema)?;
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
        Command::GenerateClients(args) if args.watch => watch(cli, args),
        Command::GenerateClients(args) => {
            let resolved = resolve(cli, &args.package)?;
            generate(&resolved, args.force, cli.quiet)
        }
        Command::Check(args) => check(cli, args),
        Command::Diff(args) => diff_command(cli, args),
    }
}

/// The JSON Schema of the RPC schema document, as committed at `schemas/rpc-schema-v1.json`.
pub fn input_format_schema() -> String {
    let schema = schemars::schema_for!(schema::document::RpcSchemaDocument);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

fn load_config(cli: &Cli) -> Result<Option<Config>, Failure> {
    Config::discover(cli.config.as_deref()).map_err(Failure::Input)
}

fn resolve(cli: &Cli, args: &PackageArgs) -> Result<Resolved, Failure> {
    if let Some(name) = &args.package_name {
        check_package_name("--package-name", name)?;
    }
    if let Some(version) = &args.package_version {
        check_package_version("--package-version", version)?;
    }
    let config = load_config(cli)?;
    let overrides = Overrides {
        schema: args.schema.clone(),
        output: args.output.clone(),
        languages: args.lang.clone(),
        package_name: args.package_name.clone(),
        package_version: args.package_version.clone(),
    };
    let resolved = config::resolve(config.as_ref(), &overrides).map_err(Failure::Input)?;
    if let Some(c) = &config {
        // Values from the file get the same checks as the flags, naming the file.
        let shown = c.path.display().to_string();
        for p in &resolved.packages {
            if let Some(name) = &p.options.name {
                check_package_name(&format!("{shown}: package-name"), name)?;
            }
            if let Some(version) = &p.options.version {
                check_package_version(&format!("{shown}: package-version"), version)?;
            }
        }
    }
    Ok(resolved)
}

fn load(path: &Path) -> Result<(Normalized, String), Failure> {
    let file = path.display().to_string();
    timings::start();
    let text = read_text(path)
        .map_err(|e| Failure::Input(format!("{file}: cannot read the file: {e}")))?;
    timings::mark("read");
    let normalized = load_text(&text, &file)?;
    timings::mark("normalize");
    Ok((normalized, file))
}

/// The whole file as text, as [`std::fs::read_to_string`] reads it. A large file is read
/// in two halves at once, on this thread and another: reading is mostly the kernel faulting
/// in the buffer's fresh pages (31 MB at N=5000 methods, about 0.5 ms per MB here), which two
/// cores do in about half the time.
fn read_text(path: &Path) -> std::io::Result<String> {
    #[cfg(unix)]
    {
        use std::io::{Read, Seek, SeekFrom};
        use std::os::unix::fs::FileExt;
        /// Smaller files are read in one go.
        const SPLIT_MIN: u64 = 4 << 20;
        let mut file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        if let Some(len) = usize::try_from(size).ok().filter(|_| size >= SPLIT_MIN) {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            let offset = first.len() as u64;
            let (mine, other) = std::thread::scope(|s| {
                let file = &file;
                let other = std::thread::Builder::new()
                    .spawn_scoped(s, move || file.read_exact_at(second, offset));
                let mine = file.read_exact_at(first, 0);
                let other = other.ok().map(|other| {
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
                (mine, other)
            });
            // No second thread (none could start): this one reads the second half too.
            let other = other.unwrap_or_else(|| file.read_exact_at(&mut bytes[len / 2..], offset));
            let halves = mine.and(other);
            match halves {
                Ok(()) => {
                    // Whatever was appended since the size was taken.
                    file.seek(SeekFrom::Start(size))?;
                    file.read_to_end(&mut bytes)?;
                    return String::from_utf8(bytes).map_err(|_| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "stream did not contain valid UTF-8",
                        )
                    });
                }
                // Shorter than its size said (it changed meanwhile): read again, in one go.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
                Err(e) => return Err(e),
            }
        }
    }
    std::fs::read_to_string(path)
}

fn load_text(text: &str, file: &str) -> Result<Normalized, Failure> {
    Ok(ir::normalize_text(text, file)?)
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

/// Where rendered packages go.
#[derive(Clone, Copy)]
enum Sink<'w> {
    /// Returned, in memory.
    Memory,
    /// Staged by the writer (whose packages are `resolved.packages`, in order) on the thread
    /// that rendered them, each file's text freed once written.
    Stage(&'w output::Writer),
}

/// Reads the schema and renders every package in memory (nothing is written): see
/// [`render_loaded`].
fn render(
    resolved: &Resolved,
    quiet: bool,
) -> Result<(Vec<PackageOutput>, std::thread::JoinHandle<()>), Failure> {
    let (normalized, file) = load(&resolved.schema)?;
    render_loaded(resolved, normalized, &file, quiet, Sink::Memory)
}

/// Renders every package into `sink` and prints the warnings. The packages' files (none
/// when staged), and the IR freed on a side thread (freeing its allocations took ~10 ms at
/// N=5000: done while the files are written; join it before exiting).
fn render_loaded(
    resolved: &Resolved,
    normalized: Normalized,
    file: &str,
    quiet: bool,
    sink: Sink,
) -> Result<(Vec<PackageOutput>, std::thread::JoinHandle<()>), Failure> {
    let mut warnings = normalized.warnings.clone();
    let mut outputs = Vec::new();
    // The packages are independent: each renders on its own thread (the machine's cores
    // would otherwise idle), and the results are taken in the packages' order, so output,
    // warnings and the error reported are those of rendering them one after the other.
    // The largest (Python's) renders on this thread, whose allocator holds the pages that
    // loading freed: a new thread starts with an empty heap and faults in fresh pages.
    let on_this_thread = resolved
        .packages
        .iter()
        .position(|p| p.language == Language::Python)
        .unwrap_or(0);
    let render_one = |i: usize, p: &config::PackagePlan| {
        let rendered = lang::render(&normalized.api, &[p.language], &p.options)?;
        Ok::<_, anyhow::Error>(
            rendered
                .into_iter()
                .map(|(language, package)| {
                    let output = match sink {
                        Sink::Memory => Some(PackageOutput::new(p.dir.clone(), package.files)),
                        Sink::Stage(writer) => {
                            writer.stage(i, package.files);
                            None
                        }
                    };
                    (language, (output, package.warnings))
                })
                .collect::<Vec<_>>(),
        )
    };
    let rendered: Vec<_> = std::thread::scope(|s| {
        let others: Vec<_> = resolved
            .packages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != on_this_thread)
            .map(|(i, p)| (i, s.spawn(move || render_one(i, p))))
            .collect();
        let mut results: Vec<_> = resolved.packages.iter().map(|_| None).collect();
        if let Some(p) = resolved.packages.get(on_this_thread) {
            results[on_this_thread] = Some(render_one(on_this_thread, p));
        }
        timings::mark("render (this thread)");
        for (i, h) in others {
            let result = h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            results[i] = Some(result);
        }
        timings::mark("render (other threads)");
        results
            .into_iter()
            .map(|r| r.expect("every package rendered"))
            .collect()
    });
    for packages in rendered {
        let mut packages = packages.map_err(|e| Failure::Problem(format!("{file}: {e:#}")))?;
        let (_, (package, package_warnings)) = packages.pop().expect("one package per language");
        warnings.extend(package_warnings);
        outputs.extend(package);
    }
    print_warnings(file, &warnings, quiet);
    let freeing = std::thread::spawn(move || drop(normalized));
    Ok((outputs, freeing))
}

fn generate(resolved: &Resolved, force: bool, quiet: bool) -> Result<ExitCode, Failure> {
    let (normalized, file) = load(&resolved.schema)?;
    // The package directories are locked and recovered before rendering, so that each
    // package is staged as soon as it is rendered, on its thread (while the others render),
    // and its files' text freed as they are written (at N=5000 methods, the TypeScript
    // package's 12 MB are gone before Python's rendering ends). Only the commit, after every
    // package rendered and staged, changes the directories: an error (or a conflict) leaves
    // the output untouched.
    let dirs = resolved.packages.iter().map(|p| p.dir.clone()).collect();
    let (result, freeing) = match output::Writer::open(dirs, force) {
        Ok(writer) => {
            match render_loaded(resolved, normalized, &file, quiet, Sink::Stage(&writer)) {
                Ok((_, freeing)) => (writer.commit(), freeing),
                Err(failure) => {
                    writer.discard();
                    return Err(failure);
                }
            }
        }
        // Reported after the rendering's warnings, as any failure to write.
        Err(e) => {
            let (_, freeing) = render_loaded(resolved, normalized, &file, quiet, Sink::Memory)?;
            (Err(e), freeing)
        }
    };
    let _ = freeing.join();
    timings::mark("write");
    match result {
        Ok(written) => {
            for w in &written {
                report_recovery(&w.dir, w.recovered);
                for note in &w.notes {
                    eprintln!("note: {}: {note}", w.dir.display());
                }
                for c in &w.forced {
                    eprintln!(
                        "warning: {}: overwritten (--force): {}",
                        w.dir.join(&c.path).display(),
                        c.describe()
                    );
                }
                if !quiet {
                    let mut parts = vec![format!("{} written", w.written.len())];
                    if !w.removed.is_empty() {
                        parts.push(format!("{} removed", w.removed.len()));
                    }
                    parts.push(format!("{} unchanged", w.unchanged));
                    eprintln!("{}: {}", w.dir.display(), parts.join(", "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(WriteError::Conflicts(conflicts)) => {
            for (dir, c) in &conflicts {
                eprintln!("error: {}: {}", dir.join(&c.path).display(), c.describe());
            }
            let hint = if conflicts.iter().all(|(_, c)| c.overridable()) {
                "; to overwrite them, run again with --force"
            } else {
                "; move the files in the way elsewhere"
            };
            Err(Failure::Problem(format!(
                "nothing was written: {} file(s) would be overwritten or deleted{hint}",
                conflicts.len()
            )))
        }
        Err(WriteError::Io(dir, e)) if e.kind() == std::io::ErrorKind::InvalidInput => {
            Err(Failure::Input(format!("{}: {e}", dir.display())))
        }
        Err(e) => Err(Failure::Problem(e.to_string())),
    }
}

fn report_recovery(dir: &Path, recovered: Recovery) {
    match recovered {
        Recovery::Clean => {}
        Recovery::RolledBack => eprintln!(
            "note: {}: discarded an interrupted write (the previous files were intact)",
            dir.display()
        ),
        Recovery::RolledForward => {
            eprintln!("note: {}: finished an interrupted write", dir.display())
        }
    }
}

fn check(cli: &Cli, args: &CheckArgs) -> Result<ExitCode, Failure> {
    let resolved = resolve(cli, &args.package)?;
    let (outputs, freeing) = render(&resolved, true)?;
    let _ = freeing.join();
    let mut stdout = String::new();
    let mut stale = 0usize;
    for p in &outputs {
        let checked = output::check_package(&p.dir, &p.files)
            .map_err(|e| Failure::Problem(format!("reading {}: {e}", p.dir.display())))?;
        report_recovery(&p.dir, checked.recovered);
        for note in &checked.notes {
            eprintln!("note: {}: {note}", p.dir.display());
        }
        for d in &checked.differences {
            stale += 1;
            let shown = slash_path(&p.dir.join(&d.path));
            match args.format {
                CheckFormat::Text => {
                    if !cli.quiet {
                        eprintln!("{shown}: {}", d.summary());
                    }
                    stdout.push_str(&d.unified(&shown));
                }
                CheckFormat::Github => {
                    let line = d
                        .first_changed_line()
                        .map(|l| format!(",line={l}"))
                        .unwrap_or_default();
                    let file = if d.on_disk.is_some() {
                        format!("file={},", output::check::github_escape_property(&shown))
                    } else {
                        String::new()
                    };
                    stdout.push_str(&format!(
                        "::error {file}title=rpcforge check{line}::{}\n",
                        output::check::github_escape_data(&format!(
                            "{shown}: {}. Run `rpcforge generate-clients` and commit the result.",
                            d.summary()
                        ))
                    ));
                    stdout.push_str(&format!("::group::rpcforge check: {shown}\n"));
                    stdout.push_str(&d.unified(&shown));
                    stdout.push_str("::endgroup::\n");
                }
            }
        }
    }
    std::io::stdout()
        .lock()
        .write_all(stdout.as_bytes())
        .map_err(|e| Failure::Problem(format!("cannot write to stdout: {e}")))?;
    if stale == 0 {
        if !cli.quiet {
            eprintln!("generated clients are up to date");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{stale} generated file(s) are out of date: run `rpcforge generate-clients` and commit the result"
        );
        Ok(ExitCode::from(1))
    }
}

fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn diff_command(cli: &Cli, args: &DiffArgs) -> Result<ExitCode, Failure> {
    let (old, new) = match &args.against {
        None => {
            let (Some(old), Some(new)) = (&args.old, &args.new) else {
                return Err(Failure::Input(
                    "expected two schema documents: rpcforge diff <OLD> <NEW> \
                     (or rpcforge diff --against <GIT_REF> [<SCHEMA>])"
                        .into(),
                ));
            };
            (load(old)?.0, load(new)?.0)
        }
        Some(reference) => {
            if args.new.is_some() {
                return Err(Failure::Input(
                    "with --against, expected at most one schema document (compared with its \
                     version at the git ref)"
                        .into(),
                ));
            }
            let schema = match &args.old {
                Some(s) => s.clone(),
                None => load_config(cli)?
                    .as_ref()
                    .and_then(Config::schema)
                    .ok_or_else(|| {
                        Failure::Input(format!(
                            "expected a <SCHEMA> argument (or `schema = \"...\"` in {})",
                            config::CONFIG_FILE
                        ))
                    })?,
            };
            let (text, label) = git_show(reference, &schema)?;
            (load_text(&text, &label)?, load(&schema)?.0)
        }
    };
    let changes = diff::diff(&old.api, &new.api);
    let rendered = match args.format {
        DiffFormat::Text => diff::render_text(&changes),
        DiffFormat::Json => diff::render_json(&changes),
        DiffFormat::Markdown => diff::render_markdown(&changes),
    };
    std::io::stdout()
        .lock()
        .write_all(rendered.as_bytes())
        .map_err(|e| Failure::Problem(format!("cannot write to stdout: {e}")))?;
    let (breaking, _) = diff::counts(&changes);
    let fail = match args.fail_on {
        FailOn::Breaking => breaking > 0,
        FailOn::Any => !changes.is_empty(),
        FailOn::Never => false,
    };
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The schema file's text at a git ref, and a label for messages (`<ref>:<path>`).
fn git_show(reference: &str, schema: &Path) -> Result<(String, String), Failure> {
    let label = format!("{reference}:{}", schema.display());
    if reference.starts_with('-') {
        return Err(Failure::Input(format!(
            "--against: expected a git ref, found {reference:?}"
        )));
    }
    let name = schema
        .file_name()
        .ok_or_else(|| Failure::Input(format!("{}: expected a file", schema.display())))?;
    let dir = match schema.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let spec = format!("{reference}:./{}", name.to_string_lossy());
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args(["show", &spec])
        .output()
        .map_err(|e| Failure::Input(format!("{label}: cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Failure::Input(format!(
            "{label}: expected the schema in git at that ref: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| Failure::Input(format!("{label}: expected UTF-8 text")))?;
    Ok((text, label))
}

fn init(cli: &Cli, args: &InitArgs) -> Result<ExitCode, Failure> {
    let path = cli
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::CONFIG_FILE));
    if path.exists() && !args.force {
        return Err(Failure::Input(format!(
            "{}: already exists: expected no file there (use --force to replace it)",
            path.display()
        )));
    }
    let text = config::template(&args.schema, &args.output);
    std::fs::write(&path, text)
        .map_err(|e| Failure::Problem(format!("writing {}: {e}", path.display())))?;
    if !cli.quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `generate-clients --watch`: generate, then again whenever the schema or the
/// configuration file changes. Errors are printed and the watch goes on; Ctrl-C ends it
/// (an interrupted write is safe: the next run finishes or undoes it).
fn watch(cli: &Cli, args: &GenerateArgs) -> Result<ExitCode, Failure> {
    use notify::{RecursiveMode, Watcher};
    use std::time::Duration;

    // Usage errors (no schema, bad flags) end the command; later errors do not.
    let resolved = resolve(cli, &args.package)?;
    let once = |resolved: &Resolved| {
        let _ = exit(generate(resolved, args.force, cli.quiet));
    };
    once(&resolved);

    let mut files = vec![absolute(&resolved.schema)];
    let config_path = cli
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::CONFIG_FILE));
    if config_path.is_file() {
        files.push(absolute(&config_path));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Failure::Problem(format!("cannot watch files: {e}")))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            f.parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        // The directory, not the file: editors replace files by renaming over them.
        watcher
            .watch(d, RecursiveMode::NonRecursive)
            .map_err(|e| Failure::Problem(format!("cannot watch {}: {e}", d.display())))?;
    }
    if !cli.quiet {
        let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        eprintln!("watching {} (Ctrl-C to stop)", shown.join(", "));
    }
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(e) => {
            !e.kind.is_access()
                && e.paths.iter().any(|p| {
                    files
                        .iter()
                        .any(|f| f.file_name() == p.file_name() && f.parent() == p.parent())
                })
        }
        Err(_) => false,
    };
    loop {
        let Ok(event) = rx.recv() else {
            return Ok(ExitCode::SUCCESS);
        };
        if !relevant(&event) {
            continue;
        }
        // Let a burst of events (write, then chmod, then rename...) settle.
        while rx.recv_timeout(Duration::from_millis(200)).is_ok() {}
        if !cli.quiet {
            eprintln!("change detected, regenerating");
        }
        match resolve(cli, &args.package) {
            Ok(r) => once(&r),
            Err(f) => {
                let _ = exit(Err(f));
            }
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Resolve the directory (symlinks, `..`) so it matches the paths the watcher reports.
    match (
        p.parent().and_then(|d| d.canonicalize().ok()),
        p.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => p,
    }
}

fn check_package_version(what: &str, version: &str) -> Result<(), Failure> {
    if version.trim().is_empty() || version.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::Input(format!(
            "{what}: expected a version such as 1.2.0, found {version:?}"
        )));
    }
    Ok(())
}

/// Package names become directory and file names: only plain names, or `@scope/name`.
fn check_package_name(what: &str, name: &str) -> Result<(), Failure> {
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
            "{what}: expected a package name of letters, digits, '-', '_' and '.' \
             (or @scope/name), found {name:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file large enough to be read in two halves reads as `read_to_string` reads it:
    /// the same text, or the same error for bytes that are not UTF-8 (wherever they are,
    /// a character cut by the halves' boundary included).
    #[test]
    fn large_files_read_as_read_to_string_reads_them() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("big.json");
        let mut text = "é\"ab\"\n".repeat((5 << 20) / 7);
        text.push('ü');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read_text(&path).unwrap(), text);
        for at in [0, text.len() / 2 - 1, text.len() / 2, text.len() - 1] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = 0xff;
            std::fs::write(&path, &bytes).unwrap();
            let expected = std::fs::read_to_string(&path).unwrap_err();
            let found = read_text(&path).unwrap_err();
            assert_eq!(found.kind(), expected.kind(), "at {at}");
            assert_eq!(found.to_string(), expected.to_string(), "at {at}");
        }
        let small = tmp.path().join("small.json");
        std::fs::write(&small, "{}").unwrap();
        assert_eq!(read_text(&small).unwrap(), "{}");
        assert_eq!(
            read_text(tmp.path()).unwrap_err().to_string(),
            std::fs::read_to_string(tmp.path()).unwrap_err().to_string()
        );
    }
}
