import assert from "node:assert/strict";
import { downloadFile, isSlackHosted, servedSignInPage, uploadBytes } from "./files.ts";
import { SlackApiError } from "./errors.ts";

const apiUrl = "https://slack.com/api/";
const token = "xoxb-test-token";

/** A fake `fetch` that answers from `routes` and records each request. */
function fakeFetch(routes: Record<string, () => Response>) {
  const requests: Request[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const route = routes[request.url];
    return Promise.resolve(route ? route() : new Response("missing", { status: 404 }));
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

Deno.test("isSlackHosted() trusts the API's origin and HTTPS on its domain only", () => {
  assert.equal(isSlackHosted("https://files.slack.com/files-pri/T1-F1/a.png", apiUrl), true);
  assert.equal(isSlackHosted("https://acme.slack.com/?redir=x", apiUrl), true);
  assert.equal(isSlackHosted("http://files.slack.com/files-pri/T1-F1/a.png", apiUrl), false);
  assert.equal(isSlackHosted("https://files.slack.com.evil.example/a", apiUrl), false);
  assert.equal(isSlackHosted("https://docs.google.com/document/d/1", apiUrl), false);
  assert.equal(isSlackHosted("not a url", apiUrl), false);
  const emulator = "http://127.0.0.1:4321/api/";
  assert.equal(isSlackHosted("http://127.0.0.1:4321/files-pri/T1-F1/a", emulator), true);
  assert.equal(isSlackHosted("http://127.0.0.1:9999/files-pri/T1-F1/a", emulator), false);
});

Deno.test("downloadFile() sends the token in the Authorization header and reads at most maxBytes", async () => {
  const url = "https://files.slack.com/files-pri/T1-F1/download/notes.txt";
  const { fetch, requests } = fakeFetch({
    [url]: () => new Response("0123456789", { headers: { "content-type": "text/plain" } }),
  });

  const whole = await downloadFile({ apiUrl, token, fetch }, { url, maxBytes: 100 });
  const cut = await downloadFile({ apiUrl, token, fetch }, { url, maxBytes: 4 });

  assert.equal(new TextDecoder().decode(whole.bytes), "0123456789");
  assert.equal(whole.truncated, false);
  assert.equal(whole.contentType, "text/plain");
  assert.equal(new TextDecoder().decode(cut.bytes), "0123");
  assert.equal(cut.truncated, true);
  assert.equal(requests[0].headers.get("authorization"), `Bearer ${token}`);
  assert.ok(!requests[0].url.includes(token));
});

Deno.test("downloadFile() never sends the token outside Slack, even through a redirect", async () => {
  const inside = "https://files.slack.com/files-pri/T1-F1/download/a.png";
  const { fetch, requests } = fakeFetch({
    [inside]: () =>
      new Response(null, { status: 302, headers: { location: "https://cdn.example.com/a.png" } }),
  });

  await assert.rejects(
    downloadFile({ apiUrl, token, fetch }, { url: inside, maxBytes: 10 }),
    (error) => error instanceof SlackApiError && error.code === "file_url_not_slack",
  );
  await assert.rejects(
    downloadFile({ apiUrl, token, fetch }, { url: "https://drive.example.com/f", maxBytes: 10 }),
    (error) => error instanceof SlackApiError && error.code === "file_url_not_slack",
  );
  assert.deepEqual(requests.map((r) => r.url), [inside]);
});

Deno.test("downloadFile() follows a redirect within Slack and maps a 404 to file_not_found", async () => {
  const first = "https://files.slack.com/files-pri/T1-F1/download/a.txt";
  const second = "https://files-edge.slack.com/a.txt";
  const { fetch, requests } = fakeFetch({
    [first]: () => new Response(null, { status: 302, headers: { location: second } }),
    [second]: () => new Response("hello"),
  });

  const download = await downloadFile({ apiUrl, token, fetch }, { url: first, maxBytes: 10 });

  assert.equal(new TextDecoder().decode(download.bytes), "hello");
  assert.equal(requests[1].headers.get("authorization"), `Bearer ${token}`);
  await assert.rejects(
    downloadFile({ apiUrl, token, fetch }, { url: "https://files.slack.com/x", maxBytes: 10 }),
    (error) => error instanceof SlackApiError && error.code === "file_not_found",
  );
});

Deno.test("servedSignInPage() tells Slack's sign-in page from the file", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const page = {
    bytes: encode('<!DOCTYPE html><form id="signin_form"><input type="password"></form>'),
    contentType: "text/html; charset=utf-8",
    truncated: false,
  };
  assert.equal(servedSignInPage(page, { mimetype: "image/png", filetype: "png" }), true);
  assert.equal(servedSignInPage(page, { mimetype: "text/csv", filetype: "csv" }), true);
  assert.equal(servedSignInPage(page, { filetype: "quip" }), true, "a canvas");

  const canvas = { ...page, bytes: encode("<!DOCTYPE html><h1 id='temp:C:1'>Plan</h1>") };
  assert.equal(servedSignInPage(canvas, { filetype: "quip" }), false);
  const htmlFile = { ...page, bytes: encode("<html><p>hi</p></html>") };
  assert.equal(
    servedSignInPage(htmlFile, { filetype: "html", size: htmlFile.bytes.length }),
    false,
  );
  assert.equal(servedSignInPage(htmlFile, { filetype: "html", size: 9_999 }), true);
  const textFile = {
    bytes: encode("<html> is a tag"),
    contentType: "text/plain",
    truncated: false,
  };
  assert.equal(servedSignInPage(textFile, { mimetype: "text/plain", filetype: "text" }), false);
});

Deno.test("uploadBytes() posts the raw bytes without a token, to Slack only", async () => {
  const url = "https://files.slack.com/upload/v1/abc";
  const { fetch, requests } = fakeFetch({ [url]: () => new Response("OK - 3") });
  const bytes = new Uint8Array([0, 1, 255]);

  await uploadBytes({ apiUrl, token, fetch }, { url, bytes });

  assert.equal(requests[0].method, "POST");
  assert.equal(requests[0].headers.get("authorization"), null);
  assert.deepEqual(new Uint8Array(await requests[0].arrayBuffer()), bytes);
  await assert.rejects(
    uploadBytes({ apiUrl, token, fetch }, { url: "https://upload.example.com/x", bytes }),
    (error) => error instanceof SlackApiError && error.code === "file_url_not_slack",
  );
  await assert.rejects(
    uploadBytes({ apiUrl, token, fetch }, { url: "https://files.slack.com/upload/v1/gone", bytes }),
    (error) => error instanceof SlackApiError && error.code === "upload_failed",
  );
});
