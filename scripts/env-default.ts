import fs from "node:fs";
import { renderEnvDefault } from "../server/config/env-default";

fs.writeFileSync(new URL("../ENV_DEFAULT", import.meta.url), renderEnvDefault());
console.log("ENV_DEFAULT written");
