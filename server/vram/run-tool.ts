import { execFile } from "node:child_process";

// GPU tools run as child processes with a timeout; a missing tool, a non-zero exit or a hang is
// an error value, never an exception.

export type ToolResult = { ok: true; stdout: string } | { ok: false; missing: boolean; error: string };
export type ToolRunner = (command: string, args: readonly string[]) => Promise<ToolResult>;

const MAX_OUTPUT = 4 * 1024 * 1024;

export function toolRunner(timeoutMs = 5000): ToolRunner {
  return (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: "utf8", windowsHide: true }, (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return resolve({ ok: false, missing: true, error: `${command} not found on PATH` });
        if (error.killed) return resolve({ ok: false, missing: false, error: `${command} gave no answer within ${timeoutMs} ms` });
        const detail = (stderr || stdout || error.message).trim().split("\n")[0]?.slice(0, 200);
        resolve({ ok: false, missing: false, error: `${command} failed: ${detail}` });
      });
    });
}
