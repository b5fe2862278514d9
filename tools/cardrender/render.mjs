// Render Adaptive Cards with Microsoft's `adaptivecards` renderer in headless Chromium and report
// what a person would miss: renderer errors, elements wider than the screen, words broken in the
// middle, and buttons the renderer hid. Optionally saves a screenshot per card and width.
//
//   node render.mjs input.json > report.json
//
// input: {"cards": [{"name": str, "card": {...}}], "widths": [600, 360], "screenshots": dir|null,
//         "chromium": "/usr/bin/chromium"}
// report: [{"name", "width", "errors": [...], "wide": [...], "broken": [...], "hidden": int,
//          "buttons": int, "cut": [...], "screenshot": path|null}]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const widths = input.widths ?? [600, 360];

// Teams' look, as far as a host config says it: Segoe UI (DejaVu Sans where it is missing), 14 px
// text, Teams' purple accent, and at most 6 actions in a row of buttons (Teams hides the rest).
// On a phone Teams stacks a card's buttons; on the desktop it sets them side by side.
function hostConfig(width) {
  return {
    fontFamily: "'Segoe UI', 'DejaVu Sans', sans-serif",
    supportsInteractivity: true,
    spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: "#E1E1E1" },
    fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
    fontWeights: { lighter: 300, default: 400, bolder: 600 },
    containerStyles: {
      default: {
        backgroundColor: "#FFFFFF",
        foregroundColors: {
          default: { default: "#242424", subtle: "#616161" },
          accent: { default: "#6264A7", subtle: "#8B8CC7" },
          good: { default: "#237B4B", subtle: "#5C9E6F" },
          warning: { default: "#835C00", subtle: "#A37D2C" },
          attention: { default: "#C4314B", subtle: "#D36B7C" },
        },
      },
      emphasis: {
        backgroundColor: "#F5F5F5",
        foregroundColors: { default: { default: "#242424", subtle: "#616161" } },
      },
    },
    actions: {
      maxActions: 6,
      spacing: "default",
      buttonSpacing: 8,
      showCard: { actionMode: "inline", inlineTopMargin: 8 },
      actionsOrientation: width < 500 ? "vertical" : "horizontal",
      actionAlignment: width < 500 ? "stretch" : "left",
    },
    factSet: {
      title: { weight: "bolder", size: "default", wrap: true, maxWidth: 150 },
      value: { size: "default", wrap: true },
      spacing: 8,
    },
    imageSizes: { small: 40, medium: 80, large: 160 },
  };
}

// Every element shown, hidden ones included: the details a row opens and the table's other pages
// must fit the screen too.
function expanded(node) {
  if (Array.isArray(node)) return node.map(expanded);
  if (node && typeof node === "object") {
    const out = {};
    for (const [k, v] of Object.entries(node)) if (k !== "isVisible") out[k] = expanded(v);
    return out;
  }
  return node;
}

const page_html = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #EBEBEB; }
  #host { box-sizing: border-box; padding: 8px; }
  #host > .ac-adaptiveCard { border-radius: 6px; }
</style></head><body><div id="host"></div></body></html>`;

function inPage([json, config]) {
  const AC = window.AdaptiveCards;
  const md = window.markdownit({ breaks: false, linkify: false });
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig(config);
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const errors = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    errors.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) {
    errors.push(`validation: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const host = document.getElementById("host");
  host.innerHTML = "";
  const element = card.render();
  if (!element) errors.push("render: the renderer gave no element");
  else host.appendChild(element);

  const limit = document.documentElement.clientWidth;
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const describe = (el) =>
    `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.textContent || "").trim().slice(0, 50)}"`;
  const wide = [];
  for (const el of host.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 || r.left < -0.5) wide.push(`${describe(el)} spans ${r.left.toFixed(0)}-${r.right.toFixed(0)} px`);
    else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible" && el.clientWidth > 0 && !el.closest("button")) {
      wide.push(`${describe(el)} clips ${el.scrollWidth} px of content into ${el.clientWidth} px`);
    }
  }
  // A word is broken when its letters sit on more than one line (a break after a hyphen or a
  // slash is where a word may break).
  const broken = [];
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || !shown(node.parentElement)) continue;
    for (const m of node.textContent.matchAll(/[^\s\-\u2010-\u2014\/]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  // Buttons the card declares where they should show (its actions, visible ActionSets) against
  // the buttons the renderer drew.
  let declared = 0;
  const count = (node, visible) => {
    if (Array.isArray(node)) return node.forEach((n) => count(n, visible));
    if (!node || typeof node !== "object") return;
    const here = visible && node.isVisible !== false;
    if (node.type === "ActionSet" && here) declared += (node.actions || []).length;
    for (const key of ["body", "items", "columns"]) count(node[key], here);
  };
  count(json, true);
  declared += (json.actions || []).length;
  const buttons = [...host.querySelectorAll("button.ac-pushButton")].filter(shown);
  const cut = buttons
    .filter((b) => [b, ...b.querySelectorAll("*")].some((e) => e.scrollWidth > e.clientWidth + 1))
    .map((b) => b.textContent.trim());
  return { errors, wide, broken, hidden: Math.max(0, declared - buttons.length), buttons: buttons.length, cut };
}

const browser = await chromium.launch({
  executablePath: input.chromium || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none"],
});
const report = [];
try {
  for (const width of widths) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(`page: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && pageErrors.push(`console: ${m.text()}`));
    await page.setContent(page_html);
    await page.addScriptTag({ path: path.join(here, "node_modules/markdown-it/dist/browser/markdown-it.umd.min.js") });
    await page.addScriptTag({ path: path.join(here, "node_modules/adaptivecards/dist/adaptivecards.min.js") });
    for (const { name, card } of input.cards) {
      const config = hostConfig(width);
      const open = await page.evaluate(inPage, [expanded(card), config]);
      const result = await page.evaluate(inPage, [card, config]);
      let screenshot = null;
      if (input.screenshots) {
        screenshot = path.join(input.screenshots, `${name}-${width}.png`);
        await page.locator("#host").screenshot({ path: screenshot });
      }
      report.push({
        name,
        width,
        errors: [...result.errors, ...pageErrors.splice(0)],
        wide: [...new Set([...result.wide, ...open.wide])],
        broken: [...new Set([...result.broken, ...open.broken])],
        hidden: result.hidden,
        buttons: result.buttons,
        cut: result.cut,
        screenshot,
      });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1));
