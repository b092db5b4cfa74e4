import { getConfig } from "../config/env";
import { createLogger, type Logger } from "./logger";

const holder = globalThis as unknown as { __smarterrouterLogger?: Logger };

/** The logger of this process, configured from ROUTER_LOG_LEVEL and ROUTER_LOG_FORMAT. */
export function processLogger(): Logger {
  if (!holder.__smarterrouterLogger) {
    const config = getConfig();
    holder.__smarterrouterLogger = createLogger({ level: config.ROUTER_LOG_LEVEL, format: config.ROUTER_LOG_FORMAT });
  }
  return holder.__smarterrouterLogger;
}
