// Test-only: the production server process (serve(): listen, drain on SIGTERM/SIGINT, flush,
// exit) without Next behind it, since tests cannot assume a production build. Unknown paths: 404.
import { bootServer } from "../boot";
import { getRuntime } from "../runtime";
import { serve } from "./serve";

await bootServer();
await serve(await getRuntime(), (_req, res) => res.writeHead(404).end());
