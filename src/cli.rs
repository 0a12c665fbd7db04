//! Command-line definitions (clap). No logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "iamlint",
    version = concat!(env!("CARGO_PKG_VERSION"), " (AWS catalog: ", env!("IAMLINT_CATALOG"), ")"),
    about = "Static analyzer for AWS IAM policies, CloudFormation templates and Terraform",
    long_about = "Static analyzer for AWS IAM policies and the CloudFormation templates and Terraform \
        configurations that carry them.\n\n\
        Finds RDS master passwords that are hard-coded or not managed by Secrets Manager, Deny \
        guards on rds:ManageMasterUserPassword that leave a way around them, and principals that \
        lack the permissions a managed password needs; and validates every policy offline against \
        the embedded AWS Service Authorization Reference and the grammar of its policy type. \
        Guards and permissions are judged by an offline policy evaluator, per principal: the \
        roles, users and groups of a template, or those declared in .iamlint.toml with the \
        organization's SCPs and assertions. Every finding has an exact line and column. \
        `iamlint rules` lists the rules.",
    after_help = "Exit status: 0 no findings at or above --fail-on, 1 findings at or above it \
        (parse errors included), 2 usage error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy documents, CloudFormation templates and Terraform
    Check(CheckArgs),
    /// List every rule
    Rules(RulesArgs),
    /// Evaluate requests against policy files, as AWS would, and show why
    Simulate(SimulateArgs),
    /// Report the access HEAD allows that BASE did not, each with a request that proves
    /// it (and access removed, as information); see docs/diff.md
    Diff(DiffArgs),
    /// Run a Language Server over stdin and stdout (diagnostics, hover, completion, quick fixes
    /// and suppressions in an editor); see the README's "Editors"
    Server,
    /// Print the documentation of a rule
    Explain {
        /// Rule id, e.g. rds/guard-bypass-modify
        rule: String,
    },
    /// Print a shell completion script, e.g. `iamlint completions bash >
    /// ~/.local/share/bash-completion/completions/iamlint`
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
}

/// Where reports go and how they look: the same for `check` and `diff`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format on standard output [default: human]; the same as `--output FORMAT`
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write a report in FORMAT to FILE, or to standard output without `:FILE` (at most one
    /// report there); repeatable: every report comes from the same run, e.g. `--output
    /// github --output sarif:iamlint.sarif --output junit:report.xml`
    #[arg(long, value_name = "FORMAT[:FILE]")]
    pub output: Vec<OutputSpec>,

    /// When to use colors in the human format
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to check; `-` reads standard input
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Exit with 1 when a finding has at least this severity [default: `fail-on` of
    /// .iamlint.toml, else warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Print the number of findings of each rule instead of the findings (a JSON array
    /// in the json format, a table in the others)
    #[arg(long)]
    pub statistics: bool,

    /// When walking directories, check files matching this glob instead of *.json, *.yaml,
    /// *.yml and *.template; repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Skip files and directories matching this glob; repeatable, added to `exclude` of
    /// .iamlint.toml
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply --exclude (and `exclude` of .iamlint.toml) to paths named on the command line
    /// too, matching the path and each of its directories (for pre-commit)
    #[arg(long)]
    pub force_exclude: bool,

    /// Only run these rules (ids or groups such as `rds`); repeatable. Replaces the
    /// `select`, `ignore` and `off` severities of .iamlint.toml
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,

    /// Run these rules too (ids or groups); repeatable
    #[arg(long, value_name = "RULE")]
    pub extend_select: Vec<String>,

    /// Do not run these rules (ids or groups); repeatable. parse-error, io-error and
    /// analysis-limit are always reported: a file that was not checked must not pass
    /// silently
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Report only the findings that this baseline file does not hold (see --write-baseline)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file, then report only what it cannot
    /// hold (parse and I/O errors). Entries are keyed by content, not line numbers; entries
    /// for files this run did not check are kept
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Ignore the suppressions written in the checked files (`# iamlint: ignore[...]`
    /// comments and CloudFormation `Metadata`), so that every finding is reported
    #[arg(long)]
    pub no_inline_suppressions: bool,

    /// Apply the safe fixes (with --unsafe-fixes the unsafe ones too) to the files, re-check
    /// them until nothing changes, then report what remains. With `-` the fixed text goes to
    /// standard output and the report to standard error. Suppressed and baseline findings
    /// are not fixed
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,

    /// Count unsafe fixes (they change what a policy grants or matches) as fixable, and
    /// apply them with --fix or show them with --diff; without it they are only shown as
    /// available
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change and write nothing; exit 1 when there
    /// is a change, 0 otherwise
    #[arg(long, conflicts_with_all = ["fix", "write_baseline", "statistics"])]
    pub diff: bool,

    /// The name to report for standard input (`-`); its extension picks the syntax
    #[arg(long, value_name = "PATH", default_value = "<stdin>")]
    pub stdin_filename: String,

    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where principals, SCPs, assertions and rule settings come from.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The config file [default: the nearest .iamlint.toml in the current directory or above]
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<String>,

    /// Do not read any .iamlint.toml: every policy file stands alone, and the rule
    /// settings are the command line's
    #[arg(long)]
    pub no_config: bool,
}

/// One report of `--output FORMAT[:FILE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    /// `None` for standard output.
    pub file: Option<PathBuf>,
}

impl std::str::FromStr for OutputSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<OutputSpec, String> {
        let (name, file) = match spec.split_once(':') {
            Some((name, file)) => (name, Some(file)),
            None => (spec, None),
        };
        let format = Format::from_str(name, false).map_err(|_| {
            let names: Vec<String> = Format::value_variants()
                .iter()
                .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
                .collect();
            format!("unknown format `{name}`; the formats are {}", names.join(", "))
        })?;
        match file {
            Some("") => Err(format!(
                "no file after `{name}:`; write `{name}` for standard output"
            )),
            file => Ok(OutputSpec {
                format,
                file: file.map(PathBuf::from),
            }),
        }
    }
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Identity policy files of the caller (JSON or YAML policy documents)
    pub policies: Vec<String>,

    /// A principal of the config: its policies, boundary and the organization's SCPs
    #[arg(long, value_name = "NAME", conflicts_with_all = ["policies", "boundary", "scp"])]
    pub principal: Option<String>,

    /// The action to evaluate, e.g. rds:ModifyDBInstance
    #[arg(long, required_unless_present = "request")]
    pub action: Option<String>,

    /// The resource ARN
    #[arg(long, default_value = "*")]
    pub resource: String,

    /// A condition key of the request; repeat a key for a multivalued key
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,

    /// The caller's ARN (its account decides whether a resource policy names it)
    #[arg(
        long,
        value_name = "ARN",
        conflicts_with = "principal",
        default_value = "arn:aws:iam::111122223333:role/caller"
    )]
    pub caller: String,

    /// A resource-based policy of the resource; repeatable
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Vec<String>,

    /// A permissions boundary of the caller; repeatable
    #[arg(long, value_name = "FILE")]
    pub boundary: Vec<String>,

    /// A service control policy over the caller's account; repeatable
    #[arg(long, value_name = "FILE")]
    pub scp: Vec<String>,

    /// The resource belongs to another account than the caller
    #[arg(long)]
    pub cross_account: bool,

    /// Evaluate against a principal or resource-based policy of this template, Terraform
    /// module or directory (with its .iamlint.toml), as `iamlint diff` does: the one
    /// --subject names
    #[arg(long = "in", value_name = "PATH", requires = "subject", conflicts_with_all = ["policies", "principal", "boundary", "scp", "resource_policy", "cross_account"])]
    pub in_path: Option<PathBuf>,

    /// With --in: the key of a `diff` finding's `subject` (`template.yaml#Deployer`,
    /// `principal deployer`, `.#aws_iam_role.app` for a Terraform role of the module at PATH)
    #[arg(long, value_name = "KEY", requires = "in_path")]
    pub subject: Option<String>,

    /// Evaluate the requests of a JSON lines file (action, resource, principal, context),
    /// one decision per line
    #[arg(long, value_name = "FILE")]
    pub request: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no new access at the --fail-on-new-access level, 1 new \
    access at it (or a file of HEAD that cannot be read or parsed), 2 usage error."
)]
pub struct DiffArgs {
    /// BASE and HEAD: two directories, or two files. With --base: the paths of the working
    /// tree to compare [default: .]
    pub paths: Vec<PathBuf>,

    /// Compare the working tree (the paths given) with this git revision, e.g.
    /// `origin/main`; its files are read with git, without a checkout
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Which new access makes the exit status 1: `all`, `high` (IAM changes, role
    /// assumption, kms:Decrypt, secretsmanager:GetSecretValue, every resource, a new
    /// escalation path) or `none`
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = NewAccessLevel::All)]
    pub fail_on_new_access: NewAccessLevel,

    /// Do not read any .iamlint.toml: every policy file stands alone
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NewAccessLevel {
    All,
    High,
    None,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}
