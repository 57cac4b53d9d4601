//! `rpcforge.toml`: the settings of `generate-clients` and `check` (and the schema of
//! `validate` and `diff --against`), so that a pipeline runs `rpcforge check` with no
//! arguments. Command-line flags override the file. Paths in it are relative to its
//! directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::lang::{Language, PackageOptions};

/// The file looked for in the current directory.
pub const CONFIG_FILE: &str = "rpcforge.toml";

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub schema: Option<String>,
    pub output: Option<String>,
    pub languages: Option<Vec<toml::Spanned<String>>>,
    pub package_name: Option<String>,
    pub package_version: Option<String>,
    pub typescript: Option<LanguageSection>,
    pub python: Option<LanguageSection>,
}

/// `[typescript]` / `[python]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LanguageSection {
    /// This package's own directory (instead of `<output>/<language>`).
    pub output: Option<String>,
    pub package_name: Option<String>,
    pub package_version: Option<String>,
}

/// A read configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    pub file: ConfigFile,
    /// Parsed `languages`.
    pub languages: Option<Vec<Language>>,
}

impl Config {
    /// Reads `path`; errors name the file, the line and column, and what was expected.
    pub fn read(path: &Path) -> Result<Config, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{shown}: cannot read the configuration file: {e}"))?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
        let shown = path.display();
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let (line, column) = line_column(text, s.start);
                    format!(":{line}:{column}")
                })
                .unwrap_or_default();
            format!("{shown}{at}: {}", e.message().trim_end())
        })?;
        let languages = match &file.languages {
            None => None,
            Some(list) => {
                let mut out = Vec::new();
                for item in list {
                    let parsed = <Language as clap::ValueEnum>::from_str(item.get_ref(), true)
                        .map_err(|_| {
                            let (line, column) = line_column(text, item.span().start);
                            format!(
                                "{shown}:{line}:{column}: at languages: expected \"typescript\" \
                                 or \"python\", found {:?}",
                                item.get_ref()
                            )
                        })?;
                    out.push(parsed);
                }
                if out.is_empty() {
                    return Err(format!(
                        "{shown}: at languages: expected at least one language"
                    ));
                }
                Some(out)
            }
        };
        Ok(Config {
            path: path.to_path_buf(),
            file,
            languages,
        })
    }

    /// The explicit `--config` file, or `./rpcforge.toml` when it exists, or none.
    pub fn discover(explicit: Option<&Path>) -> Result<Option<Config>, String> {
        match explicit {
            Some(path) => Config::read(path).map(Some),
            None => {
                let path = Path::new(CONFIG_FILE);
                if path.is_file() {
                    Config::read(path).map(Some)
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// A path from the file, relative to the file's directory.
    pub fn relative(&self, p: &str) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(p),
            _ => PathBuf::from(p),
        }
    }

    fn section(&self, language: Language) -> Option<&LanguageSection> {
        match language {
            Language::Typescript => self.file.typescript.as_ref(),
            Language::Python => self.file.python.as_ref(),
        }
    }

    /// The schema path, if the file names one.
    pub fn schema(&self) -> Option<PathBuf> {
        self.file.schema.as_deref().map(|s| self.relative(s))
    }
}

/// What the command line says; every `Some` beats the configuration file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub schema: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub languages: Option<Vec<Language>>,
    pub package_name: Option<String>,
    pub package_version: Option<String>,
}

/// One package to generate.
#[derive(Debug, Clone)]
pub struct PackagePlan {
    pub language: Language,
    pub dir: PathBuf,
    pub options: PackageOptions,
}

/// Everything `generate-clients` and `check` need.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub schema: PathBuf,
    pub packages: Vec<PackagePlan>,
}

/// Merges the command line over the configuration file. Errors are usage errors.
pub fn resolve(config: Option<&Config>, cli: &Overrides) -> Result<Resolved, String> {
    let schema = cli
        .schema
        .clone()
        .or_else(|| config.and_then(Config::schema))
        .ok_or_else(|| {
            format!("expected a <SCHEMA> argument (or `schema = \"...\"` in {CONFIG_FILE})")
        })?;
    let languages = cli
        .languages
        .clone()
        .or_else(|| config.and_then(|c| c.languages.clone()))
        .unwrap_or_else(|| vec![Language::Typescript, Language::Python]);
    let mut packages: Vec<PackagePlan> = Vec::new();
    for language in languages {
        if packages.iter().any(|p| p.language == language) {
            continue;
        }
        let section = config.and_then(|c| c.section(language));
        let dir = if let Some(output) = &cli.output {
            output.join(language.dir_name())
        } else if let (Some(c), Some(out)) = (config, section.and_then(|s| s.output.as_deref())) {
            c.relative(out)
        } else if let Some(c) = config.filter(|c| c.file.output.is_some()) {
            c.relative(c.file.output.as_deref().unwrap_or_default())
                .join(language.dir_name())
        } else {
            return Err(format!(
                "expected --output <DIR> (or `output = \"...\"` in {CONFIG_FILE})"
            ));
        };
        let name = cli
            .package_name
            .clone()
            .or_else(|| section.and_then(|s| s.package_name.clone()))
            .or_else(|| config.and_then(|c| c.file.package_name.clone()));
        let version = cli
            .package_version
            .clone()
            .or_else(|| section.and_then(|s| s.package_version.clone()))
            .or_else(|| config.and_then(|c| c.file.package_version.clone()));
        packages.push(PackagePlan {
            language,
            dir,
            options: PackageOptions { name, version },
        });
    }
    crate::output::check_distinct(packages.iter().map(|p| p.dir.as_path()))
        .map_err(|e| e.to_string())?;
    Ok(Resolved { schema, packages })
}

/// The commented file `rpcforge init` writes.
pub fn template(schema: &str, output: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        r#"# rpcforge configuration: `rpcforge generate-clients`, `rpcforge check` and
# `rpcforge diff --against <git-ref>` read it from the current directory (or --config).
# Command-line flags override it. Paths are relative to this file.

# The RPC schema document (or OpenRPC 1.x document).
schema = {schema}

# The directory that receives one package per language: <output>/typescript, <output>/python.
output = {output}

# The languages to generate.
languages = ["typescript", "python"]

# Package name and version of every package. Default name: from the API's info.title
# ("Shop API" -> npm "shop-api", Python "shop_api"); default version: info.version.
# package-name = "shop-client"
# package-version = "1.0.0"

[typescript]
# output = "web/src/shop-client"     # this package's own directory instead of <output>/typescript
# package-name = "@shop/client"
# package-version = "1.0.0"

[python]
# output = "python/shop-client"      # this package's own directory instead of <output>/python
# package-name = "shop-client"
# package-version = "1.0.0"
"#,
        schema = quote(schema),
        output = quote(output),
    )
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses_and_resolves() {
        let c = Config::parse(
            &template("api.rpc.json", "clients"),
            Path::new("x/rpcforge.toml"),
        )
        .unwrap();
        let r = resolve(Some(&c), &Overrides::default()).unwrap();
        assert_eq!(r.schema, Path::new("x/api.rpc.json"));
        assert_eq!(r.packages.len(), 2);
        assert_eq!(r.packages[0].dir, Path::new("x/clients/typescript"));
        assert_eq!(r.packages[1].dir, Path::new("x/clients/python"));
    }

    #[test]
    fn flags_override_the_file() {
        let text = "schema = \"a.json\"\noutput = \"out\"\nlanguages = [\"py\"]\npackage-name = \"all\"\n\
                    [python]\noutput = \"pyclient\"\npackage-name = \"pyname\"\n";
        let c = Config::parse(text, Path::new("rpcforge.toml")).unwrap();
        let r = resolve(Some(&c), &Overrides::default()).unwrap();
        assert_eq!(r.packages.len(), 1);
        assert_eq!(r.packages[0].dir, Path::new("pyclient"));
        assert_eq!(r.packages[0].options.name.as_deref(), Some("pyname"));
        let cli = Overrides {
            schema: Some("b.json".into()),
            output: Some("o".into()),
            languages: Some(vec![Language::Typescript]),
            package_name: Some("cli".into()),
            package_version: Some("9".into()),
        };
        let r = resolve(Some(&c), &cli).unwrap();
        assert_eq!(r.schema, Path::new("b.json"));
        assert_eq!(r.packages[0].dir, Path::new("o/typescript"));
        assert_eq!(r.packages[0].options.name.as_deref(), Some("cli"));
        assert_eq!(r.packages[0].options.version.as_deref(), Some("9"));
    }

    #[test]
    fn errors_name_file_line_and_expectation() {
        let e = Config::parse("schema = 1\n", Path::new("rpcforge.toml")).unwrap_err();
        assert!(e.starts_with("rpcforge.toml:1:"), "{e}");
        let e = Config::parse("languages = [\"go\"]\n", Path::new("c.toml")).unwrap_err();
        assert!(e.contains("c.toml:1:14") && e.contains("\"go\""), "{e}");
        let e = Config::parse("outptu = \"x\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.contains("outptu"), "{e}");
        let c = Config::parse(
            "[python]\noutput = \"same\"\n[typescript]\noutput = \"same\"\n",
            Path::new("c.toml"),
        )
        .unwrap();
        let cli = Overrides {
            schema: Some("a".into()),
            ..Default::default()
        };
        assert!(resolve(Some(&c), &cli).unwrap_err().contains("overlap"));
    }
}
