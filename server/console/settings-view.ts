import { describeEffectiveConfig } from "../config/effective-config";
import type { Runtime } from "../runtime";

/** The Settings page: the effective configuration by group, secrets masked, with each value's source. */
export function readEffectiveSettings(runtime: Runtime) {
  return describeEffectiveConfig(runtime.config, { adminKeyGenerated: runtime.adminKey.generated, adminKeyFile: runtime.adminKey.file });
}
