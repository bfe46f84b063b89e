/**
 * The fixed IDs of the demo workspace, in a module of their own so every
 * part of the seed (`seed*.ts`) and the tests name the same people and apps.
 * @module
 */

/** The demo team's ID. */
export const DEMO_TEAM_ID = "T0DEMO001";
/** The app's bot user, which a bot token acts as. */
export const DEMO_BOT_USER_ID = "U0BOT0001";
/** The app's bot ID, on the messages its bot user posts. */
export const DEMO_BOT_ID = "B0BOT0001";
/** The app's ID. */
export const DEMO_APP_ID = "A0DEMOAPP1";
/** The person a user token acts as (an admin). */
export const DEMO_INSTALLER_ID = "U0ALICE01";
/** The public channel the bot is not a member of. */
export const DEMO_CHANNEL_WITHOUT_BOT = "C0SUPPORT";

/** The seeded people's user IDs by handle; `marco` is deactivated. */
export const demoUsers = {
  alice: DEMO_INSTALLER_ID,
  bruno: "U0BRUNO02",
  chloe: "U0CHLOE03",
  diego: "U0DIEGO04",
  emeka: "U0EMEKA05",
  fiona: "U0FIONA06",
  grace: "U0GRACE07",
  hanna: "U0HANNA08",
  ivana: "U0IVANA09",
  jamal: "U0JAMAL10",
  kenji: "U0KENJI11",
  laila: "U0LAILA12",
  marco: "U0MARCO13",
} as const;
