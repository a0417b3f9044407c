// A day of a Mastodon app's use of Flock, through masto.js (what many Mastodon apps are built
// on). tests/test_mastodon_clients.py runs it in two steps:
//   node journey.mjs register <url>
//     registers an app and prints {clientId, clientSecret, verifier, authorizeUrl} (PKCE S256);
//     the test approves it on Flock's consent page in a real browser, for two people;
//   node journey.mjs day <url> <file with {clientId, clientSecret, verifier, codes: [a, b]}>
//     exchanges the codes, and the first person posts, reads, searches, is notified, streams,
//     edits, deletes, blocks, and revokes the token. Prints one JSON object of what it saw;
//     exits 1 (with the step) on any failure.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  createOAuthAPIClient,
  createRestAPIClient,
  createStreamingAPIClient,
  MastoHttpError,
} from "masto";

const REDIRECT = "http://127.0.0.1:9/callback";
const SCOPES = "read write follow";
const [, , step, url, file] = process.argv;
const seen = {};
let current = "start";

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function register() {
  const masto = createRestAPIClient({ url });
  const app = await masto.v1.apps.create({
    clientName: "masto.js journey",
    redirectUris: REDIRECT,
    scopes: SCOPES,
    website: "https://github.com/neet/masto.js",
  });
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId,
    redirect_uri: REDIRECT,
    scope: SCOPES,
    state: randomBytes(8).toString("hex"),
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  return {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    verifier,
    authorizeUrl: `${url}/oauth/authorize?${query}`,
  };
}

async function collect(paginator, pages) {
  const got = [];
  for await (const page of paginator) {
    got.push(page.map((s) => s.id));
    if (got.length >= pages) break;
  }
  return got;
}

async function day() {
  const given = JSON.parse(readFileSync(file, "utf8"));
  const oauth = createOAuthAPIClient({ url });
  current = "token";
  const tokens = [];
  for (const code of given.codes) {
    tokens.push(
      await oauth.token.create({
        grantType: "authorization_code",
        clientId: given.clientId,
        clientSecret: given.clientSecret,
        redirectUri: REDIRECT,
        code,
        codeVerifier: given.verifier,
        scope: SCOPES,
      }),
    );
  }
  const [ann, bob] = tokens.map((t) => createRestAPIClient({ url, accessToken: t.accessToken }));
  seen.tokens = tokens.map((t) => t.accessToken);

  current = "instance";
  const instance = await ann.v2.instance.fetch();
  check(instance.configuration.statuses.maxCharacters === 280, "the instance's limits");
  const me = await ann.v1.accounts.verifyCredentials();
  const them = await bob.v1.accounts.verifyCredentials();
  seen.me = me.username;

  current = "follow";
  check((await bob.v1.accounts.$select(me.id).follow()).following, "bob follows ann");
  check((await ann.v1.accounts.$select(them.id).follow()).following, "ann follows bob");

  current = "streaming";
  const streaming = createStreamingAPIClient({
    streamingApiUrl: instance.configuration.urls.streaming,
    accessToken: tokens[0].accessToken,
    retry: false,
  });
  const events = [];
  const subscription = streaming.user.subscribe();
  let streamEnded = null;
  const listening = (async () => {
    try {
      for await (const event of subscription) {
        events.push({ event: event.event, id: event.payload?.id ?? event.payload });
      }
      streamEnded = "ended";
    } catch (error) {
      streamEnded = String(error); // the server closes it once the token is revoked
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 500)); // the subscribe message goes out

  current = "media";
  const png = readFileSync(new URL("./square.png", import.meta.url));
  const media = await ann.v2.media.create({
    file: new Blob([png], { type: "image/png" }),
    description: "a blue square",
  });
  check(media.url && media.description === "a blue square", "the image and its description");

  current = "post";
  const tag = `journey${Date.now()}`;
  const status = await ann.v1.statuses.create(
    { status: `hello from masto.js #${tag}`, mediaIds: [media.id] },
    { requestInit: { headers: { "Idempotency-Key": `k-${tag}` } } },
  );
  check(status.mediaAttachments[0].description === "a blue square", "the post's image");
  const reply = await bob.v1.statuses.create({ status: `@${me.username} nice`, inReplyToId: status.id });
  check(reply.inReplyToId === status.id, "a reply");
  const quote = await bob.v1.statuses.create({ status: "quoting", quotedStatusId: status.id });
  seen.quoted = quote.quote?.quotedStatus?.id ?? null;
  check((await bob.v1.statuses.$select(status.id).favourite()).favourited, "a favourite");
  const reblog = await bob.v1.statuses.$select(status.id).reblog();
  check(reblog.reblog?.id === status.id, "a reblog");
  check((await ann.v1.statuses.$select(reply.id).bookmark()).bookmarked, "a bookmark");
  const bookmarks = await ann.v1.bookmarks.list();
  check(bookmarks.some((s) => s.id === reply.id), "the bookmark listed");
  for (let i = 0; i < 4; i += 1) await bob.v1.statuses.create({ status: `filler ${i} ${tag}` });

  current = "timelines";
  let pages = [];
  for (let tries = 0; tries < 60; tries += 1) {
    pages = await collect(ann.v1.timelines.home.list({ limit: 2 }), 3);
    if (pages.flat().length >= 6) break;
    await new Promise((resolve) => setTimeout(resolve, 500)); // fan-out is a job
  }
  seen.homePages = pages;
  check(pages.length >= 3 && new Set(pages.flat()).size === pages.flat().length, "home paged by Link");
  const tagged = await ann.v1.timelines.tag.$select(tag).list();
  check(tagged.some((s) => s.id === status.id), "the tag timeline");
  const pub = await ann.v1.timelines.public.list({ local: true, limit: 40 });
  check(pub.some((s) => s.id === status.id), "the public timeline");

  current = "search";
  let found = { accounts: [] };
  for (let tries = 0; tries < 60 && !found.accounts.length; tries += 1) {
    found = await ann.v2.search.list({ q: them.username, type: "accounts" });
    if (!found.accounts.length) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  check(found.accounts.some((a) => a.id === them.id), "search finds bob");

  current = "notifications";
  const notifications = await ann.v1.notifications.list();
  seen.notificationTypes = [...new Set(notifications.map((n) => n.type))].sort();
  for (const type of ["favourite", "follow", "mention", "reblog"]) {
    check(seen.notificationTypes.includes(type), `a ${type} notification`);
  }
  await ann.v1.notifications.clear();
  check((await ann.v1.notifications.list()).length === 0, "notifications cleared");

  current = "edit";
  const edited = await ann.v1.statuses.$select(status.id).update({ status: `edited #${tag}` });
  check(edited.editedAt, "an edit");
  check((await ann.v1.statuses.$select(status.id).history.list()).length === 2, "its history");
  await ann.v1.statuses.$select(status.id).remove();
  try {
    await ann.v1.statuses.$select(status.id).fetch();
    check(false, "the deleted status is gone");
  } catch (error) {
    check(error instanceof MastoHttpError && error.statusCode === 404, "a 404 for it");
  }

  current = "relationships";
  check(!(await ann.v1.accounts.$select(them.id).unfollow()).following, "unfollowed");
  check((await ann.v1.accounts.$select(them.id).block()).blocking, "blocked");

  for (let tries = 0; tries < 40; tries += 1) {
    if (events.some((e) => e.event === "notification") && events.some((e) => e.event === "update")) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  seen.streamed = [...new Set(events.map((e) => e.event))].sort();
  check(seen.streamed.includes("update") && seen.streamed.includes("notification"), "streamed events");

  current = "revoke";
  await oauth.revoke({ clientId: given.clientId, clientSecret: given.clientSecret, token: tokens[0].accessToken });
  try {
    await ann.v1.accounts.verifyCredentials();
    check(false, "the revoked token is refused");
  } catch (error) {
    check(error instanceof MastoHttpError && error.statusCode === 401, "a 401 once revoked");
  }
  await Promise.race([listening, new Promise((resolve) => setTimeout(resolve, 15000))]);
  seen.streamEnded = streamEnded;
  check(streamEnded !== null, "the stream closed once its token was revoked");
  streaming.close();
  seen.ok = true;
  return seen;
}

try {
  const result = step === "register" ? await register() : await day();
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  process.stdout.write(JSON.stringify({ ...seen, ok: false, step: current, error: String(error) }));
  process.exit(1);
}
