"use strict";
(function () {
  document.documentElement.classList.replace("no-js", "js");
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const PAGE = 500;
  // The status vocabulary comes as data (name, broken, urgency, meaning): no status list of its own here.
  const STATUS = new Map(data.statuses.map((s) => [s.name, s]));
  const BROKEN = new Set(data.statuses.filter((s) => s.broken).map((s) => s.name));
  const urgency = (name) => (STATUS.has(name) ? STATUS.get(name).urgency : data.statuses.length);

  // Control, line-break and bidirectional characters shown as escapes, as in the server-rendered rows.
  const UNSAFE = new RegExp(data.unsafe, "gu");  // u: a surrogate pair is one character, never escaped
  const NAMED = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  const visible = (text) => text.replace(UNSAFE, (c) => NAMED[c] || (c.charCodeAt(0) <= 0xff
    ? "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0") : "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = visible(String(text));
    if (className) node.className = className;
    return node;
  }
  // data.hrefs: each file's link, percent-encoded by the report (never a scheme, whatever the name).
  function fileLink(file, line, column) {
    const a = el("a", line ? file + ":" + line + ":" + (column || 1) : file);
    a.href = data.hrefs[file] + (line ? "#L" + line : "");
    return a;
  }
  function fillOptions(select, values, titles) {
    for (const value of values) {
      const option = select.appendChild(el("option", value));
      if (titles && titles.has(value)) option.title = titles.get(value);
    }
  }
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    return params;
  }

  function makeTable(spec) {
    const table = document.getElementById(spec.id);
    const body = table.tBodies[0];
    const more = document.getElementById(spec.id + "-more");
    const form = document.getElementById(spec.form);
    let sortKey = spec.defaultSort, sortDir = 1, shown = PAGE;
    const params = readHash();
    for (const field of form.elements) {
      if (params.has(spec.prefix + field.name)) field.value = params.get(spec.prefix + field.name);
    }
    function filters() {
      const values = {};
      for (const field of form.elements) values[field.name] = field.value.trim().toLowerCase();
      return values;
    }
    function render() {
      const f = filters();
      const rows = spec.rows.filter((row) => spec.match(row, f));
      rows.sort((a, b) => sortDir * spec.compare(a, b, sortKey));
      body.replaceChildren();
      const fragment = document.createDocumentFragment();
      for (const row of rows.slice(0, shown)) fragment.appendChild(spec.row(row));
      body.appendChild(fragment);
      table.caption.textContent = rows.length === spec.rows.length
        ? spec.rows.length + " " + spec.noun
        : rows.length + " of " + spec.rows.length + " " + spec.noun + " match the filters";
      more.hidden = rows.length <= shown;
      more.textContent = "Show more (" + Math.min(PAGE, rows.length - shown) + " of " + (rows.length - shown) + " left)";
      table.dataset.visible = String(Math.min(rows.length, shown));
    }
    form.addEventListener("input", () => { shown = PAGE; render(); });
    more.addEventListener("click", () => { shown += PAGE; render(); });
    for (const button of table.tHead.querySelectorAll("button[data-sort]")) {
      button.addEventListener("click", () => {
        const key = button.dataset.sort;
        sortDir = key === sortKey ? -sortDir : 1;
        sortKey = key;
        for (const th of table.tHead.querySelectorAll("th")) th.removeAttribute("aria-sort");
        button.parentElement.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        render();
      });
    }
    render();
  }

  const text = (value) => (value === null || value === undefined ? "" : String(value));
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  fillOptions(document.querySelector("#finding-filters [name=rule]"), [...new Set(data.findings.map((f) => f.rule))].sort());
  if (document.getElementById("links")) {
    fillOptions(document.querySelector("#link-filters [name=status]"), data.statuses.map((s) => s.name),
                new Map(data.statuses.map((s) => [s.name, s.meaning])));
    fillOptions(document.querySelector("#link-filters [name=host]"), [...new Set(data.links.map((l) => l.host))].sort());
  }

  makeTable({
    id: "findings", form: "finding-filters", prefix: "f.", noun: "findings", rows: data.findings, defaultSort: "severity",
    match: (r, f) => (!f.severity || r.severity === f.severity) && (!f.rule || r.rule.toLowerCase() === f.rule)
      && (!f.file || r.file.toLowerCase().includes(f.file))
      && (!f.text || (r.message + " " + r.pointer).toLowerCase().includes(f.text)),
    compare: (a, b, key) => key === "severity"
      ? cmp(a.severity, b.severity) || cmp(a.file, b.file) || (a.line || 0) - (b.line || 0)
      : key === "file" ? cmp(a.file, b.file) || (a.line || 0) - (b.line || 0) : cmp(text(a[key]), text(b[key])),
    row: (r) => {
      const tr = el("tr");
      tr.dataset.severity = r.severity;
      tr.appendChild(el("td", r.severity + (r.baselined ? " (baselined)" : ""), "sev-" + r.severity));
      const where = el("td"); where.appendChild(fileLink(r.file, r.line, r.column)); tr.appendChild(where);
      tr.appendChild(el("td", r.rule));
      tr.appendChild(el("td", r.pointer || "/"));
      const message = el("td", r.message, "msg");
      if (r.fix) message.appendChild(el("small", "🔧 " + r.fix + " fix: " + data.fixCommands[r.fix], "fix"));
      tr.appendChild(message);
      return tr;
    },
  });

  const statusMatch = (status, wanted) => !wanted || (wanted === "broken" ? BROKEN.has(status) : status === wanted);

  if (document.getElementById("links")) makeTable({
    id: "links", form: "link-filters", prefix: "l.", noun: "links", rows: data.links, defaultSort: "status",
    // With a kind chosen, the status is that kind's verdict (a page that is fine, used as an image that is not,
    // is not a page mismatch); without one, the link's most urgent verdict.
    match: (r, f) => (f.kind ? r.kinds.some((k) => k.kind === f.kind && statusMatch(k.status, f.status))
      : statusMatch(r.status, f.status)) && (!f.host || r.host === f.host)
      && (!f.file || r.occurrences.some((o) => o.file.toLowerCase().includes(f.file)))
      && (!f.text || (r.url + " " + r.reason + " " + text(r.final)).toLowerCase().includes(f.text)),
    compare: (a, b, key) => key === "status" ? urgency(a.status) - urgency(b.status) || cmp(a.url, b.url)
      : key === "http" ? (a.http || 0) - (b.http || 0)
      : key === "file" ? cmp(a.occurrences[0].file, b.occurrences[0].file) : cmp(text(a[key]), text(b[key])),
    row: (r) => {
      const tr = el("tr");
      tr.dataset.status = r.status;
      const status = tr.appendChild(el("td", r.status + (r.cached ? " (cached)" : ""), "status " + r.status));
      if (STATUS.has(r.status)) status.title = STATUS.get(r.status).meaning;
      // Only http(s) URLs become links (r.web, decided by the report): javascript:, data: and the like stay text.
      const url = el("td", r.web ? null : r.url, "url");
      if (r.web) { const a = el("a", r.url); a.href = r.url; a.rel = "noopener noreferrer"; url.appendChild(a); }
      tr.appendChild(url);
      // a URL used as several kinds: each kind's verdict (the status column is the most urgent of them)
      tr.appendChild(el("td", r.kinds.length > 1 ? r.kinds.map((k) => k.kind + ": " + k.status).join(", ") : r.kind));
      tr.appendChild(el("td", r.http === null ? "–" : r.http));
      const reason = el("td", r.reason, "msg");
      if (r.final) reason.appendChild(el("small", "final URL: " + r.final));
      if (r.redirects.length > 1) reason.appendChild(el("small", "chain: " + r.redirects.join(" → ")));
      for (const w of r.warnings) reason.appendChild(el("small", "warning: " + w));
      if (r.archived) {
        const copy = reason.appendChild(el("small", "archived copy: "));
        // The report lists an archived copy only when it is an http(s) URL (escape.web_link).
        const a = copy.appendChild(el("a", r.archived.timestamp.slice(0, 10)));
        a.href = r.archived.url; a.rel = "noopener noreferrer";
      }
      if (r.fix) reason.appendChild(el("small", "🔧 " + r.fix + " fix: " + data.fixCommands[r.fix], "fix"));
      tr.appendChild(reason);
      const used = el("td");
      for (const o of r.occurrences.slice(0, 5)) {
        const line = el("small"); line.appendChild(fileLink(o.file, o.line, o.column));
        // a URL used as several kinds: each place with its kind's verdict, the failing ones first
        line.appendChild(document.createTextNode(" " + visible(o.pointer) + (o.verdict ? " (" + o.kind + ": " + o.verdict + ")" : "")));
        used.appendChild(line);
      }
      if (r.occurrences.length > 5) used.appendChild(el("small", "+" + (r.occurrences.length - 5) + " more"));
      tr.appendChild(used);
      return tr;
    },
  });
})();
