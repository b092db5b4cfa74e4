// `npm start`: runs scripts/start.ts on plain node, bundled by esbuild (this repository's code in
// one file, packages left in node_modules). Without tsx's loader thread and its on-the-fly
// transpiling the server holds about 90 MB less and answers about 1 s sooner after a start. The
// bundle is rebuilt (well under a second) when it is missing or older than any of its sources.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";

// V8's allocation-site pretenuring, left on, decides in about half of the server processes (at
// random, for their lifetime) to allocate some request-path objects straight into the old
// generation: the short-lived objects they point to then survive young collections too, and the
// router spends 15-20% more CPU per request on garbage collection (hot-path bench: 25 against 10 KiB
// per request outliving a young collection). Off, every process behaves like the good half.
v8.setFlagsFromString("--no-allocation-site-pretenuring");

const root = path.resolve(import.meta.dirname, "..");
// Not under .next/: scripts/start.ts runs `next build` when there is no build, which empties it.
const outdir = path.join(root, "build");
const entry = path.join(outdir, "start.js");
const inputsFile = path.join(outdir, "inputs.json");

/** Every source file of the last bundle (from esbuild's metafile) is older than the bundle. */
function isFresh() {
  if (!existsSync(entry) || !existsSync(inputsFile)) return false;
  const built = statSync(entry).mtimeMs;
  const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
  return inputs.every((input) => (statSync(path.join(root, input), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= built);
}

if (!isFresh()) {
  const { build } = await import("esbuild");
  rmSync(outdir, { recursive: true, force: true }); // chunk names change with their content
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: ["scripts/start.ts"],
    outdir,
    entryNames: "[name]",
    bundle: true,
    // Modules imported with import() (the OpenTelemetry SDK) stay in their own files, loaded when used.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(inputsFile, JSON.stringify(Object.keys(metafile.inputs)));
}

process.chdir(root);
await import(pathToFileURL(entry).href);
