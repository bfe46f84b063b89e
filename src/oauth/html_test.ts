import assert from "node:assert/strict";
import { consentPage, errorPage, escapeHtml } from "./html.ts";

Deno.test("escapeHtml() escapes markup and quotes", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;",
  );
});

Deno.test("consentPage() names the client and redirect URI, escaped, with one form", () => {
  const html = consentPage({
    clientName: `<script>alert("x")</script>`,
    clientId: "https://app.example/client.json",
    clientIdIsUrl: true,
    redirectUri: "http://127.0.0.1:3000/cb?a=1&b=2",
    requestId: "req",
    csrfToken: "tok",
  });
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;"));
  assert.ok(html.includes("http://127.0.0.1:3000/cb?a=1&#38;b=2"));
  assert.ok(html.includes("published by <strong>app.example</strong>"));
  assert.equal(html.match(/<form /g)?.length, 1);
  assert.ok(html.includes(`<form method="post" action="/oauth/authorize">`));
  assert.ok(html.includes(`name="decision" value="approve"`));
  assert.ok(html.includes(`name="decision" value="deny"`));
  assert.ok(html.includes(`name="request_id" value="req"`));
  assert.ok(html.includes(`name="csrf_token" value="tok"`));
});

Deno.test("errorPage() shows the message and an optional way back", () => {
  const html = errorPage("Sign-in refused", "Your workspace <T9> is not allowed.", {
    href: "http://127.0.0.1/cb?error=access_denied&state=s",
    text: "Back to the app",
  });
  assert.ok(html.includes("Your workspace &#60;T9&#62; is not allowed."));
  assert.ok(html.includes(`href="http://127.0.0.1/cb?error=access_denied&#38;state=s"`));
});
