/**
 * The few HTML pages of the sign-in flow: consent, errors, and a refusal that
 * links back to the client. Plain HTML, every value escaped, no script, and
 * headers that keep the pages out of frames, caches and referrers.
 * @module
 */

/** `text` safe inside HTML text and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Headers of every page: no framing (clickjacking of the approve button), no
 * caching, no referrer to other sites. `same-origin` rather than
 * `no-referrer`: under `no-referrer` browsers send `Origin: null` with the
 * consent form's POST, and that header is one of the form's checks.
 */
export const pageHeaders: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

const style = `
body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}code{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
.buttons{display:flex;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #bbb;background:#fff;cursor:pointer}
button[value=approve]{background:#007a5a;border-color:#007a5a;color:#fff}
.note{color:#616061;font-size:.9rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>
${body}
</body>
</html>
`;
}

/** What the consent page shows and submits. */
export interface ConsentPage {
  /** The client's name, or its ID. */
  clientName: string;
  clientId: string;
  /** Whether the ID is a metadata document URL (then its host is what vouches for the client). */
  clientIdIsUrl: boolean;
  redirectUri: string;
  /** Hidden fields: the pending request's reference and the CSRF token. */
  requestId: string;
  csrfToken: string;
}

/**
 * The consent page: who asks, where the answer goes, and one form posting
 * `decision=approve` or `decision=deny` to `/oauth/authorize`.
 */
export function consentPage(p: ConsentPage): string {
  const origin = p.clientIdIsUrl ? new URL(p.clientId).host : undefined;
  return page(
    "Allow access to Slack?",
    `<h1>Allow <strong>${escapeHtml(p.clientName)}</strong> to use Slack as you?</h1>
<p>This application wants to read and act in Slack on your behalf through this server's tools.
You will sign in with Slack next.</p>
<p class="note">Client ID: <code>${escapeHtml(p.clientId)}</code>${
      origin ? ` (published by <strong>${escapeHtml(origin)}</strong>)` : ""
    }<br>After you answer, your browser goes to: <code>${escapeHtml(p.redirectUri)}</code></p>
<p class="note">Only approve if you started this sign-in and trust this application.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="request_id" value="${escapeHtml(p.requestId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(p.csrfToken)}">
<div class="buttons">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

/** A page that explains why the flow stopped; `link` offers a way back to the client. */
export function errorPage(
  title: string,
  message: string,
  link?: { href: string; text: string },
): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>${
      link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ""
    }`,
  );
}
