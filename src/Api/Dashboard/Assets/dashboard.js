"use strict";
// The dashboard's page: polls its JSON API every 2 s and renders with textContent only (no HTML from data).
(() => {
  const POLL_MS = 2000;
  const ALL = "*";
  const $ = (selector) => document.querySelector(selector);
  const sessionMatch = location.pathname.match(/^\/dashboard\/sessions\/([A-Za-z0-9_-]{43})\/?$/);
  let selected = new URLSearchParams(location.search).get("flow") || ALL;
  let lastOverview = null;

  const number = (n) => (n ?? 0).toLocaleString("en");
  const rate = (n) => `${(100 * (n ?? 0)).toFixed(1)} %`;
  const ms = (n) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${(n ?? 0).toFixed(n < 10 ? 1 : 0)} ms`);
  const time = (t) => (t ? new Date(t).toLocaleTimeString("en-GB") : "–");
  const dateTime = (t) => (t ? new Date(t).toLocaleString("en-GB") : "–");

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      if (cell instanceof Node) td.appendChild(cell);
      else td.textContent = cell ?? "–";
      tr.appendChild(td);
    }
    return tr;
  }

  function fill(tbody, rows, empty) {
    tbody.replaceChildren(...rows);
    if (rows.length === 0 && empty) {
      const tr = row([empty]);
      tr.firstChild.colSpan = 8;
      tr.className = "muted";
      tbody.appendChild(tr);
    }
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) {
      location.assign("/dashboard/signin");
      throw new Error("signed out");
    }
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  function live(ok, at) {
    const badge = $("#live");
    badge.textContent = ok ? `live · ${time(at)}` : "reconnecting…";
    badge.classList.toggle("stale", !ok);
  }

  function renderFlows(flows) {
    const select = $("#flow");
    const names = flows.map((f) => f.flow);
    if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
      select.replaceChildren(...names.map((name) => {
        const option = element("option", name === ALL ? "All flows" : name);
        option.value = name;
        return option;
      }));
    }
    if (!names.includes(selected)) selected = ALL;
    select.value = selected;
  }

  function renderChart(values) {
    const svg = $("#steps-chart");
    const max = Math.max(1, ...values);
    const width = 600 / values.length;
    const bars = values.map((v, i) => {
      const h = (v / max) * 110;
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("x", (i * width).toFixed(1));
      rect.setAttribute("y", (118 - h).toFixed(1));
      rect.setAttribute("width", Math.max(1, width - 1).toFixed(1));
      rect.setAttribute("height", h.toFixed(1));
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${60 - i} min ago: ${v.toFixed(2)} steps/s`;
      rect.appendChild(title);
      return rect;
    });
    svg.replaceChildren(...bars);
    $("#steps-max").textContent = `peak ${max.toFixed(1)} steps/s`;
  }

  function bar(value, max) {
    const wrap = element("div", null, "bar");
    const fillBar = element("span");
    fillBar.style.width = `${max > 0 ? (100 * value) / max : 0}%`;
    wrap.append(fillBar, element("b", number(value)));
    return wrap;
  }

  function renderOverview(overview) {
    renderFlows(overview.flows);
    const flow = overview.flows.find((f) => f.flow === selected) ?? overview.flows[0];
    for (const key of ["issued", "opened", "completed", "expired", "invalidated", "active"]) {
      document.querySelector(`[data-stat="${key}"]`).textContent = number(flow[key]);
    }
    document.querySelector('[data-stat="completion_rate"]').textContent = rate(flow.completion_rate);
    document.querySelector('[data-stat="steps_per_second"]').textContent = flow.steps_per_second.toFixed(1);
    renderChart(flow.steps_per_second_by_minute);

    const top = Math.max(0, ...flow.funnel.map((s) => s.reached));
    fill($("#funnel tbody"), flow.funnel.map((s) => {
      const tr = row([s.screen, bar(s.reached, top), number(s.at)]);
      tr.dataset.screen = s.screen;
      return tr;
    }), "No screens yet");

    fill($("#windows tbody"), flow.windows.map((w) => {
      const p90 = element("span", ms(w.p90_ms), w.latency_alert ? "alert" : "");
      const errors = element("span", rate(w.error_rate), w.error_rate_alert ? "alert" : "");
      if (w.latency_alert) p90.title = "p90 at or above Meta's 1 s threshold";
      if (w.error_rate_alert) errors.title = "error rate at or above Meta's 5 % threshold";
      const tr = row([`${w.minutes} min`, number(w.requests), ms(w.p50_ms), p90, ms(w.p99_ms), errors]);
      tr.dataset.window = w.minutes;
      return tr;
    }));

    const order = ["2xx", "421", "427", "432", "4xx", "5xx"];
    const statuses = Object.entries(flow.statuses).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    fill($("#statuses tbody"), statuses.map(([status, count]) => {
      const tr = row([status, number(count)]);
      tr.dataset.status = status;
      if ((status === "5xx" || status === "421" || status === "432") && count > 0) tr.className = "warn";
      return tr;
    }));
    fill($("#error-keys tbody"), Object.entries(flow.error_notifications).map(([key, count]) => row([key, number(count)])), "None");

    $("#alerts").replaceChildren(...overview.alerts.map((a) => {
      const li = element("li");
      li.append(element("b", a.event, /ERROR|LATENCY|AVAILABILITY/.test(a.event) ? "alert" : ""),
        element("span", ` ${a.flow_id ?? ""} ${a.old_status ? `${a.old_status} → ` : ""}${a.new_status ?? ""} ${a.alert_state ?? ""}`),
        element("small", ` ${time(a.at)}`, "muted"));
      if (a.message) li.append(element("div", a.message, "muted"));
      return li;
    }));
    if (overview.alerts.length === 0) $("#alerts").append(element("li", "No alerts received", "muted"));

    fill($("#nodes tbody"), overview.nodes.map((n) =>
      row([n.node, n.kind, n.requests_per_second.toFixed(1), n.steps_per_second.toFixed(1), n.activations ?? "–"])), "No node has reported yet");

    fill($("#sessions tbody"), overview.sessions.filter((s) => selected === ALL || s.flow === selected).map((s) => {
      const link = element("a", s.fingerprint);
      link.href = `/dashboard/sessions/${s.session_key}`;
      return row([link, s.flow, s.status, s.screen, time(s.at)]);
    }), "No session yet");
  }

  function renderSession(session) {
    $("#s-fingerprint").textContent = session.fingerprint;
    $("#s-key").textContent = session.session_key;
    $("#s-flow").textContent = session.flow;
    $("#s-status").textContent = session.status;
    $("#s-recipient").textContent = session.recipient ?? "–";
    $("#s-screen").textContent = session.current_screen ?? "–";
    $("#s-created").textContent = dateTime(session.created_at);
    $("#s-updated").textContent = dateTime(session.updated_at);
    $("#s-expires").textContent = dateTime(session.expires_at);
    $("#s-completed").textContent = dateTime(session.completed_at);
    $("#s-errors").textContent = number(session.error_notifications);
    fill($("#path tbody"), session.path.map((step) => {
      const tr = row([time(step.at), ms(step.since_previous_ms), step.action, step.screen, step.next_screen, step.outcome, step.error_message]);
      if (step.error_message) tr.className = "warn";
      return tr;
    }), "No step yet");
  }

  async function poll() {
    try {
      if (sessionMatch) {
        renderSession(await getJson(`/dashboard/api/sessions/${sessionMatch[1]}`));
        live(true, new Date());
      } else {
        const overview = await getJson("/dashboard/api/overview");
        lastOverview = overview;
        renderOverview(overview);
        live(true, overview.at);
      }
    } catch (error) {
      live(false);
    }
    setTimeout(poll, POLL_MS);
  }

  document.getElementById(sessionMatch ? "session" : "overview").hidden = false;
  $("#flow").addEventListener("change", (e) => {
    selected = e.target.value;
    history.replaceState(null, "", selected === ALL ? "/dashboard" : `/dashboard?flow=${encodeURIComponent(selected)}`);
    if (lastOverview) renderOverview(lastOverview);
  });
  if (sessionMatch) $(".flow-pick").hidden = true;
  poll();
})();
