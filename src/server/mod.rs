//! `iamlint server`: a Language Server over stdio, another front end beside `report/`.
//! It feeds the editor's in-memory documents to the same engine as `check` and turns the
//! findings into diagnostics ([`diagnostics`]), answers hovers and completions from the
//! embedded catalog ([`hover`], [`completion`], which read the text around the cursor
//! ([`cursor`]) because a document being typed rarely parses), and offers each finding's
//! fix and a suppression in the syntax of its file as code actions ([`actions`]).
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's own crates: a synchronous
//! message loop over a channel, which is all a linter that answers in milliseconds needs
//! (no async runtime), with the protocol's types kept up to date by the people who use
//! them most.

mod actions;
mod completion;
mod cursor;
mod diagnostics;
mod hover;
mod text;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};

use crate::engine::Buffers;
use crate::rules::Registry;

/// How long the document must stay unchanged after an edit before it is checked again.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Runs the server on stdin and stdout until the client says `exit` (or hangs up).
pub fn run(registry: &'static Registry) -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref())
        .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
    let capabilities = ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), "\"".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "iamlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let mut server = Server {
        registry,
        utf8,
        documents: HashMap::new(),
        due: HashMap::new(),
    };
    server.serve(&connection)?;
    drop(connection);
    // The client may close its end as soon as it has the reply to `shutdown`.
    let _ = io_threads.join();
    Ok(())
}

/// An open document: its file and the editor's text of it.
struct Document {
    path: Option<PathBuf>,
    text: Arc<str>,
}

struct Server {
    registry: &'static Registry,
    /// Positions count bytes (else UTF-16 code units).
    utf8: bool,
    documents: HashMap<Uri, Document>,
    /// Documents to check again, and when.
    due: HashMap<Uri, Instant>,
}

impl Server {
    fn serve(&mut self, connection: &Connection) -> Result<(), String> {
        // A send fails only when the client has closed the connection: the session is over.
        let send = |message: Message| connection.sender.send(message).map_err(|_| ());
        loop {
            let next = self.due.values().min().copied();
            let received = match next {
                Some(deadline) => {
                    match connection
                        .receiver
                        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    {
                        Ok(message) => Some(message),
                        Err(err) if err.is_timeout() => None,
                        Err(_) => return Ok(()),
                    }
                }
                None => match connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(()),
                },
            };
            match received {
                Some(Message::Request(request)) => {
                    // After `shutdown` the session is over however the client ends it (an
                    // editor quitting may close the pipe instead of sending `exit`).
                    if request.method == lsp_types::request::Shutdown::METHOD {
                        let _ = connection.handle_shutdown(&request);
                        return Ok(());
                    }
                    if send(Message::Response(self.respond(request))).is_err() {
                        return Ok(());
                    }
                }
                Some(Message::Notification(notification)) => self.notice(notification),
                Some(Message::Response(_)) | None => {}
            }
            for notification in self.check_due() {
                if send(Message::Notification(notification)).is_err() {
                    return Ok(());
                }
            }
        }
    }

    /// Answers a request; a panic in a handler is an error reply, not the end of the server.
    fn respond(&self, request: Request) -> Response {
        let id = request.id.clone();
        let answered = catch_unwind(AssertUnwindSafe(|| self.answer(request)));
        match answered {
            Ok(Ok(response)) => response,
            Ok(Err(response)) => response,
            Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, "internal error".into()),
        }
    }

    fn answer(&self, request: Request) -> Result<Response, Response> {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: HoverParams = parse(&id, request.params)?;
                let position = params.text_document_position_params;
                let result = self
                    .documents
                    .get(&position.text_document.uri)
                    .and_then(|doc| hover::hover(&doc.text, position.position, self.registry, self.utf8));
                Ok(ok(id, result))
            }
            Completion::METHOD => {
                let params: CompletionParams = parse(&id, request.params)?;
                let position = params.text_document_position;
                let result = self.documents.get(&position.text_document.uri).map(|doc| {
                    completion::complete(&doc.text, doc.path.as_deref(), position.position, self.utf8)
                });
                Ok(ok(id, result))
            }
            CodeActionRequest::METHOD => {
                let params: CodeActionParams = parse(&id, request.params)?;
                let uri = params.text_document.uri;
                let result = self.documents.get(&uri).map(|doc| {
                    let mut actions = actions::fixes(&uri, &doc.text, &params.context.diagnostics);
                    actions.extend(actions::suppressions(
                        &uri,
                        doc.path.as_deref(),
                        &doc.text,
                        &params.context.diagnostics,
                        self.utf8,
                    ));
                    actions
                });
                Ok(ok(id, result))
            }
            _ => Err(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("`{}` is not supported", request.method),
            )),
        }
    }

    fn notice(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(notification.params) {
                    let uri = params.text_document.uri;
                    self.open(uri, Arc::from(params.text_document.text), Instant::now());
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                    // Full sync: the last change holds the whole text.
                    && let Some(change) = params.content_changes.into_iter().next_back()
                {
                    let uri = params.text_document.uri;
                    self.open(uri, Arc::from(change.text), Instant::now() + DEBOUNCE);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(notification.params)
                {
                    self.documents.remove(&params.text_document.uri);
                    // Its findings go with it; the others may have depended on its text.
                    self.due.insert(params.text_document.uri, Instant::now());
                    self.recheck_all(Instant::now() + DEBOUNCE);
                }
            }
            _ => {}
        }
    }

    /// A document's new text. Every open document is checked again too, since principals and
    /// Terraform modules tie files together.
    fn open(&mut self, uri: Uri, text: Arc<str>, when: Instant) {
        let path = text::path_of(&uri);
        self.documents.insert(uri.clone(), Document { path, text });
        self.recheck_all(when);
        self.due.insert(uri, when);
    }

    fn recheck_all(&mut self, when: Instant) {
        for uri in self.documents.keys() {
            let deadline = self.due.entry(uri.clone()).or_insert(when);
            *deadline = (*deadline).max(when);
        }
    }

    /// The diagnostics of every document whose time has come.
    fn check_due(&mut self) -> Vec<Notification> {
        let now = Instant::now();
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, when)| **when <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        if ready.is_empty() {
            return Vec::new();
        }
        let mut buffers = Buffers::default();
        for document in self.documents.values() {
            if let Some(path) = &document.path {
                buffers.insert(path, document.text.clone());
            }
        }
        ready
            .into_iter()
            .map(|uri| {
                self.due.remove(&uri);
                let path = self.documents.get(&uri).and_then(|d| d.path.clone());
                let diagnostics = path
                    .and_then(|path| {
                        catch_unwind(AssertUnwindSafe(|| {
                            diagnostics::diagnostics(&path, &buffers, self.registry, self.utf8)
                        }))
                        .ok()
                    })
                    .unwrap_or_default();
                let params = PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version: None,
                };
                Notification::new(PublishDiagnostics::METHOD.into(), params)
            })
            .collect()
    }
}

fn parse<T: serde::de::DeserializeOwned>(id: &RequestId, params: serde_json::Value) -> Result<T, Response> {
    serde_json::from_value(params)
        .map_err(|e| Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, e.to_string()))
}

fn ok<T: serde::Serialize>(id: RequestId, result: Option<T>) -> Response {
    Response::new_ok(id, result)
}

#[cfg(test)]
mod tests {
    use lsp_types::{Diagnostic, NumberOrString, Position, Range};

    use super::text::LineMap;
    use super::*;

    /// Hover, completion and the suppress action at every position of text no one would
    /// write: multibyte characters, unbalanced brackets, stray separators, CR LF.
    #[test]
    fn every_position_of_hostile_text_is_answered() {
        let registry = Registry::global().expect("the embedded rules load");
        let texts = [
            "{\"Action\": [\"s3:é\u{1F600}\", {\"Condition\": {\"StringEquals\": {\"\u{202e}aws:",
            "Statement:\r\n  - Action:\r\n      - 東京:*\r\n    Condition: {Bool: [\n  -\n- :\n:=[{",
            "resource \"x\" \"y\" {\n  policy = jsonencode({ Action = [\"\n}}}]]]) == => != \"",
            "'\"\\:\n\n\t- - - ]\"}' : # iamlint: ignore[iam/",
        ];
        let uri: Uri = "file:///tmp/x.yaml".parse().expect("a URI");
        for text in texts {
            for (name, utf8) in [("p.json", false), ("t.yaml", true), ("main.tf", false)] {
                let lines = LineMap::new(text, utf8);
                for offset in 0..=text.len() {
                    let position = lines.position(offset);
                    let _ = hover::hover(text, position, registry, utf8);
                    let _ = completion::complete(text, Some(std::path::Path::new(name)), position, utf8);
                    let diagnostic = Diagnostic {
                        range: Range::new(position, Position::new(position.line + 3, 0)),
                        code: Some(NumberOrString::String("iam/resource-star".into())),
                        source: Some(diagnostics::SOURCE.into()),
                        ..Diagnostic::default()
                    };
                    let path = std::path::Path::new(name);
                    let _ = actions::suppressions(&uri, Some(path), text, &[diagnostic], utf8);
                }
            }
        }
    }
}
