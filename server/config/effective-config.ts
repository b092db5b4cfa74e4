import path from "node:path";
import { readDotEnv, type Env } from "./env";
import { SETTINGS, type Config, type SettingName } from "./settings";

export type SettingSource = "environment" | ".env file" | "default" | "generated" | "unset";

export type EffectiveSetting = { name: SettingName; group: string; doc: string; secret: boolean; value: string | null; source: SettingSource };

/**
 * Every setting with the value in effect and where it came from; secrets are masked. Sources are
 * read now (the environment does not change while the process runs; `.env` might, but the values
 * shown are those parsed at start).
 */
export function describeEffectiveConfig(config: Config, options: { adminKeyGenerated: boolean; adminKeyFile?: string; env?: Env; dotEnv?: Env } = { adminKeyGenerated: false }): EffectiveSetting[] {
  const dotEnv = options.dotEnv ?? readDotEnv();
  const env = options.env ?? process.env;
  const given = (source: Env, name: string) => (source[name]?.trim() ? true : false);
  return (Object.keys(SETTINGS) as SettingName[]).map((name) => {
    const spec = SETTINGS[name];
    // Next copies .env into process.env, so an equal value there came from the file.
    const fromProcess = given(env, name) && !(given(dotEnv, name) && env[name] === dotEnv[name]);
    let source: SettingSource = fromProcess ? "environment" : given(dotEnv, name) ? ".env file" : spec.default !== undefined ? "default" : "unset";
    if (name === "ROUTER_ADMIN_API_KEY" && options.adminKeyGenerated) source = "generated";
    const raw = config[name];
    const value = raw === undefined || raw === null ? null : spec.secret ? "••••••" : typeof raw === "string" ? raw : JSON.stringify(raw);
    return { name, group: spec.group, doc: spec.doc, secret: Boolean(spec.secret), value: source === "generated" ? generatedKeyNote(options.adminKeyFile) : value, source };
  });
}

/** Where the operator finds a generated admin key (never the key itself). */
function generatedKeyNote(file: string | undefined): string {
  if (!file) return "•••••• (printed in the log at start)";
  const relative = path.relative(process.cwd(), file);
  return `•••••• (kept in ${relative && !relative.startsWith("..") ? relative : file})`;
}
