/**
 * The sandbox page's markup and script: it polls /api/state every second and draws the scenarios, the alerts over
 * time, the notifications and the dashboard's queries. Every value is set as text (never as markup); an email's HTML
 * shows only inside a sandboxed frame served with its own restrictive Content-Security-Policy.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Billing monitoring sandbox</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
  header { background: #1d2433; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header a { color: #9cc3ff; }
  main { display: grid; grid-template-columns: minmax(420px, 1fr) minmax(420px, 1fr); gap: 12px; padding: 12px; }
  section { background: #fff; border: 1px solid #d9dde5; border-radius: 6px; padding: 10px 12px; overflow: auto; }
  section h2 { font-size: 15px; margin: 0 0 8px; }
  .wide { grid-column: 1 / -1; }
  .note { color: #5b6478; font-size: 12px; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef0f4; vertical-align: top; }
  button.scenario { margin: 2px; border: 1px solid #b8c0cf; background: #fff; border-radius: 4px; padding: 3px 7px; cursor: pointer; }
  button.scenario.current { background: #2f6fed; color: #fff; border-color: #2f6fed; }
  .kind { font-weight: 600; }
  .kind-firing { color: #c62828; } .kind-inhibited { color: #8e6a00; } .kind-resolved { color: #2e7d32; } .kind-pending { color: #5b6478; } .kind-cleared { color: #5b6478; }
  .mail { cursor: pointer; } .mail.selected { background: #e8f0fe; }
  pre { white-space: pre-wrap; background: #f5f6f8; padding: 6px; border-radius: 4px; margin: 4px 0; font-size: 12px; }
  iframe { width: 100%; height: 420px; border: 1px solid #d9dde5; background: #fff; }
  code { font-size: 12px; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>Billing monitoring sandbox</h1>
  <a id="prometheus" target="_blank">Prometheus</a>
  <a id="prometheus-alerts" target="_blank">Prometheus alerts</a>
  <a id="alertmanager" target="_blank">Alertmanager</a>
  <span id="thresholds" class="note"></span>
</header>
<main>
  <section class="wide" id="scenarios"><h2>Scenarios</h2><table id="scenario-table"></table></section>
  <section id="alerts"><h2>Alerts over time</h2><p class="note">Newest first. <label><input type="checkbox" id="show-cleared"> also show alerts that were pending and cleared before their <em>for</em> (they notify nobody)</label></p><table id="timeline"></table></section>
  <section id="notifications"><h2>Notifications as delivered</h2><table id="mail-list"></table><div id="mail-view"></div><h2>Slack, PagerDuty, heartbeat</h2><div id="webhooks"></div></section>
  <section class="wide" id="dashboard"><h2>Dashboard panels and their queries</h2><p class="note">Each query opens in Prometheus' graph page over the sandbox's data (Grafana's variables at their "All" value, the rate interval at 4 s).</p><div id="panels"></div></section>
</main>
<script>
"use strict";
let selected = null;
let shownMail = null;
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};
const time = (ms) => new Date(ms).toISOString().slice(11, 19);

async function switchScenario(environment, scenario) {
  const response = await fetch("/api/scenario/" + encodeURIComponent(environment) + "/" + encodeURIComponent(scenario), { method: "POST" });
  if (!response.ok) alert((await response.json()).error);
  refresh();
}

function drawScenarios(state) {
  const rows = state.environments.map((env) =>
    el("tr", { "data-environment": env.name }, el("th", {}, env.name + " (" + env.label + ")"),
      el("td", {}, ...state.scenarios.map((name) => el("button", { class: "scenario" + (name === env.scenario ? " current" : ""), "data-scenario": name, onclick: () => switchScenario(env.name, name) }, name)))));
  document.getElementById("scenario-table").replaceChildren(...rows);
}

function drawTimeline(state) {
  // An alert that was pending and cleared without firing is noise unless asked for: hide both of its events.
  const hidden = new Set();
  if (!document.getElementById("show-cleared").checked) {
    state.timeline.forEach((event, i) => {
      if (event.kind !== "cleared") return;
      hidden.add(i);
      for (let j = i - 1; j >= 0; j--) if (state.timeline[j].id === event.id) { if (state.timeline[j].kind === "pending") hidden.add(j); break; }
    });
  }
  const rows = state.timeline.filter((_, i) => !hidden.has(i)).reverse().slice(0, 200).map((event) =>
    el("tr", { class: "event", "data-kind": event.kind, "data-alert": event.alert },
      el("td", {}, time(event.at)),
      el("td", { class: "kind kind-" + event.kind }, event.kind),
      el("td", {}, event.alert + " in " + event.environment + (event.severity ? " (" + event.severity + ")" : "")),
      el("td", { class: "note" }, event.kind === "inhibited" ? "inhibited by " + event.inhibitedBy.join(", ") + ": no notification while it fires" : event.kind === "cleared" ? "cleared before firing: nobody was notified" : "")));
  document.getElementById("timeline").replaceChildren(...rows);
}

function drawMail(state) {
  const rows = [...state.emails].reverse().map((mail) =>
    el("tr", { class: "mail" + (mail.id === selected ? " selected" : ""), "data-id": String(mail.id), onclick: () => { selected = mail.id; shownMail = null; refresh(); } },
      el("td", {}, time(mail.receivedAt)), el("td", {}, mail.subject), el("td", { class: "note" }, mail.recipients.join(", "))));
  document.getElementById("mail-list").replaceChildren(...rows);
  const mail = state.emails.find((m) => m.id === selected);
  if (!mail || shownMail === mail.id) return;
  shownMail = mail.id;
  const headers = el("table", { class: "headers" }, ...Object.entries(mail.headers).map(([name, value]) => el("tr", {}, el("th", {}, name), el("td", {}, value))),
    el("tr", {}, el("th", {}, "envelope recipients"), el("td", {}, mail.recipients.join(", "))));
  document.getElementById("mail-view").replaceChildren(
    el("h2", {}, mail.subject), headers,
    ...(mail.hasHtml ? [el("h2", {}, "HTML, as the recipient's mail client shows it"), el("iframe", { sandbox: "", title: "email HTML", src: "/email/" + mail.id + ".html" })] : []),
    el("h2", {}, "Text part"), el("pre", { class: "mail-text" }, mail.text));
}

function drawWebhooks(state) {
  const about = (body) => body && body.alerts ? body.status + ": " + body.alerts.map((a) => a.labels.alertname).join(", ") : body && body.event_action ? body.event_action + ": " + ((body.payload && body.payload.summary) || "") : body && body.text ? String(body.text).split("\\n")[0] : "";
  const posts = [...state.webhooks].reverse().slice(0, 50).map((post) => el("details", { class: "webhook", "data-sink": post.sink }, el("summary", {}, time(post.receivedAt) + " " + post.sink + " " + about(post.body)), el("pre", {}, JSON.stringify(post.body, null, 2))));
  document.getElementById("webhooks").replaceChildren(...(posts.length ? posts : [el("p", { class: "note" }, "Nothing yet.")]));
}

let panelsDrawn = false;
function drawPanels(state) {
  if (panelsDrawn) return;
  panelsDrawn = true;
  const rows = state.panels.map((panel) => el("tr", {}, el("td", {}, panel.environment), el("td", {}, panel.title + " (" + panel.type + ")"),
    el("td", {}, ...panel.queries.map((query) => el("div", {}, el("a", { href: query.graphUrl, target: "_blank" }, "graph"), " ", el("code", {}, query.expr))))));
  document.getElementById("panels").replaceChildren(el("table", {}, ...rows));
}

async function refresh() {
  const state = await (await fetch("/api/state")).json();
  document.getElementById("prometheus").href = state.prometheusUrl;
  document.getElementById("prometheus-alerts").href = state.prometheusUrl + "/alerts";
  document.getElementById("alertmanager").href = state.alertmanagerUrl;
  const values = Object.entries(state.thresholds.values);
  document.getElementById("thresholds").textContent = "Thresholds: " + state.thresholds.source + (values.length ? " (" + values.map(([k, v]) => k + " " + v).join(", ") + ")" : "") + "; durations scaled down to seconds.";
  drawScenarios(state); drawTimeline(state); drawMail(state); drawWebhooks(state); drawPanels(state);
}
document.getElementById("show-cleared").addEventListener("change", refresh);
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
