//! Seed inputs for the fuzz targets: the fixtures of `testdata/` (and any other folder of
//! real files), sorted by target, plus large inputs of the shapes a mutator never grows on
//! its own: long one-line files, wide arrays, deep nesting, many aliases, many statements,
//! long chains of policy variables. Everything here is deterministic: the same tree gives
//! the same seeds.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::checks::Target;

/// One seed and the targets it is for.
pub struct Seed {
    pub name: String,
    pub targets: Vec<Target>,
    pub bytes: Vec<u8>,
}

/// The targets a file of the repository is a seed for, by its name and content. A file
/// that is not UTF-8 (UTF-16 with a byte order mark, a stray byte) is for the end-to-end
/// target only: the others start after decoding.
pub fn targets_for(path: &Path, bytes: &[u8]) -> Vec<Target> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let known = [".tf", ".json", ".yaml", ".yml", ".template"];
    let Ok(text) = std::str::from_utf8(bytes) else {
        let ours = known.iter().any(|ext| name.ends_with(ext));
        return if ours { vec![Target::EndToEnd] } else { Vec::new() };
    };
    let mut targets = Vec::new();
    if name.ends_with(".tf") || name.ends_with(".tf.json") {
        targets.push(Target::Hcl);
    } else if name.ends_with(".json") {
        targets.extend([Target::Json, Target::Embedded]);
        if text.contains("\"format_version\"") {
            targets.push(Target::Plan);
        }
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template") {
        targets.extend([Target::Yaml, Target::Embedded]);
    } else {
        return targets;
    }
    targets.push(Target::EndToEnd);
    targets
}

/// Every file under `dir` that is a seed for some target, in a stable order.
pub fn from_dir(dir: &Path) -> io::Result<Vec<Seed>> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    let mut seeds = Vec::new();
    for path in files {
        let bytes = fs::read(&path)?;
        let targets = targets_for(&path, &bytes);
        if targets.is_empty() {
            continue;
        }
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        let name = relative.to_string_lossy().replace(['/', '\\'], "__");
        // A JSON policy file, written again as a string in a template.
        let json_policy = name.ends_with(".json") && !name.ends_with(".tf.json");
        if let Ok(text) = std::str::from_utf8(&bytes)
            && json_policy
            && text.contains("\"Statement\"")
        {
            seeds.extend(embeddings(&name, text));
        }
        seeds.push(Seed { name, targets, bytes });
    }
    Ok(seeds)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), files)?;
        } else if kind.is_file() {
            files.push(entry.path());
        }
    }
    Ok(())
}

/// A JSON policy written as a string in a template, the ways authors write it: a JSON
/// string with escapes, a YAML block scalar, a YAML double-quoted scalar, a Terraform
/// heredoc.
fn embeddings(name: &str, policy: &str) -> Vec<Seed> {
    let quoted = serde_json::to_string(policy).unwrap_or_default();
    let json = format!(
        r#"{{"Resources": {{"Policy": {{"Type": "AWS::IAM::ManagedPolicy", "Properties": {{"PolicyDocument": {quoted}}}}}}}}}"#
    );
    let indented: String = policy.lines().map(|l| format!("        {l}\n")).collect();
    let block = format!(
        "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: |\n{indented}"
    );
    let double = format!(
        "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {quoted}\n"
    );
    let heredoc = format!(
        "resource \"aws_iam_policy\" \"p\" {{\n  policy = <<-EOT\n{}  EOT\n}}\n",
        hcl_literal(&indented)
    );
    let embedded = || vec![Target::Embedded, Target::EndToEnd];
    vec![
        seed(format!("{name}.in-json-string.json"), embedded(), json),
        seed(format!("{name}.in-block-scalar.yaml"), embedded(), block),
        seed(format!("{name}.in-double-quoted.yaml"), embedded(), double),
        seed(
            format!("{name}.in-heredoc.tf"),
            vec![Target::Hcl, Target::EndToEnd],
            heredoc,
        ),
    ]
}

/// Text as written in an HCL string or heredoc: `${` and `%{` (a policy variable such as
/// `${aws:username}`) escaped as `$${` and `%%{`, or Terraform reads a template and the
/// file does not parse.
fn hcl_literal(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

fn seed(name: String, targets: Vec<Target>, text: String) -> Seed {
    Seed {
        name,
        targets,
        bytes: text.into_bytes(),
    }
}

/// Actions, resources and condition keys the generated policies draw from: real names,
/// wildcards and near misses, so that rules have something to say about them.
const ACTIONS: [&str; 12] = [
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "iam:PassRole",
    "iam:CreateServiceLinkedRole",
    "rds:CreateDBInstance",
    "rds:ModifyDBInstance",
    "secretsmanager:CreateSecret",
    "kms:Decrypt",
    "ec2:Describe*",
    "sts:AssumeRole",
    "nosuchservice:Nothing",
];

const RESOURCES: [&str; 6] = [
    "*",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:iam::123456789012:role/app-*",
    "arn:aws:rds:us-east-1:123456789012:db:main",
    "arn:aws:kms:*:123456789012:key/*",
    "arn:aws:s3:::bucket",
];

/// The `i`th of `items`, cycling, with a suffix every full cycle so values stay distinct.
fn nth(items: &[&str], i: usize) -> String {
    let item = items[i % items.len()];
    match i / items.len() {
        0 => item.to_string(),
        round => format!("{item}{round}"),
    }
}

fn json_list(n: usize, item: impl Fn(usize) -> String) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"{}\"", item(i))).collect();
    format!("[{}]", items.join(","))
}

/// A statement as one line of JSON.
fn statement(sid: &str, effect: &str, actions: &str, resources: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(r#"{{"Sid":"{sid}","Effect":"{effect}","Action":{actions},"Resource":{resources}{condition}}}"#)
}

fn policy(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn nested(depth: usize, open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// Large inputs of the shapes that stress time and memory. Sizes are tens to a few
/// hundred KB: large enough to reach long-line, alias and quadratic paths, small enough
/// for libFuzzer to mutate.
pub fn generated() -> Vec<Seed> {
    let json = || vec![Target::Json, Target::Embedded, Target::EndToEnd];
    let yaml = || vec![Target::Yaml, Target::Embedded, Target::EndToEnd];
    let hcl = || vec![Target::Hcl, Target::EndToEnd];
    let plan = || vec![Target::Json, Target::Plan, Target::EndToEnd];
    let mut seeds = Vec::new();
    let mut add =
        |name: &str, targets: Vec<Target>, text: String| seeds.push(seed(name.into(), targets, text));

    // Many statements on one line, with duplicate Sids and duplicate statements.
    let statements: Vec<String> = (0..1100)
        .map(|i| {
            let actions = json_list(3, |k| nth(&ACTIONS, i + k));
            let resources = json_list(2, |k| nth(&RESOURCES, i + k));
            let effect = if i % 7 == 0 { "Deny" } else { "Allow" };
            statement(&format!("S{}", i % 500), effect, &actions, &resources, "")
        })
        .collect();
    let many_statements = policy(&statements);
    add("many-statements-one-line.json", json(), many_statements.clone());

    // One statement with very wide elements.
    let wide_actions = policy(&[statement(
        "Wide",
        "Allow",
        &json_list(8000, |i| nth(&ACTIONS, i)),
        r#""*""#,
        "",
    )]);
    add("wide-actions.json", json(), wide_actions);
    add(
        "wide-resources.json",
        json(),
        policy(&[statement(
            "Wide",
            "Allow",
            r#""s3:GetObject""#,
            &json_list(5000, |i| nth(&RESOURCES, i)),
            "",
        )]),
    );
    let values = json_list(5000, |i| format!("10.{}.{}.0/24", i / 256 % 256, i % 256));
    let keys = json_list(2000, |i| format!("aws:PrincipalTag/team{i}"));
    let condition = format!(
        r#"{{"IpAddress":{{"aws:SourceIp":{values}}},"ForAnyValue:StringLike":{{"aws:TagKeys":{keys}}},"StringEquals":{{"aws:PrincipalOrgID":"o-abc","aws:PrincipalOrgID":"o-def"}}}}"#
    );
    add(
        "wide-condition.json",
        json(),
        policy(&[statement("Cond", "Deny", r#""*""#, r#""*""#, &condition)]),
    );

    // Policy variables: many in one value, nested, unclosed.
    let variables = [
        "${aws:username}".repeat(3000),
        nested(2000, "${", "aws:username", "}"),
        "${".repeat(20000),
        "${aws:PrincipalTag/${aws:username}}-${*}${?}${$}".repeat(500),
    ];
    let resources = format!(
        "[{}]",
        variables
            .iter()
            .map(|v| format!("\"arn:aws:s3:::b/{v}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    add(
        "policy-variables.json",
        json(),
        policy(&[statement("Vars", "Allow", r#""s3:GetObject""#, &resources, "")]),
    );

    // Nesting at and beyond the depth limit.
    add("deep-arrays.json", json(), nested(200, "[", "1", "]"));
    add(
        "deep-objects.json",
        json(),
        nested(127, r#"{"Statement":"#, "{}", "}"),
    );
    add("deep-flow.yaml", yaml(), nested(200, "[", "a", "]"));
    let deep_block: String = (0..150).map(|d| format!("{}k{d}:\n", " ".repeat(d))).collect();
    add("deep-block.yaml", yaml(), format!("Resources:\n{deep_block}"));
    add(
        "deep-object.tf",
        hcl(),
        format!("locals {{\n  x = {}\n}}\n", nested(100, "{ a = ", "1", " }")),
    );

    // YAML aliases: a large anchored scalar used many times, an expanding chain, anchors
    // as keys, merge keys.
    let big = "x".repeat(50_000);
    let uses: String = (0..200).map(|i| format!("  r{i}: *big\n")).collect();
    add(
        "alias-large-scalar.yaml",
        yaml(),
        format!("Parameters:\n  P: &big \"{big}\"\nResources:\n{uses}"),
    );
    let mut laughs = String::from("Resources:\n  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for level in 1..12 {
        let refs = vec![format!("*a{}", level - 1); 8].join(", ");
        laughs.push_str(&format!("  a{level}: &a{level} [{refs}]\n"));
    }
    add("alias-chain.yaml", yaml(), laughs);
    // Scalar anchors used as keys: a 2 KB one under 300 resources, 600 KB of key text.
    let long_key = "k".repeat(2000);
    let keys: String = (0..300)
        .map(|i| format!("  R{i}:\n    *k : v{i}\n    *s{} : w{i}\n", i % 3))
        .collect();
    add(
        "alias-keys.yaml",
        yaml(),
        format!("Parameters:\n  K: &k {long_key}\n  S: {{a: &s0 b, c: &s1 d, e: &s2 f}}\nResources:\n{keys}"),
    );
    let merges: String = (0..500)
        .map(|i| format!("  R{i}:\n    <<: *base\n    Type: AWS::IAM::Role\n"))
        .collect();
    add(
        "merge-keys.yaml",
        yaml(),
        format!(
            "Mappings:\n  Base: &base\n    Properties:\n      AssumeRolePolicyDocument: {{Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]}}\nResources:\n{merges}"
        ),
    );

    // Templates: many resources with inline policies, a long one-line flow template,
    // intrinsic functions with many parts, a large embedded policy.
    let resources: String = (0..400)
        .map(|i| {
            format!(
                "  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {{Service: !Sub \"${{AWS::Region}}.amazonaws.com\"}}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: !Join [\"-\", [!Ref AWS::StackName, p{i}]]\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [{a}, {b}]\n                Resource: !GetAtt Role{j}.Arn\n",
                a = nth(&ACTIONS, i),
                b = nth(&ACTIONS, i + 5),
                j = (i + 1) % 400
            )
        })
        .collect();
    add(
        "many-resources.yaml",
        yaml(),
        format!("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n{resources}"),
    );
    let sub = (0..3000).map(|i| format!("${{P{}}}", i % 50)).collect::<String>();
    add(
        "one-line-template.yaml",
        yaml(),
        format!(
            "{{AWSTemplateFormatVersion: '2010-09-09', Parameters: {{P0: {{Type: String, NoEcho: true, Default: hunter2}}}}, Resources: {{Db: {{Type: 'AWS::RDS::DBInstance', Properties: {{MasterUserPassword: !Sub '{sub}', Engine: postgres}}}}, P: {{Type: 'AWS::IAM::ManagedPolicy', Properties: {{PolicyDocument: {many_statements}}}}}}}}}"
        ),
    );
    add(
        "embedded-long-string.json",
        json(),
        format!(
            r#"{{"Resources":{{"P":{{"Type":"AWS::IAM::ManagedPolicy","Properties":{{"PolicyDocument":{}}}}}}}}}"#,
            serde_json::to_string(&many_statements).unwrap_or_default()
        ),
    );

    // Terraform: many statement blocks, a large heredoc, jsonencode, a chain of locals.
    let blocks: String = (0..1000)
        .map(|i| {
            format!(
                "  statement {{\n    sid = \"S{i}\"\n    actions = [\"{}\"]\n    resources = [\"{}\"]\n    condition {{\n      test = \"StringEquals\"\n      variable = \"aws:PrincipalTag/t{i}\"\n      values = [\"${{aws:username}}\"]\n    }}\n  }}\n",
                nth(&ACTIONS, i),
                nth(&RESOURCES, i)
            )
        })
        .collect();
    let blocks = hcl_literal(&blocks);
    add(
        "policy-document.tf",
        hcl(),
        format!(
            "data \"aws_iam_policy_document\" \"big\" {{\n{blocks}}}\n\nresource \"aws_iam_policy\" \"p\" {{\n  policy = data.aws_iam_policy_document.big.json\n}}\n"
        ),
    );
    add(
        "heredoc-policy.tf",
        hcl(),
        format!(
            "resource \"aws_iam_policy\" \"p\" {{\n  policy = <<EOT\n{}\nEOT\n}}\n",
            hcl_literal(&many_statements)
        ),
    );
    let hcl_statements: Vec<String> = (0..1500)
        .map(|i| {
            format!(
                "{{ Effect = \"Allow\", Action = \"{}\", Resource = \"*\" }}",
                nth(&ACTIONS, i)
            )
        })
        .collect();
    add(
        "jsonencode-one-line.tf",
        hcl(),
        format!(
            "resource \"aws_iam_role_policy\" \"p\" {{\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{}] }})\n}}\n",
            hcl_statements.join(", ")
        ),
    );
    let locals: String = (1..200)
        .map(|i| format!("  l{i} = \"${{local.l{}}}x\"\n", i - 1))
        .collect();
    add(
        "locals-chain.tf",
        hcl(),
        format!(
            "variable \"pw\" {{\n  default = \"hunter2hunter2\"\n}}\nlocals {{\n  l0 = var.pw\n{locals}}}\nresource \"aws_db_instance\" \"db\" {{\n  password = local.l199\n}}\n"
        ),
    );

    // A plan on one line, with many resources and a module tree.
    let planned: Vec<String> = (0..600)
        .map(|i| {
            let doc = serde_json::to_string(&policy(&[statement(
                "P",
                "Allow",
                &json_list(2, |k| nth(&ACTIONS, i + k)),
                r#""*""#,
                "",
            )]))
            .unwrap_or_default();
            format!(
                r#"{{"address":"aws_iam_policy.p{i}","mode":"managed","type":"aws_iam_policy","name":"p{i}","values":{{"policy":{doc}}}}}"#
            )
        })
        .collect();
    let db = r#"{"address":"aws_db_instance.db","mode":"managed","type":"aws_db_instance","name":"db","values":{"password":"hunter2hunter2","manage_master_user_password":null}}"#;
    let module = nested(
        20,
        r#"{"address":"module.m","resources":[],"child_modules":["#,
        &format!(r#"{{"resources":[{db}]}}"#),
        "]}",
    );
    add(
        "plan-one-line.json",
        plan(),
        format!(
            r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[{},{db}],"child_modules":[{module}]}}}},"configuration":{{"root_module":{{"resources":[{{"address":"aws_db_instance.db","expressions":{{"password":{{"constant_value":"hunter2hunter2"}}}}}}],"module_calls":{{"m":{{"module":{{"module_calls":{{}}}}}}}}}}}}}}"#,
            planned.join(",")
        ),
    );
    seeds
}
