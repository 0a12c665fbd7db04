// A thin client: everything else is `iamlint server`.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("iamlint").get("path") || "iamlint";
  const server = { command, args: ["server"] };
  client = new LanguageClient(
    "iamlint",
    "iamlint",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "json" },
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "terraform" },
        { scheme: "file", pattern: "**/*.{tf,template}" },
      ],
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
