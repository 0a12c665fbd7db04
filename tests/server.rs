//! `iamlint server` as an editor drives it: the real binary spawned, JSON-RPC over its
//! stdin and stdout (initialize, didOpen, didChange, hover, completion, codeAction with
//! fixes and suppressions, shutdown, exit), assertions on what it answers and publishes.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one reply may take (a debug build checking a template).
const PATIENCE: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for something else.
    seen: Vec<Value>,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            seen: Vec::new(),
        };
        let uri = uri(root);
        let reply = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}}),
        );
        assert_eq!(reply["result"]["capabilities"]["textDocumentSync"], 1, "{reply}");
        assert_eq!(reply["result"]["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id)
    }

    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&wanted) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .expect("the server answers in time");
            if wanted(&message) {
                return message;
            }
            self.seen.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message =
            self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The labels completion offers at `position`.
    fn complete(&mut self, uri: &str, position: Value) -> Vec<String> {
        let reply = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        reply["result"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    }

    fn stop(mut self) {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null, "{reply}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// Line and character (UTF-16) of the first occurrence of `needle`, plus `shift` characters.
fn position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap() + shift;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

const TEMPLATE: &str = "\
Resources:
  Deploy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action:
              - s3:GetObject
              - s3:Get*
            Resource: arn:aws:s3:::reports/*
          - Effect: Allow
            Action: iam:PassRole
            Resource: '*'
";

#[test]
fn diagnostics_hover_completion_and_suppression_over_json_rpc() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let file = dir.path().join("deploy.yaml");
    // On disk: nothing to find. The editor's buffer is what is checked.
    fs::write(&file, "Resources: {}\n").unwrap();
    let doc = uri(&file);
    let mut client = Client::start(dir.path());

    client.open(&doc, "yaml", TEMPLATE);
    let diagnostics = client.diagnostics(&doc);
    assert_eq!(
        codes(&diagnostics),
        ["iam/redundant-action", "iam/pass-role-star", "iam/resource-star"],
        "{diagnostics:?}"
    );
    let redundant = &diagnostics[0];
    assert_eq!(redundant["range"]["start"], position(TEMPLATE, "s3:GetObject", 0));
    assert_eq!(
        redundant["range"]["end"],
        position(TEMPLATE, "s3:GetObject", "s3:GetObject".len())
    );
    assert_eq!(redundant["severity"], 3, "info");
    assert_eq!(redundant["tags"], json!([1]), "Unnecessary");
    assert_eq!(redundant["source"], "iamlint");
    assert_eq!(
        redundant["codeDescription"]["href"],
        "https://github.com/iamlint/iamlint/blob/main/rules/iam/redundant-action.md"
    );
    let related = &redundant["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], doc.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        position(TEMPLATE, "s3:Get*", 0)
    );
    assert_eq!(diagnostics[1]["severity"], 2, "warning");
    assert_eq!(diagnostics[1].get("tags"), None);

    // An edit is checked from the buffer, once the typing stops.
    let fixed = TEMPLATE.replace("              - s3:GetObject\n", "");
    client.change(&doc, 2, &fixed);
    client.change(
        &doc,
        3,
        &fixed.replace("'*'", "arn:aws:iam::111122223333:role/app"),
    );
    assert_eq!(codes(&client.diagnostics(&doc)), Vec::<&str>::new());

    // Hover: an action, a wildcard, a condition operator.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": position(&fixed, "iam:PassRole", 4)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**`iam:PassRole`**") && text.contains("Access level: Write"),
        "{text}"
    );
    assert!(text.contains("`role`"), "{text}");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": position(&fixed, "s3:Get*", 2)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**`s3:Get*`** matches ")
            && text.contains("- `s3:GetAccelerateConfiguration` (Read)"),
        "{text}"
    );
    assert!(text.contains(" more"), "{text}");

    // Completion inside Action, and under Condition.
    let typing = fixed.replace("Action: iam:PassRole", "Action: iam:PassR");
    client.change(&doc, 4, &typing);
    let labels = client.complete(&doc, position(&typing, "iam:PassR", 9));
    assert_eq!(labels, ["iam:PassRole"]);
    let conditioned =
        format!("{fixed}            Condition:\n              StringEquals:\n                iam:Pa");
    client.change(&doc, 5, &conditioned);
    let end = conditioned.len() - conditioned.find("iam:Pa").unwrap();
    let labels = client.complete(&doc, position(&conditioned, "iam:Pa", end));
    assert_eq!(labels, ["iam:PassedToService"], "the key iam:PassRole accepts");

    // Back to the template with findings: suppress one, and see it go.
    client.change(&doc, 6, TEMPLATE);
    let diagnostics = client.diagnostics(&doc);
    let pass_role = diagnostics
        .iter()
        .find(|d| d["code"] == "iam/pass-role-star")
        .unwrap()
        .clone();
    let reply = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": doc},
            "range": pass_role["range"],
            "context": {"diagnostics": [pass_role]}
        }),
    );
    let action = &reply["result"][0];
    assert_eq!(
        action["title"],
        "Suppress `iam/pass-role-star` here (fill in the reason)"
    );
    let edit = &action["edit"]["changes"][doc.as_str()][0];
    assert_eq!(
        edit["newText"],
        "            # iamlint: ignore[iam/pass-role-star] reason: TODO\n"
    );
    assert_eq!(edit["range"]["start"], json!({"line": 14, "character": 0}));
    let lines: Vec<&str> = TEMPLATE.lines().collect();
    let suppressed = format!(
        "{}\n{}{}\n",
        lines[..14].join("\n"),
        edit["newText"].as_str().unwrap(),
        lines[14..].join("\n")
    );
    client.change(&doc, 7, &suppressed);
    assert_eq!(
        codes(&client.diagnostics(&doc)),
        ["iam/redundant-action", "iam/resource-star"]
    );

    // Hover on the rule id of the suppression.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": position(&suppressed, "pass-role-star", 0)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("iam:PassRole is allowed on every role"), "{text}");
    client.stop();
}

#[test]
fn open_buffers_take_precedence_over_the_disk_for_principals() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(
        dir.path().join(".iamlint.toml"),
        "[[principal]]\nname = \"deployer\"\npolicies = [\"guard.json\", \"grants.json\"]\n",
    )
    .unwrap();
    let guard = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rds:CreateDBInstance", "Resource": "*",
  "Condition": {"Bool": {"rds:ManageMasterUserPassword": "false"}}}]}"#;
    let grants = |action: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
        )
    };
    fs::write(dir.path().join("guard.json"), guard).unwrap();
    fs::write(dir.path().join("grants.json"), grants("rds:*")).unwrap();
    let guard_uri = uri(&dir.path().join("guard.json"));
    let grants_uri = uri(&dir.path().join("grants.json"));
    let mut client = Client::start(dir.path());

    client.open(&guard_uri, "json", guard);
    let found = client.diagnostics(&guard_uri);
    assert!(codes(&found).contains(&"rds/guard-bypass-modify"), "{found:?}");
    // The principal may only create databases in the editor's (unsaved) text of its other
    // policy: the guard then has no gap for it.
    client.open(&grants_uri, "json", &grants("rds:CreateDBInstance"));
    let found = loop {
        let found = client.diagnostics(&guard_uri);
        if !codes(&found).contains(&"rds/guard-bypass-modify") {
            break found;
        }
    };
    assert_eq!(codes(&found), Vec::<&str>::new());
    client.stop();
}

#[test]
fn passwords_are_never_published_and_hostile_text_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let template = "\
Parameters:
  DbPassword:
    Type: String
    Default: Sup3rS3cretValue
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: !Ref DbPassword
      MasterUsername: admin
";
    let doc = uri(&dir.path().join("db.yaml"));
    let mut client = Client::start(dir.path());
    client.open(&doc, "yaml", template);
    let found = client.diagnostics(&doc);
    assert!(
        codes(&found).contains(&"rds/hardcoded-master-password"),
        "{found:?}"
    );
    assert!(
        !serde_json::to_string(&found)
            .unwrap()
            .contains("Sup3rS3cretValue")
    );

    let broken = uri(&dir.path().join("broken.json"));
    client.open(&broken, "json", "{\"Statement\": [\u{1b}[31m\u{202e}");
    let found = client.diagnostics(&broken);
    assert_eq!(codes(&found), ["parse-error"]);
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        !message.contains('\u{1b}') && !message.contains('\u{202e}'),
        "{message}"
    );
    // Requests at positions past the end, on text that does not parse, are answered.
    for method in ["textDocument/hover", "textDocument/completion"] {
        let reply = client.request(
            method,
            json!({"textDocument": {"uri": broken}, "position": {"line": 99, "character": 99}}),
        );
        assert!(reply.get("error").is_none(), "{reply}");
    }
    client.stop();
}

use std::fs;

/// `text` with LSP text edits applied (ASCII text: a character is a byte).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort();
    let mut out = String::new();
    let mut at = 0;
    for (start, end, new) in edits {
        out.push_str(&text[at..start]);
        out.push_str(new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn each_fix_is_a_quick_fix_while_the_text_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let file = dir.path().join("deploy.yaml");
    fs::write(&file, "Resources: {}\n").unwrap();
    let doc = uri(&file);
    let mut client = Client::start(dir.path());
    client.open(&doc, "yaml", TEMPLATE);
    let diagnostics = client.diagnostics(&doc);
    let redundant = diagnostics
        .iter()
        .find(|d| d["code"] == "iam/redundant-action")
        .unwrap()
        .clone();
    let ask = |client: &mut Client, diagnostic: &Value| {
        client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": doc},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]}
            }),
        )
    };
    let reply = ask(&mut client, &redundant);
    let actions = reply["result"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "the fix, then the suppression: {actions:?}");
    let fix = &actions[0];
    assert_eq!(fix["title"], "Fix: remove `s3:GetObject`");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true, "a safe fix");
    assert_eq!(fix["diagnostics"][0]["code"], "iam/redundant-action");
    assert!(actions[1]["title"].as_str().unwrap().starts_with("Suppress"));
    let edits = fix["edit"]["changes"][doc.as_str()].as_array().unwrap();
    let fixed = apply_edits(TEMPLATE, edits);
    assert_eq!(fixed, TEMPLATE.replace("              - s3:GetObject\n", ""));
    client.change(&doc, 2, &fixed);
    let codes_now: Vec<String> = client
        .diagnostics(&doc)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !codes_now.contains(&"iam/redundant-action".to_string()),
        "{codes_now:?}"
    );

    // The old diagnostic, sent for the changed text: its edits would land elsewhere, so only
    // the suppression is offered.
    let reply = ask(&mut client, &redundant);
    let titles: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.iter().all(|t| !t.starts_with("Fix")), "{titles:?}");

    // An unsafe fix is offered, not preferred.
    let policy = dir.path().join("home.json");
    let text = "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/${aws:username}/*\"}]\n}\n";
    fs::write(&policy, text).unwrap();
    let policy_uri = uri(&policy);
    client.open(&policy_uri, "json", text);
    let missing = client
        .diagnostics(&policy_uri)
        .into_iter()
        .find(|d| d["code"] == "iam/missing-version")
        .unwrap();
    let reply = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": policy_uri},
            "range": missing["range"],
            "context": {"diagnostics": [missing]}
        }),
    );
    let fix = &reply["result"][0];
    assert!(fix["title"].as_str().unwrap().starts_with("Fix (unsafe"), "{fix}");
    assert_eq!(fix["isPreferred"], false);
    let edits = fix["edit"]["changes"][policy_uri.as_str()].as_array().unwrap();
    assert!(apply_edits(text, edits).starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\""));
    client.stop();
}
