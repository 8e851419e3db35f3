import type { MessageBody } from '../../../services/message-body.ts';
import { dateText, TEXTS, type Lang } from './vault-texts.ts';

/** Everything a page needs to know of where it is. */
export type PageContext = { lang: Lang; base: string; sender: { name: string; structure: string | null } | null };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The frame of every vault page: no script at all, one stylesheet of our own, a language switch.
 * Phone-first: one column, large targets.
 */
export function page(context: PageContext, body: string): string {
  const t = TEXTS[context.lang];
  const other = context.lang === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${context.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(t.title)} — Missive</title>
<link rel="stylesheet" href="/coffre/coffre.css">
<link rel="icon" href="/coffre/icone.svg" type="image/svg+xml">
</head>
<body>
<header><p class="brand">${escapeHtml(t.brand)}</p><a class="lang" href="${context.base}?lang=${other}" lang="${other}" hreflang="${other}">${escapeHtml(t.other)}</a></header>
<main id="contenu">
${body}
</main>
</body>
</html>`;
}

function senderLine(context: PageContext): string {
  if (!context.sender) return '';
  const who = context.sender.structure ? `${context.sender.name} — ${context.sender.structure}` : context.sender.name;
  return `<p class="sender"><span class="label">${escapeHtml(TEXTS[context.lang].from)}</span> ${escapeHtml(who)}</p>`;
}

/** The code form, with what went wrong last time if anything. */
export function codePage(context: PageContext, options: { codeBy: 'sms' | 'phone'; expiresAt: number; error: string | null }): string {
  const t = TEXTS[context.lang];
  const error = options.error ? `<p class="error" role="alert" id="code-error">${escapeHtml(options.error)}</p>` : '';
  return page(
    context,
    `<h1>${escapeHtml(t.title)}</h1>
${senderLine(context)}
<p>${escapeHtml(options.codeBy === 'sms' ? t.codeIntroSms : t.codeIntroPhone)}</p>
${error}
<form method="post" action="${context.base}/code?lang=${context.lang}" class="card">
<label for="code">${escapeHtml(t.codeLabel)}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{8,12}" maxlength="12" required autofocus${options.error ? ' aria-describedby="code-error" aria-invalid="true"' : ''}>
<button type="submit">${escapeHtml(t.open)}</button>
</form>
<p class="note">${escapeHtml(t.expires(dateText(context.lang, options.expiresAt)))}</p>`,
  );
}

/** A link that opens nothing (expired, revoked, blocked, unknown): says why, and nothing else. */
export function statePage(context: PageContext, text: string): string {
  return page(context, `<h1>${escapeHtml(TEXTS[context.lang].title)}</h1>\n<p class="state" role="status">${escapeHtml(text)}</p>`);
}

export type ReplyState = { allowed: 'none' | 'once' | 'thread'; used: boolean; csrf: string; sentTo: string | null; error: string | null };

/** The message itself: who, what, when, its text, its files, and the reply form if allowed. */
export function messagePage(context: PageContext, message: MessageBody, options: { expiresAt: number; reply: ReplyState }): string {
  const t = TEXTS[context.lang];
  const files = message.attachments.filter((attachment) => !attachment.inline);
  const list = files.length
    ? `<section aria-labelledby="pieces"><h2 id="pieces">${escapeHtml(t.attachments)}</h2><ul class="files">${files
        .map(
          (file) =>
            `<li><a href="${context.base}/pieces/${encodeURIComponent(file.part)}" download>${escapeHtml(file.filename ?? file.contentType)}</a> <span class="size">${escapeHtml(sizeText(file.size, context.lang))}</span></li>`,
        )
        .join('')}</ul></section>`
    : '';
  const text = message.text && message.text.trim() !== '' ? `<div class="text">${escapeHtml(message.text)}</div>` : `<p class="note">${escapeHtml(t.noText)}</p>`;
  return page(
    context,
    `<h1>${escapeHtml(message.subject ?? t.title)}</h1>
${senderLine(context)}
<p class="meta"><span class="label">${escapeHtml(t.date)}</span> ${escapeHtml(dateText(context.lang, message.date ?? message.receivedAt, true))}</p>
${options.reply.sentTo ? `<p class="done" role="status">${escapeHtml(t.replySent(options.reply.sentTo))}</p>` : ''}
<article class="card">${text}</article>
${list}
${replySection(context, options.reply)}
<p class="note">${escapeHtml(t.privacy)} ${escapeHtml(t.expires(dateText(context.lang, options.expiresAt)))}</p>
<form method="post" action="${context.base}/sortie?lang=${context.lang}"><input type="hidden" name="jeton" value="${escapeHtml(options.reply.csrf)}"><button type="submit" class="secondary">${escapeHtml(t.leave)}</button></form>`,
  );
}

function replySection(context: PageContext, reply: ReplyState): string {
  const t = TEXTS[context.lang];
  if (reply.allowed === 'none') return `<p class="note">${escapeHtml(t.replyNone)}</p>`;
  if (reply.allowed === 'once' && reply.used) return `<p class="note">${escapeHtml(t.replyUsed)}</p>`;
  const error = reply.error ? `<p class="error" role="alert">${escapeHtml(`${t.error} : ${reply.error}`)}</p>` : '';
  return `<section aria-labelledby="repondre" class="card">
<h2 id="repondre">${escapeHtml(t.replyTitle)}</h2>
${reply.allowed === 'once' ? `<p class="note">${escapeHtml(t.replyOnce)}</p>` : ''}
${error}
<form method="post" action="${context.base}/reponse?lang=${context.lang}" enctype="multipart/form-data">
<input type="hidden" name="jeton" value="${escapeHtml(reply.csrf)}">
<label for="texte">${escapeHtml(t.replyLabel)}</label>
<textarea id="texte" name="texte" rows="6" maxlength="100000"></textarea>
<label for="fichiers">${escapeHtml(t.replyFiles)}</label>
<input id="fichiers" name="fichiers" type="file" multiple>
<button type="submit">${escapeHtml(t.replySend)}</button>
</form>
</section>`;
}

function sizeText(bytes: number, lang: Lang): string {
  const unit = lang === 'fr' ? ['o', 'Ko', 'Mo'] : ['B', 'KB', 'MB'];
  if (bytes < 1024) return `${bytes} ${unit[0]}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} ${unit[1]}`;
  return `${(bytes / 1024 / 1024).toFixed(1)} ${unit[2]}`;
}

/** The tab's icon: a closed envelope with a lock, in the brand's colour. */
export const VAULT_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b3d5c"/><path d="M6 10h20v13H6z" fill="none" stroke="#fff" stroke-width="2"/><path d="M6 10l10 8 10-8" fill="none" stroke="#fff" stroke-width="2"/></svg>`;

/** Plain, readable, high contrast; no external font, nothing that needs a script. */
export const VAULT_CSS = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
header{display:flex;justify-content:space-between;align-items:center;padding:.75rem 1rem;background:#0b3d5c;color:#fff}
header .brand{margin:0;font-weight:600}
header a{color:#fff}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
.card{background:#fff;border:1px solid #c9d1d9;border-radius:8px;padding:1rem;margin:1rem 0}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.label{font-weight:600}
.note{color:#3d4750;font-size:.95rem}
.error{color:#8a1111;background:#fdecec;border:1px solid #e3a6a6;border-radius:6px;padding:.5rem .75rem}
.done,.state{background:#e8f3ec;border:1px solid #9fcfb0;border-radius:6px;padding:.5rem .75rem}
.state{background:#fff6e0;border-color:#e6c36a}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #56616b;border-radius:6px}
input#code{font-size:1.4rem;letter-spacing:.2em;max-width:14rem}
input:focus,textarea:focus,button:focus,a:focus{outline:3px solid #f0a500;outline-offset:2px}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.7rem 1.2rem;border:0;border-radius:6px;background:#0b5c8a;color:#fff;min-height:44px;cursor:pointer}
button.secondary{background:#e4e8ec;color:#1b1f24}
.files{padding-left:1.2rem}
.files li{margin:.35rem 0}
.size{color:#3d4750}
`;
