/**
 * The server under test as users deploy it: `main.ts` in its own process
 * (`deno task start`), its Slack being the demo emulator with the seeded
 * workspace, served on loopback by the bench process.
 * @module
 */
import { type ServerProcess, type SpawnOptions, spawnServer } from "./process.ts";
import { serveEmulator } from "../src/slack_emulator/emulator.ts";
import { createSeedWorkspace } from "../src/slack_emulator/seed.ts";
import { demoTokens } from "../tests/harness.ts";
import { startFlags } from "../tests/server_process.ts";

/** Settings of the server under test: webhooks on, the per-client limit out of the way. */
export const benchEnv = {
  RATE_LIMIT_PER_MINUTE: "1000000000",
  SLACK_SIGNING_SECRET: "bench-signing-secret-0123456789",
};

/** The cached read every client repeats. */
export const historyCall = {
  name: "slack_get_channel_history",
  args: { channel_id: "general", limit: 20 },
} as const;

/**
 * Starts an emulator here and `main.ts` against it (with `spawn`'s `deno run`
 * flags or inspector); `stop()` stops both.
 *
 * @example
 * ```ts
 * const server = await spawnMain({ MCP_STATELESS: "true" });
 * await server.stop();
 * ```
 */
export async function spawnMain(
  env: Record<string, string> = {},
  spawn: Pick<SpawnOptions, "denoFlags" | "inspect"> = {},
): Promise<ServerProcess> {
  const slack = await serveEmulator({
    workspace: createSeedWorkspace({ now: Date.now() }),
    now: () => Date.now(),
  });
  try {
    const server = await spawnServer({
      script: "main.ts",
      env: {
        SLACK_BOT_TOKEN: demoTokens.bot,
        SLACK_USER_TOKEN: demoTokens.user,
        SLACK_API_URL: slack.url,
        ...benchEnv,
        ...env,
      },
      ...spawn,
      // As `deno task start` runs it.
      denoFlags: [...startFlags, ...spawn.denoFlags ?? []],
    });
    return {
      ...server,
      async stop() {
        await server.stop();
        await slack.close();
      },
    };
  } catch (error) {
    await slack.close();
    throw error;
  }
}
