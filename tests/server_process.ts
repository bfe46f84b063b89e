/**
 * `main.ts` as a child process, the way users run it: with a deno task's
 * flags and only the settings a test gives (the parent's Slack settings
 * are blanked out).
 * @module
 */
import { settingNames } from "../src/config.ts";

const root = new URL("../", import.meta.url);

/**
 * The flags `deno task start` runs `main.ts` with (permissions, lazy dynamic
 * imports), read from `deno.json` so that tests run the server as users do.
 */
export const startFlags: string[] = (() => {
  const { tasks } = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  const flags = /^deno run (.+) main\.ts$/.exec(tasks.start)?.[1];
  if (!flags) throw new Error(`deno.json's start task is not "deno run … main.ts": ${tasks.start}`);
  return flags.split(" ");
})();

/** What a finished process printed. */
export interface ProcessOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running server process; disposing it kills it if it is still running. */
export interface ServerProcess extends AsyncDisposable {
  /** Base URL, parsed from the "Serving MCP on …" log line. */
  url: string;
  child: Deno.ChildProcess;
  /** Waits for the exit; resolves with everything it printed. */
  finished(): Promise<ProcessOutput>;
}

function command(args: string[], env: Record<string, string>, permissions: string[]) {
  const blank = Object.fromEntries([...settingNames, "SLACK_TOKEN"].map((name) => [name, ""]));
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "main.ts", ...args],
    cwd: root,
    env: { ...blank, NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * Runs `main.ts` to completion.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runMain(["--version"]);
 * ```
 */
export async function runMain(
  args: string[],
  env: Record<string, string> = {},
  permissions = ["--allow-env", "--allow-read"],
): Promise<ProcessOutput> {
  const output = await command(args, env, permissions).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Starts `main.ts` (HTTP on a free port) with `permissions` (default: what
 * `deno task start` grants) and resolves once it listens; rejects, with the
 * exit code and stderr, when it exits first.
 *
 * @example
 * ```ts
 * await using server = await spawnServer({ SLACK_BOT_TOKEN: "xoxb-…", SLACK_API_URL: url });
 * server.child.kill("SIGTERM");
 * const { code } = await server.finished();
 * ```
 */
export async function spawnServer(
  env: Record<string, string>,
  args: string[] = [],
  permissions: string[] = startFlags,
): Promise<ServerProcess> {
  const child = command(["--port", "0", ...args], env, permissions).spawn();
  const text = { stdout: "", stderr: "" };
  const { promise: listening, resolve, reject } = Promise.withResolvers<string>();
  const collect = async (name: keyof typeof text) => {
    for await (const chunk of child[name].pipeThrough(new TextDecoderStream())) {
      text[name] += chunk;
      const url = /Serving MCP on (https?:\/\/127\.0\.0\.1:\d+)\/mcp/.exec(text.stderr)?.[1];
      if (url) resolve(url);
    }
  };
  const reading = Promise.all([collect("stdout"), collect("stderr")])
    .then(async () => {
      const { code } = await child.status;
      reject(new Error(`The server exited with code ${code} before listening:\n${text.stderr}`));
    });
  let exited = false;
  const finished = async () => {
    const { code } = await child.status;
    exited = true;
    await reading;
    return { code, ...text };
  };
  const stop = async () => {
    try {
      if (!exited) child.kill("SIGKILL");
    } catch {
      // It exited on its own (before listening, say) and nobody awaited it yet.
    }
    await finished();
  };
  const timer = setTimeout(
    () => reject(new Error(`The server did not listen within 30 s:\n${text.stderr}`)),
    30_000,
  );
  try {
    return { url: await listening, child, finished, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
