import { SETTINGS, type SettingName } from "./settings";

/** Renders ENV_DEFAULT from the settings table, so the file can never drift from the schema. */
export function renderEnvDefault(): string {
  const lines = [
    "# SmarterRouter configuration: every variable the router reads, with its default.",
    "# Copy to .env (or export the variables) and change what you need. An empty value means the default.",
    "# Generated from server/config/settings.ts by `npm run env:default`; a test keeps the two equal.",
  ];
  let group = "";
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const spec = SETTINGS[name];
    if (spec.group !== group) {
      group = spec.group;
      lines.push("", `# ---- ${group} ----`);
    }
    lines.push(`# ${spec.doc}${spec.secret ? " (secret: never logged)" : ""}`, `${name}=${spec.default ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}
