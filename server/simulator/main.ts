import { parseArgs } from "node:util";
import { ConfigError } from "./config";
import { startSimulator } from "./server";

const USAGE = `usage: npm run sim -- [--config fleet.yaml] [--port 11435] [--host 127.0.0.1] [--seed N]
                      [--time-scale X | --speed X] [--api-key KEY]
  --time-scale  multiplies every simulated delay (0 = instant, 1 = real time; default from config)
  --speed       the inverse: 10 = ten times faster than real time, "max" = no delays`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) fail(`invalid --${name}: "${value}" is not a number`);
  return parsed;
}

function timeScaleFrom(timeScale: string | undefined, speed: string | undefined): number | undefined {
  if (speed === undefined) return numberFlag("time-scale", timeScale);
  if (speed === "max") return 0;
  const factor = numberFlag("speed", speed);
  if (factor === undefined || factor <= 0) fail(`invalid --speed: "${speed}" must be positive or "max"`);
  return 1 / factor;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        "time-scale": { type: "string" },
        speed: { type: "string" },
        "api-key": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = numberFlag("port", values.port) ?? 11435;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port: ${values.port}`);
  const seed = numberFlag("seed", values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) fail(`invalid --seed: ${values.seed} is not an integer`);

  try {
    const simulator = await startSimulator({
      configPath: values.config,
      port,
      host: values.host,
      seed,
      timeScale: timeScaleFrom(values["time-scale"], values.speed),
      apiKey: values["api-key"],
    });
    console.log(`simulated fleet listening on ${simulator.url} (${simulator.config.models.length} models)`);
    const stop = (): void => {
      void simulator.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") fail(`cannot listen on port ${port}: address already in use`);
    fail(`simulator failed to start: ${(error as Error).message}`);
  }
}

void main();
