/**
 * The demo workspace "Acme Demo": a dozen people, a handful of channels and a
 * week of conversation ending at `now`, generated deterministically so the
 * same `now` always yields the same workspace. DMs, user groups and emoji
 * come from `seed_people.ts`, files and canvases from `seed_files.ts`.
 * @module
 */
import {
  type BotProfile,
  type Conversation,
  createChannel,
  newConversation,
  type Workspace,
  type WorkspaceUser,
} from "./workspace.ts";
import {
  DEMO_APP_ID,
  DEMO_BOT_ID,
  DEMO_BOT_USER_ID,
  DEMO_CHANNEL_WITHOUT_BOT,
  DEMO_INSTALLER_ID,
  DEMO_TEAM_ID,
  demoUsers,
} from "./seed_ids.ts";
import {
  addUnread,
  createRandom,
  DAY,
  dayAt,
  placeAll,
  placementsOf,
  type Planned,
} from "./seed_plan.ts";
import {
  directConversations,
  directPlan,
  installerUnread,
  seedEmoji,
  seedUsergroups,
} from "./seed_people.ts";
import { linkSeedFiles, seedFiles } from "./seed_files.ts";

export {
  DEMO_APP_ID,
  DEMO_BOT_ID,
  DEMO_BOT_USER_ID,
  DEMO_CHANNEL_WITHOUT_BOT,
  DEMO_INSTALLER_ID,
  DEMO_TEAM_ID,
} from "./seed_ids.ts";
export { PRIVATE_CANVAS_ID, RUNBOOK_CANVAS_ID } from "./seed_files.ts";

/** Options of {@link createSeedWorkspace}. */
export interface SeedOptions {
  /** Unix ms; the week of messages ends just before it. */
  now: number;
}

interface Person {
  id: string;
  name: string;
  realName: string;
  title: string;
  tz: string;
  tzLabel: string;
  tzOffset: number;
  status?: [emoji: string, text: string];
  admin?: boolean;
  deleted?: boolean;
}

const people: Person[] = [
  {
    id: demoUsers.alice,
    name: "alice",
    realName: "Alice Chen",
    title: "VP Engineering",
    tz: "America/Los_Angeles",
    tzLabel: "Pacific Standard Time",
    tzOffset: -28800,
    status: [":calendar:", "In meetings until 2pm"],
    admin: true,
  },
  {
    id: demoUsers.bruno,
    name: "bruno",
    realName: "Bruno Silva",
    title: "Staff Backend Engineer",
    tz: "America/Sao_Paulo",
    tzLabel: "Brasilia Standard Time",
    tzOffset: -10800,
  },
  {
    id: demoUsers.chloe,
    name: "chloe",
    realName: "Chloé Dubois",
    title: "Lead Product Designer",
    tz: "Europe/Paris",
    tzLabel: "Central European Time",
    tzOffset: 3600,
    status: [":art:", "Deep in Figma"],
  },
  {
    id: demoUsers.diego,
    name: "diego",
    realName: "Diego Ramírez",
    title: "Site Reliability Engineer",
    tz: "America/Mexico_City",
    tzLabel: "Central Standard Time",
    tzOffset: -21600,
    status: [":rotating_light:", "On call this week"],
  },
  {
    id: demoUsers.emeka,
    name: "emeka",
    realName: "Emeka Okafor",
    title: "CEO",
    tz: "Africa/Lagos",
    tzLabel: "West Africa Standard Time",
    tzOffset: 3600,
    status: [":airplane:", "Travelling, slow replies"],
    admin: true,
  },
  {
    id: demoUsers.fiona,
    name: "fiona",
    realName: "Fiona Walsh",
    title: "Product Manager",
    tz: "Europe/Dublin",
    tzLabel: "Greenwich Mean Time",
    tzOffset: 0,
  },
  {
    id: demoUsers.grace,
    name: "grace",
    realName: "Grace Kim",
    title: "Customer Success Lead",
    tz: "America/New_York",
    tzLabel: "Eastern Standard Time",
    tzOffset: -18000,
    status: [":headphones:", "Customer calls"],
  },
  {
    id: demoUsers.hanna,
    name: "hanna",
    realName: "Hanna Müller",
    title: "Frontend Engineer",
    tz: "Europe/Berlin",
    tzLabel: "Central European Time",
    tzOffset: 3600,
  },
  {
    id: demoUsers.ivana,
    name: "ivana",
    realName: "Ivana Petrović",
    title: "People Operations Manager",
    tz: "Europe/Belgrade",
    tzLabel: "Central European Time",
    tzOffset: 3600,
    status: [":palm_tree:", "Out until Monday"],
  },
  {
    id: demoUsers.jamal,
    name: "jamal",
    realName: "Jamal Carter",
    title: "Support Engineer",
    tz: "America/Chicago",
    tzLabel: "Central Standard Time",
    tzOffset: -21600,
    status: [":telephone_receiver:", "Support rotation"],
  },
  {
    id: demoUsers.kenji,
    name: "kenji",
    realName: "Kenji Tanaka",
    title: "Mobile Engineer",
    tz: "Asia/Tokyo",
    tzLabel: "Japan Standard Time",
    tzOffset: 32400,
  },
  {
    id: demoUsers.laila,
    name: "laila",
    realName: "Laila Haddad",
    title: "UX Researcher",
    tz: "Europe/London",
    tzLabel: "Greenwich Mean Time",
    tzOffset: 0,
    status: [":wave:", "New here, say hi!"],
  },
  {
    id: demoUsers.marco,
    name: "marco",
    realName: "Marco Rossi",
    title: "Account Executive",
    tz: "Europe/Rome",
    tzLabel: "Central European Time",
    tzOffset: 3600,
    deleted: true,
  },
];

const colors = ["9f69e7", "4bbe2e", "e7392d", "3c989f", "e0a729", "674b1b", "5870dd", "df3dc0"];

function avatar(id: string, hash: string, size: number): string {
  return `https://ca.slack-edge.com/${DEMO_TEAM_ID}-${id}-${hash}-${size}`;
}

function plain(value: string): string {
  return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

function profileImages(id: string, hash: string) {
  return {
    image_24: avatar(id, hash, 24),
    image_32: avatar(id, hash, 32),
    image_48: avatar(id, hash, 48),
    image_72: avatar(id, hash, 72),
    image_192: avatar(id, hash, 192),
    image_512: avatar(id, hash, 512),
  };
}

function personUser(person: Person, index: number, updated: number): WorkspaceUser {
  const hash = (0x1a2b3c4d5e + index * 0x9e3779b1).toString(16).slice(-12);
  const [firstName, ...rest] = person.realName.split(" ");
  return {
    id: person.id,
    team_id: DEMO_TEAM_ID,
    name: person.name,
    deleted: person.deleted ?? false,
    color: colors[index % colors.length],
    real_name: person.realName,
    tz: person.tz,
    tz_label: person.tzLabel,
    tz_offset: person.tzOffset,
    is_admin: person.admin ?? false,
    is_owner: person.id === DEMO_INSTALLER_ID,
    is_primary_owner: person.id === DEMO_INSTALLER_ID,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    updated,
    profile: {
      real_name: person.realName,
      real_name_normalized: plain(person.realName),
      display_name: person.name,
      display_name_normalized: person.name,
      first_name: firstName,
      last_name: rest.join(" "),
      title: person.title,
      email: `${person.name}@acme-demo.example`,
      phone: "",
      skype: "",
      status_text: person.status?.[1] ?? "",
      status_emoji: person.status?.[0] ?? "",
      status_expiration: 0,
      avatar_hash: hash,
      fields: null,
      team: DEMO_TEAM_ID,
      ...profileImages(person.id, hash),
    },
  };
}

function botUser(updated: number): WorkspaceUser {
  const hash = "b0b0b0b0b0b0";
  return {
    id: DEMO_BOT_USER_ID,
    team_id: DEMO_TEAM_ID,
    name: "slack-mcp",
    deleted: false,
    color: "757575",
    real_name: "Slack MCP",
    tz: "America/Los_Angeles",
    tz_label: "Pacific Standard Time",
    tz_offset: -28800,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: true,
    is_app_user: false,
    updated,
    profile: {
      real_name: "Slack MCP",
      real_name_normalized: "Slack MCP",
      display_name: "",
      display_name_normalized: "",
      first_name: "Slack",
      last_name: "MCP",
      title: "",
      phone: "",
      skype: "",
      status_text: "",
      status_emoji: "",
      status_expiration: 0,
      avatar_hash: hash,
      fields: null,
      team: DEMO_TEAM_ID,
      bot_id: DEMO_BOT_ID,
      api_app_id: DEMO_APP_ID,
      always_active: true,
      ...profileImages(DEMO_BOT_USER_ID, hash),
    },
  };
}

function botProfile(updated: number): BotProfile {
  const icon = (size: number) => `https://a.slack-edge.com/80588/img/plugins/app/bot_${size}.png`;
  return {
    id: DEMO_BOT_ID,
    app_id: DEMO_APP_ID,
    name: "slack-mcp",
    deleted: false,
    updated,
    team_id: DEMO_TEAM_ID,
    icons: { image_36: icon(36), image_48: icon(48), image_72: icon(72) },
  };
}

const { alice, bruno, chloe, diego, emeka, fiona, grace, hanna, ivana, jamal, kenji, laila } =
  demoUsers;

interface ChannelSpec {
  id: string;
  name: string;
  topic: string;
  purpose: string;
  members: string[];
  isPrivate?: boolean;
  isArchived?: boolean;
  isGeneral?: boolean;
  /** Filler messages per weekday; weekends get a third, rounded down. */
  perDay: number;
  filler: string[];
}

const active = people.filter((p) => !p.deleted).map((p) => p.id);

const channelSpecs: ChannelSpec[] = [
  {
    id: "C0GENERAL",
    name: "general",
    topic: "Company-wide announcements and work-based matters",
    purpose: "This channel is for team-wide communication and announcements.",
    members: [...active, DEMO_BOT_USER_ID],
    isGeneral: true,
    perDay: 4,
    filler: [
      "Good morning everyone! ☀️",
      "Reminder: all-hands is Thursday at 17:00 UTC, agenda in the doc",
      "Big thanks to {mention} for covering the customer demo yesterday",
      "Q4 planning docs are due Friday",
      "Lunch & learn today: writing good incident reports, hosted by {mention}",
      "Friendly reminder to submit your expenses before month end",
      "The new hire onboarding checklist has been updated",
      "Who's coming to the team dinner next week? React with :raised_hands:",
      "We just crossed 1,000 customers! 🚀",
      "The office is closed next Monday for the public holiday",
      "The office wifi will be down for maintenance on Saturday morning",
      "Quarterly survey results are in, summary coming at the all-hands",
    ],
  },
  {
    id: "C0RANDOM0",
    name: "random",
    topic: "Non-work banter and water cooler conversation",
    purpose: "A place for non-work-related flimflam.",
    members: [...active.filter((id) => id !== emeka && id !== ivana), DEMO_BOT_USER_ID],
    perDay: 3,
    filler: [
      "Anyone tried the new ramen place on 5th?",
      "My cat just walked across my keyboard during a demo 😹",
      "The coffee machine on floor 2 is fixed!",
      "What's everyone reading this month?",
      "Photo from the weekend hike 🏔️",
      "Hot take: tabs are better than spaces",
      "Is it just me or is it freezing in the office today?",
      "TIL you can pipe jq output back into jq",
      "Lost a blue umbrella in the kitchen, let me know if you see it",
      "{mention} that sourdough recipe was amazing, thank you",
    ],
  },
  {
    id: "C0ENGINRG",
    name: "engineering",
    topic: "Release train: Thursdays 18:00 UTC | On call: <@U0DIEGO04>",
    purpose: "Engineering discussion, deploys and incidents.",
    members: [alice, bruno, diego, emeka, hanna, jamal, kenji, DEMO_BOT_USER_ID],
    perDay: 7,
    filler: [
      "Reviewing {mention}'s PR for the billing retries now",
      "CI is green again after the flaky test fix 🎉",
      "Heads up: bumping the Postgres connection pool from 20 to 40 on staging",
      "Does anyone know why the search indexer lags on Mondays?",
      "Pushed a fix for the timezone bug in the export job",
      "{mention} can you look at the migration plan doc when you get a sec?",
      "Load test results: p95 down from 420ms to 180ms after the cache change",
      "Rolling out the new-onboarding feature flag to 10% of workspaces",
      "Reminder: code freeze for the release starts Thursday 18:00 UTC",
      "The staging deploy is blocked on a failing migration, looking into it",
      "Found the memory leak: we never closed the websocket listeners",
      "Pairing with {mention} on the rate limiter this afternoon",
      "Dependabot opened 6 PRs overnight, I'll batch-merge the safe ones",
      "Anyone else seeing 502s from the image proxy?",
      "The post-mortem for last week's outage is up for review",
    ],
  },
  {
    id: "C0DESIGN0",
    name: "design",
    topic: "Crit: Tuesdays and Thursdays 15:00 UTC",
    purpose: "Product design, research and the design system.",
    members: [alice, chloe, fiona, grace, DEMO_BOT_USER_ID],
    perDay: 4,
    filler: [
      "Uploaded the new onboarding flow mocks to Figma",
      "{mention} could you review the empty states before Thursday?",
      "Design crit moved to 15:00 today",
      "We need a decision on the icon set: outlined or filled?",
      "Accessibility audit: 12 contrast issues left on the settings page",
      "User interviews this week are all booked, notes in the research folder",
      "Updated the color tokens, please pull the latest library",
      "Dark mode explorations are ready for feedback",
      "The checkout redesign tested really well: task success at 92%",
    ],
  },
  {
    id: DEMO_CHANNEL_WITHOUT_BOT,
    name: "support",
    topic: "Queue status: green | Escalations go to <@U0JAMAL10>",
    purpose: "Customer support coordination.",
    members: [bruno, grace, ivana, jamal, kenji],
    perDay: 5,
    filler: [
      "Ticket #4821: customer can't reset their password, escalating to {mention}",
      "Spike in login-related tickets since this morning",
      "Acme Corp asked for an SSO setup call this week",
      "The macro for refund requests has been updated",
      "SLA breach risk on 3 tickets, can someone pick up the queue?",
      "A customer reports the CSV export is missing the last column",
      "Closed 48 tickets yesterday, great job everyone",
      "{mention} the billing question from Globex is in your queue",
    ],
  },
  {
    id: "C0BOOKCLB",
    name: "book-club",
    topic: "Now reading: The Pragmatic Programmer",
    purpose: "Monthly book club.",
    members: [fiona, grace, ivana, laila, DEMO_BOT_USER_ID],
    perDay: 0,
    filler: [],
  },
  {
    id: "C0OLDPROJ",
    name: "old-projects",
    topic: "Archived: see #engineering",
    purpose: "Projects we shipped or shelved.",
    members: [alice, bruno, diego, DEMO_BOT_USER_ID],
    isArchived: true,
    perDay: 0,
    filler: [],
  },
  {
    id: "C0LEADERS",
    name: "leadership",
    topic: "Weekly sync: Thursdays 16:00 UTC",
    purpose: "Leadership team: planning, hiring and the board.",
    members: [alice, emeka, fiona, ivana, DEMO_BOT_USER_ID],
    isPrivate: true,
    perDay: 2,
    filler: [
      "The board deck draft is in the leadership folder",
      "Hiring plan: 3 engineers and 1 designer approved for next quarter",
      "Revenue is 8% ahead of plan this month",
      "Let's discuss the office move at Thursday's sync",
      "{mention} can you prepare the headcount numbers for the board?",
    ],
  },
  {
    id: "C0PEOPLEO",
    name: "people-ops",
    topic: "Confidential",
    purpose: "People operations.",
    members: [alice, ivana, emeka],
    isPrivate: true,
    perDay: 1,
    filler: [
      "Benefits enrollment opens on the 1st",
      "The performance review cycle starts in two weeks",
      "Reminder to update the PTO calendar",
    ],
  },
];

const quickReplies = [
  "Thanks!",
  "On it 👍",
  "Sounds good to me",
  "Makes sense",
  "Let me check and get back to you",
  "Done ✅",
  "Great work!",
  "Can we discuss in standup?",
  "Agreed",
];

function scripted(now: number): Planned[] {
  const plan: Planned[] = [
    {
      channel: "C0ENGINRG",
      at: dayAt(now, 3, 15.2),
      message: { user: diego, text: "🚨 Elevated 5xx rate on the API (4%). Investigating." },
      replies: [
        { after: 4, user: bruno, text: "Looks like the DB connection pool is exhausted" },
        { after: 9, user: diego, text: "Confirmed, bumping the pool size and restarting workers" },
        {
          after: 15,
          user: alice,
          text: "Thanks both. Can we get a post-mortem by Friday? <@U0DIEGO04>",
        },
        {
          after: 31,
          user: diego,
          text: "Errors are back to baseline. Root cause: pool exhaustion after the deploy.",
          broadcast: true,
        },
        { after: 40, user: kenji, text: "Mobile crash rate recovered too 👍" },
      ],
    },
    {
      channel: "C0ENGINRG",
      at: dayAt(now, 5, 17),
      message: { user: hanna, text: "RFC: moving the frontend build to Vite. Thoughts?" },
      replies: [
        { after: 6, user: kenji, text: "+1, the dev server startup alone is worth it" },
        { after: 20, user: bruno, text: "What about the legacy webpack plugins?" },
        { after: 26, user: hanna, text: "Only two, and both have Vite equivalents" },
        { after: 55, user: alice, text: "Let's do it after the release" },
      ],
    },
    {
      channel: "C0ENGINRG",
      at: dayAt(now, 1, 14.3),
      message: { user: bruno, text: "The database migration is scheduled for Thursday 20:00 UTC" },
      editedAfter: 3,
    },
    {
      channel: "C0GENERAL",
      at: dayAt(now, 4, 14.5),
      message: {
        user: emeka,
        text: "Please welcome <@U0LAILA12>, who joins us as UX Researcher! 🎉",
      },
      replies: [
        { after: 3, user: chloe, text: "Welcome Laila!" },
        { after: 7, user: grace, text: "Welcome aboard 👋" },
        { after: 12, user: laila, text: "Thank you all, excited to be here!" },
      ],
    },
    {
      channel: "C0GENERAL",
      at: dayAt(now, 1, 13.1),
      message: {
        user: DEMO_BOT_USER_ID,
        bot_id: DEMO_BOT_ID,
        app_id: DEMO_APP_ID,
        text: "📋 Daily digest: 23 new messages in #engineering, 1 incident resolved.",
      },
      noReactions: true,
    },
    {
      channel: "C0DESIGN0",
      at: dayAt(now, 4, 14.6),
      message: {
        subtype: "channel_join",
        user: laila,
        inviter: chloe,
        text: "<@U0LAILA12> has joined the channel",
      },
      noReactions: true,
    },
    {
      channel: "C0DESIGN0",
      at: dayAt(now, 2, 16),
      message: { user: chloe, text: "Which hero illustration do you prefer, A or B?" },
      replies: [
        { after: 5, user: fiona, text: "B feels more on-brand" },
        { after: 11, user: laila, text: "B tested better in the interviews too" },
        { after: 30, user: alice, text: "B it is" },
      ],
    },
    {
      channel: DEMO_CHANNEL_WITHOUT_BOT,
      at: dayAt(now, 1, 15),
      message: {
        user: jamal,
        text: "An Enterprise customer reports webhooks arriving twice",
      },
      replies: [
        {
          after: 8,
          user: kenji,
          text: "That's the retry on timeout: their endpoint takes over 3s",
        },
        { after: 20, user: jamal, text: "Explained it to them, they'll acknowledge faster" },
        { after: 25, user: grace, text: "Adding this to the FAQ" },
      ],
    },
    {
      channel: "C0RANDOM0",
      at: dayAt(now, 3, 19),
      message: { user: hanna, text: "Friday playlist thread? 🎶" },
      replies: [
        { after: 2, user: bruno, text: "Anything by Khruangbin" },
        { after: 9, user: jamal, text: "Lo-fi beats, always" },
      ],
    },
    {
      channel: "C0LEADERS",
      at: dayAt(now, 2, 18),
      message: { user: alice, text: "Draft of the eng reorg proposal, feedback welcome" },
      replies: [{ after: 40, user: emeka, text: "Looks good, let's review it Thursday" }],
    },
    {
      channel: "C0BOOKCLB",
      at: dayAt(now, 3, 12),
      message: {
        user: fiona,
        text: "This month's pick: The Pragmatic Programmer. Discussion on the 28th!",
      },
    },
    {
      channel: "C0OLDPROJ",
      at: dayAt(now, 40, 16),
      message: { user: bruno, text: "Archiving this channel, the legacy importer is retired" },
    },
  ];
  for (let daysAgo = 1; daysAgo <= 6; daysAgo++) {
    const weekday = new Date(dayAt(now, daysAgo, 0)).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    plan.push({
      channel: "C0ENGINRG",
      at: dayAt(now, daysAgo, 21.5),
      message: {
        subtype: "bot_message",
        bot_id: "B0DEPLOY1",
        username: "Deploy Bot",
        text: `Deployed api v1.${48 - daysAgo}.0 to production :rocket:`,
      },
      noReactions: true,
    });
  }
  return plan;
}

function filler(now: number, random: () => number): Planned[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const plan: Planned[] = [];
  for (const spec of channelSpecs) {
    if (spec.perDay === 0) continue;
    const humans = spec.members.filter((id) => id !== DEMO_BOT_USER_ID);
    for (let daysAgo = 7; daysAgo >= 0; daysAgo--) {
      const weekday = new Date(dayAt(now, daysAgo, 0)).getUTCDay();
      const count = weekday === 0 || weekday === 6 ? Math.floor(spec.perDay / 3) : spec.perDay;
      for (let i = 0; i < count; i++) {
        // 13:00 to 22:00 UTC: working hours from the Americas to Europe.
        const at = dayAt(now, daysAgo, 13 + random() * 9);
        if (at <= now - 7 * DAY) continue;
        const user = pick(humans);
        const others = humans.filter((id) => id !== user);
        const text = pick(spec.filler).replace("{mention}", `<@${pick(others)}>`);
        const replies = random() < 0.15
          ? Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => ({
            after: 5 + n * 7 + Math.floor(random() * 5),
            user: pick(others),
            text: pick(quickReplies),
          }))
          : undefined;
        plan.push({ channel: spec.id, at, message: { user, text }, replies });
      }
    }
  }
  return plan;
}

function conversation(spec: ChannelSpec, index: number, now: number): Conversation {
  // Channels were created a few weeks apart, starting over a year ago.
  const created = Math.floor((now - (400 - index * 20) * DAY) / 1000);
  const topic = { value: spec.topic, creator: alice, last_set: created + 3600 };
  return newConversation({
    id: spec.id,
    name: spec.name,
    created,
    creator: alice,
    isPrivate: spec.isPrivate,
    isArchived: spec.isArchived,
    isGeneral: spec.isGeneral,
    topic,
    purpose: { value: spec.purpose, creator: alice, last_set: created },
  });
}

/**
 * Builds the demo workspace as of `now`.
 *
 * @example
 * ```ts
 * const workspace = createSeedWorkspace({ now: Date.now() });
 * ```
 */
export function createSeedWorkspace(options: SeedOptions): Workspace {
  const { now } = options;
  const updated = Math.floor((now - 30 * DAY) / 1000);
  const channels = channelSpecs.map((spec, index) =>
    createChannel(conversation(spec, index, now), [...spec.members])
  );
  const dms = directConversations(now);
  const byId = new Map([...channels, ...dms].map((c) => [c.conversation.id, c]));
  const profile = botProfile(updated);
  const { files, plan: filePlan } = seedFiles(now);

  const place = (plan: Planned[], random: () => number) =>
    placementsOf(plan, { channels: byId, random, botProfile: profile });
  const random = createRandom(0x5eed);
  // DMs and file shares draw on a random stream of their own, so the channels'
  // history is the same with or without them.
  const extra = createRandom(0xd1ec7);
  placeAll([
    ...place([...scripted(now), ...filler(now, random)], random),
    ...place([...directPlan(now), ...filePlan], extra),
  ], now);
  addUnread({ channels: byId, unread: installerUnread, reader: DEMO_INSTALLER_ID, now });
  linkSeedFiles(files, byId);

  return {
    team: { id: DEMO_TEAM_ID, name: "Acme Demo", domain: "acme-demo" },
    app: {
      appId: DEMO_APP_ID,
      botId: DEMO_BOT_ID,
      botUserId: DEMO_BOT_USER_ID,
      installerUserId: DEMO_INSTALLER_ID,
      botProfile: profile,
    },
    users: [...people.map((p, i) => personUser(p, i, updated)), botUser(updated)],
    channels,
    dms,
    scheduled: [],
    usergroups: seedUsergroups(now),
    emoji: { ...seedEmoji },
    files,
    uploads: [],
  };
}
