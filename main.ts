/**
 * Entry point: the command line in `src/cli.ts` (help, version, config, then
 * HTTP, stdio, the demo or the Slack app manifest).
 * @module
 */
import { main } from "./src/cli.ts";

await main(Deno.env.toObject(), Deno.args);
