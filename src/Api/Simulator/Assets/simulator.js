// The flow simulator: renders a flow's screens from its Flow JSON and plays Meta's client. Exchanges with the
// endpoint go through the server's relay (/dashboard/simulator/api/exchange), which seals and signs them as Meta does.
"use strict";
(() => {
  const API = "/dashboard/simulator/api";
  const $ = (selector) => document.querySelector(selector);

  const state = {
    flow: null, // the flow view from the API
    json: null, // its Flow JSON
    session: null, // { flow_token, issued, session_key, endpoint_url }
    current: null, // { id, data, form, errors }
    history: [],
    screens: {}, // screen id → { data, form } as last seen, for ${screen.X.form.y}
    finished: false,
    sizes: {}, // picked files' sizes by media id, for the list under the picker
  };

  // ---------- helpers ----------

  function element(tag, attributes, ...children) {
    const e = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") e.className = value;
      else if (key === "text") e.textContent = String(value);
      else if (key.startsWith("on")) e.addEventListener(key.slice(2), value);
      else e.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child) e.append(child);
    return e;
  }

  async function api(path, options) {
    const response = await fetch(API + path, {
      credentials: "same-origin",
      headers: options && options.body && !(options.body instanceof Blob) ? { "Content-Type": "application/json" } : undefined,
      ...options,
    });
    let body = null;
    const text = await response.text();
    try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text }; }
    if (response.status === 401) { location.href = "/dashboard/signin"; }
    return { status: response.status, body };
  }

  const pretty = (value) => JSON.stringify(value, null, 2);
  const screenDef = (id) => (state.json.screens || []).find((s) => s.id === id);

  // ---------- bindings ----------

  function lookup(path) {
    // path: data.x.y | form.x | screen.S.form.x | screen.S.data.x
    const parts = path.split(".");
    let root;
    if (parts[0] === "data") { root = state.current.data; parts.shift(); }
    else if (parts[0] === "form") { root = state.current.form; parts.shift(); }
    else if (parts[0] === "screen" && parts.length >= 3) {
      const id = parts[1];
      const seen = id === state.current.id ? state.current : state.screens[id];
      root = seen ? (parts[2] === "form" ? seen.form : seen.data) : undefined;
      parts.splice(0, 3);
    } else return undefined;
    for (const part of parts) {
      if (root === undefined || root === null) return undefined;
      root = root[part];
    }
    return root;
  }

  const REF = /^\$\{([A-Za-z0-9_.\-]+)\}$/;

  // A value from Flow JSON: a whole "${…}" reference gives the bound value (any type), a `backtick template` a string.
  function resolve(value) {
    if (typeof value === "string") {
      const whole = value.match(REF);
      if (whole) return lookup(whole[1]);
      if (value.length > 1 && value.startsWith("`") && value.endsWith("`")) {
        return value.slice(1, -1).replace(/\$\{([^}]+)\}/g, (_, expr) => stringOf(evaluate(expr)));
      }
      return value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === "object") {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = resolve(v);
      return out;
    }
    return value;
  }

  const stringOf = (v) => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

  // Conditions of If (and template expressions): literals, ${…} references, ! && || == != < <= > >= and parentheses.
  function evaluate(expression) {
    const tokens = [];
    const re = /\s*(\$\{[^}]+\}|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|&&|\|\||==|!=|<=|>=|[()!<>]|true|false|null|[A-Za-z0-9_.\-]+)/y;
    let m;
    while (re.lastIndex < expression.length && (m = re.exec(expression))) tokens.push(m[1]);
    let at = 0;
    const peek = () => tokens[at];
    const next = () => tokens[at++];
    function primary() {
      const t = next();
      if (t === undefined) return undefined;
      if (t === "(") { const v = or(); next(); return v; }
      if (t === "!") return !truthy(primary());
      if (t.startsWith("${")) return lookup(t.slice(2, -1));
      if (t.startsWith("'") || t.startsWith('"')) return t.slice(1, -1);
      if (t === "true") return true;
      if (t === "false") return false;
      if (t === "null") return null;
      if (/^-?\d/.test(t)) return Number(t);
      return lookup(t);
    }
    function compare() {
      let left = primary();
      while (["==", "!=", "<", "<=", ">", ">="].includes(peek())) {
        const op = next();
        const right = primary();
        left = op === "==" ? left == right : op === "!=" ? left != right : op === "<" ? left < right : op === "<=" ? left <= right : op === ">" ? left > right : left >= right; // eslint-disable-line eqeqeq
      }
      return left;
    }
    function and() { let v = compare(); while (peek() === "&&") { next(); const r = compare(); v = truthy(v) && truthy(r); } return v; }
    function or() { let v = and(); while (peek() === "||") { next(); const r = and(); v = truthy(v) || truthy(r); } return v; }
    return or();
  }

  const truthy = (v) => !(v === undefined || v === null || v === false || v === "" || v === 0 || (Array.isArray(v) && v.length === 0));

  // ---------- rendering ----------

  const INPUTS = new Set(["TextInput", "TextArea", "Dropdown", "RadioButtonsGroup", "CheckboxGroup", "ChipsSelector", "DatePicker", "CalendarPicker", "OptIn", "PhotoPicker", "DocumentPicker"]);

  function render() {
    const def = screenDef(state.current.id);
    $("#phone").dataset.screen = def.id;
    $("#screen-title").textContent = resolve(def.title) ?? "";
    $("#screen-id").textContent = def.id;
    $("#back").disabled = state.finished;
    const focused = document.activeElement && document.activeElement.id;
    const screen = $("#screen");
    const footer = $("#footer-area");
    screen.replaceChildren();
    footer.replaceChildren();
    state.inputs = [];
    const context = { initValues: {}, errorMessages: {} };
    for (const child of (def.layout && def.layout.children) || []) renderComponent(child, screen, footer, context);
    updateFooter();
    if (focused && document.getElementById(focused)) {
      const e = document.getElementById(focused);
      e.focus();
    }
  }

  function renderAll(children, container, footer, context) {
    for (const child of children || []) renderComponent(child, container, footer, context);
  }

  function renderComponent(c, container, footer, context) {
    if (!c || typeof c !== "object") return;
    if (c.type === "If") {
      renderAll(truthy(evaluate(c.condition)) ? c.then : c.else, container, footer, context);
      return;
    }
    if (c.type === "Switch") {
      const value = stringOf(resolve(c.value));
      renderAll((c.cases || {})[value], container, footer, context);
      return;
    }
    if ("visible" in c && !truthy(resolve(c.visible))) return;
    if (c.type === "Form") {
      const inner = { initValues: resolve(c["init-values"]) || {}, errorMessages: resolve(c["error-messages"]) || {} };
      renderAll(c.children, container, footer, inner);
      return;
    }
    const renderer = RENDERERS[c.type];
    const box = element("div", { className: `c c-${c.type}`, "data-component": c.type, "data-name": c.name });
    if (!renderer) {
      box.append(element("p", { className: "error", text: `${c.type} is not a component this simulator knows.` }));
      container.append(box);
      return;
    }
    if (INPUTS.has(c.type) && c.name) {
      if (!(c.name in state.current.form)) {
        const init = c.name in context.initValues ? context.initValues[c.name] : resolve(c["init-value"]);
        state.current.form[c.name] = init !== undefined ? init : emptyValue(c.type);
      }
      state.inputs.push(c);
    }
    renderer(c, box, context);
    if (INPUTS.has(c.type) && c.name) {
      const message = state.current.errors[c.name] ?? context.errorMessages[c.name] ?? resolve(c["error-message"]);
      if (message) box.append(element("p", { className: "error", "data-error": c.name, text: message }));
    }
    (c.type === "Footer" ? footer : container).append(box);
  }

  function emptyValue(type) {
    if (type === "CheckboxGroup" || type === "ChipsSelector" || type === "PhotoPicker" || type === "DocumentPicker") return [];
    if (type === "OptIn") return false;
    return "";
  }

  const fieldId = (c) => `f-${c.name}`;
  const label = (c) => element("label", { className: "field", for: fieldId(c), text: `${resolve(c.label) ?? ""}${c.required ? " *" : ""}` });
  const helper = (c) => (c["helper-text"] ? element("p", { className: "helper", text: resolve(c["helper-text"]) }) : document.createTextNode(""));
  const enabled = (c) => !("enabled" in c) || truthy(resolve(c.enabled));
  const items = (c) => (resolve(c["data-source"]) || []).filter((i) => i && typeof i === "object");

  function setValue(c, value, rerender) {
    state.current.form[c.name] = value;
    delete state.current.errors[c.name];
    if (rerender) {
      render();
    } else {
      updateFooter();
    }
  }

  function runSelectAction(c, selected) {
    const action = selected ? c["on-select-action"] : c["on-unselect-action"];
    if (action) perform(action);
  }

  function text(c) {
    const value = resolve(c.text);
    return Array.isArray(value) ? value.join("\n") : stringOf(value);
  }

  // A little of Meta's markdown: **bold**, *italic*, ~~strike~~, headings, list items; always as text, never HTML.
  function markdownLine(line, parent) {
    const heading = line.match(/^(#{1,2})\s+(.*)$/);
    if (heading) { parent.append(element(heading[1].length === 1 ? "h1" : "h2", { text: heading[2] })); return; }
    const bullet = line.match(/^\s*[-+*]\s+(.*)$/);
    const p = element(bullet ? "li" : "p");
    const source = bullet ? bullet[1] : line;
    const re = /(\*\*[^*]+\*\*|\*[^*]+\*|~~[^~]+~~|\[[^\]]+\]\([^)]+\))/g;
    let last = 0;
    let m;
    while ((m = re.exec(source))) {
      p.append(source.slice(last, m.index));
      const t = m[0];
      if (t.startsWith("**")) p.append(element("b", { text: t.slice(2, -2) }));
      else if (t.startsWith("~~")) p.append(element("s", { text: t.slice(2, -2) }));
      else if (t.startsWith("[")) p.append(element("u", { text: t.slice(1, t.indexOf("]")) }));
      else p.append(element("i", { text: t.slice(1, -1) }));
      last = m.index + t.length;
    }
    p.append(source.slice(last));
    parent.append(p);
  }

  const RENDERERS = {
    TextHeading: (c, box) => box.append(element("h1", { text: text(c) })),
    TextSubheading: (c, box) => box.append(element("h2", { text: text(c) })),
    TextBody: (c, box) => {
      if (c.markdown) text(c).split("\n").forEach((l) => markdownLine(l, box));
      else box.append(element("p", { text: text(c), className: c["font-weight"] === "bold" ? "bold" : null }));
    },
    TextCaption: (c, box) => {
      if (c.markdown) text(c).split("\n").forEach((l) => markdownLine(l, box));
      else box.append(element("p", { text: text(c) }));
    },
    RichText: (c, box) => text(c).split("\n").forEach((l) => markdownLine(l, box)),
    Image: (c, box) => box.append(imageOf(resolve(c.src), resolve(c["alt-text"]), c.width, c.height)),
    ImageCarousel: (c, box) => {
      const images = resolve(c.images) || [];
      let index = 0;
      const frame = element("div", { className: "carousel" });
      const caption = element("span", { className: "muted" });
      const show = () => {
        const image = images[index] || {};
        frame.replaceChildren(imageOf(resolve(image.src), resolve(image["alt-text"])));
        caption.textContent = `${index + 1} / ${images.length}`;
        box.dataset.index = String(index);
      };
      box.append(frame, element("div", {},
        element("button", { type: "button", "data-carousel": "prev", text: "‹", onclick: () => { index = (index + images.length - 1) % images.length; show(); } }),
        caption,
        element("button", { type: "button", "data-carousel": "next", text: "›", onclick: () => { index = (index + 1) % images.length; show(); } })));
      show();
    },
    TextInput: (c, box) => {
      const types = { text: "text", number: "number", email: "email", password: "password", passcode: "password", phone: "tel" };
      const input = element("input", {
        id: fieldId(c), name: c.name, type: types[c["input-type"] || "text"] || "text", disabled: !enabled(c),
        minlength: c["min-chars"], maxlength: c["max-chars"], autocomplete: "off",
      });
      input.value = stringOf(state.current.form[c.name]);
      input.addEventListener("input", () => setValue(c, input.value, false));
      box.append(label(c), input, helper(c));
    },
    TextArea: (c, box) => {
      const area = element("textarea", { id: fieldId(c), name: c.name, maxlength: c["max-length"], disabled: !enabled(c), rows: 3 });
      area.value = stringOf(state.current.form[c.name]);
      area.addEventListener("input", () => setValue(c, area.value, false));
      box.append(label(c), area, helper(c));
    },
    Dropdown: (c, box) => {
      const select = element("select", { id: fieldId(c), name: c.name, disabled: !enabled(c) }, element("option", { value: "", text: "Select…" }));
      for (const item of items(c)) select.append(element("option", { value: item.id, text: item.title, disabled: item.enabled === false }));
      select.value = stringOf(state.current.form[c.name]);
      select.addEventListener("change", () => { setValue(c, select.value, true); runSelectAction(c, select.value !== ""); });
      box.append(label(c), select);
    },
    RadioButtonsGroup: (c, box) => {
      box.append(element("p", { className: "field", text: `${resolve(c.label) ?? ""}${c.required ? " *" : ""}` }));
      for (const item of items(c)) {
        const radio = element("input", { type: "radio", name: c.name, id: `${fieldId(c)}-${item.id}`, value: item.id, disabled: !enabled(c) || item.enabled === false });
        radio.checked = state.current.form[c.name] === item.id;
        radio.addEventListener("change", () => { setValue(c, item.id, true); runSelectAction(c, true); });
        box.append(element("div", { "data-option": item.id }, radio, element("label", { for: radio.id, text: item.title }),
          item.description ? element("span", { className: "helper", text: ` ${item.description}` }) : null));
      }
    },
    CheckboxGroup: (c, box) => {
      box.append(element("p", { className: "field", text: `${resolve(c.label) ?? ""}${c.required ? " *" : ""}` }));
      for (const item of items(c)) {
        const check = element("input", { type: "checkbox", name: c.name, id: `${fieldId(c)}-${item.id}`, value: item.id, disabled: !enabled(c) || item.enabled === false });
        check.checked = (state.current.form[c.name] || []).includes(item.id);
        check.addEventListener("change", () => {
          const values = new Set(state.current.form[c.name] || []);
          if (check.checked) values.add(item.id); else values.delete(item.id);
          setValue(c, [...values], true);
          runSelectAction(c, check.checked);
        });
        box.append(element("div", { "data-option": item.id }, check, element("label", { for: check.id, text: item.title })));
      }
    },
    ChipsSelector: (c, box) => {
      box.append(element("p", { className: "field", text: `${resolve(c.label) ?? ""}${c.required ? " *" : ""}` }));
      for (const item of items(c)) {
        const on = (state.current.form[c.name] || []).includes(item.id);
        box.append(element("button", {
          type: "button", className: "chip", "data-option": item.id, "aria-pressed": on ? "true" : "false", text: item.title, disabled: !enabled(c),
          onclick: () => {
            const values = new Set(state.current.form[c.name] || []);
            if (on) values.delete(item.id); else values.add(item.id);
            setValue(c, [...values], true);
            runSelectAction(c, !on);
          },
        }));
      }
    },
    DatePicker: (c, box) => datePicker(c, box),
    CalendarPicker: (c, box) => {
      if (c.title) box.append(element("h2", { text: resolve(c.title) }));
      if (c.description) box.append(element("p", { className: "helper", text: resolve(c.description) }));
      if (c.mode === "range") {
        const value = state.current.form[c.name] && typeof state.current.form[c.name] === "object" ? state.current.form[c.name] : {};
        const labels = resolve(c.label) || {};
        for (const part of ["start-date", "end-date"]) {
          const input = element("input", { type: "date", id: `${fieldId(c)}-${part}`, min: resolve(c["min-date"]), max: resolve(c["max-date"]), disabled: !enabled(c) });
          input.value = value[part] || "";
          input.addEventListener("change", () => { setValue(c, { ...value, [part]: input.value }, true); runSelectAction(c, true); });
          box.append(element("label", { className: "field", for: input.id, text: typeof labels === "object" ? labels[part] || part : part }), input);
        }
        box.append(helper(c));
        return;
      }
      datePicker(c, box);
    },
    OptIn: (c, box) => {
      const check = element("input", { type: "checkbox", id: fieldId(c), name: c.name });
      check.checked = state.current.form[c.name] === true;
      check.addEventListener("change", () => { setValue(c, check.checked, true); runSelectAction(c, check.checked); });
      box.append(check, element("label", { for: check.id, text: `${resolve(c.label) ?? ""}${c.required ? " *" : ""}` }));
      if (c["on-click-action"]) {
        box.append(element("button", { type: "button", className: "link-button", "data-action": "read-more", text: " Read more", onclick: () => perform(c["on-click-action"]) }));
      }
    },
    EmbeddedLink: (c, box) => box.append(element("a", { href: "#", "data-link": text(c), text: text(c), onclick: (e) => { e.preventDefault(); perform(c["on-click-action"]); } })),
    NavigationList: (c, box) => {
      if (c.label) box.append(element("h2", { text: resolve(c.label) }));
      if (c.description) box.append(element("p", { className: "helper", text: resolve(c.description) }));
      for (const item of resolve(c["list-items"]) || []) {
        const main = item["main-content"] || {};
        const end = item.end || {};
        box.append(element("button", {
          type: "button", className: "nav-item", "data-item": item.id,
          onclick: () => perform(item["on-click-action"] || c["on-click-action"]),
        }, item.start && item.start.image ? imageOf(item.start.image, "", 32, 32) : null,
        element("b", { text: main.title }), main.description ? element("span", { className: "helper", text: ` ${main.description}` }) : null,
        main.metadata ? element("span", { className: "helper", text: ` ${main.metadata}` }) : null,
        end.title ? element("span", { text: ` ${end.title}` }) : null));
      }
    },
    PhotoPicker: (c, box) => picker(c, box, "image/*", c["max-uploaded-photos"]),
    DocumentPicker: (c, box) => picker(c, box, (c["allowed-mime-types"] || []).join(","), c["max-uploaded-documents"]),
    Footer: (c, box) => {
      const button = element("button", { id: "footer", type: "button", text: resolve(c.label), onclick: () => submit(c) });
      button.dataset.enabled = String(enabled(c));
      box.append(button);
      if (c["left-caption"] || c["center-caption"] || c["right-caption"]) {
        box.append(element("div", { className: "captions" }, element("span", { text: resolve(c["left-caption"]) }),
          element("span", { text: resolve(c["center-caption"]) }), element("span", { text: resolve(c["right-caption"]) })));
      }
    },
  };

  function datePicker(c, box) {
    const unavailable = new Set(resolve(c["unavailable-dates"]) || []);
    const input = element("input", { type: "date", id: fieldId(c), name: c.name, min: resolve(c["min-date"]), max: resolve(c["max-date"]), disabled: !enabled(c) });
    input.value = stringOf(state.current.form[c.name]);
    input.addEventListener("change", () => {
      if (unavailable.has(input.value)) {
        state.current.errors[c.name] = `${input.value} cannot be chosen.`;
        state.current.form[c.name] = "";
        render();
        return;
      }
      setValue(c, input.value, true);
      runSelectAction(c, true);
    });
    box.append(label(c), input, helper(c));
    if (unavailable.size) box.append(element("p", { className: "helper", "data-unavailable": [...unavailable].join(" "), text: `Unavailable: ${[...unavailable].join(", ")}` }));
  }

  // A picker takes local files. Each is uploaded to the simulator, which encrypts it as WhatsApp puts an upload on its
  // CDN and answers the picker value Meta sends (media_id, cdn_url, file_name, encryption_metadata): the endpoint
  // downloads and opens it as it would Meta's.
  function picker(c, box, accept, max) {
    if (c.description) box.append(element("p", { className: "helper", text: resolve(c.description) }));
    const input = element("input", { type: "file", id: fieldId(c), name: c.name, accept: accept || null, multiple: (max || 1) > 1, disabled: !enabled(c) });
    const list = element("ul", { className: "helper" });
    for (const file of state.current.form[c.name] || []) {
      list.append(element("li", { "data-cdn-url": file.cdn_url || null, text: `${file.file_name} (${state.sizes[file.media_id] ?? "?"} bytes)` }));
    }
    input.addEventListener("change", async () => {
      const files = [];
      for (const file of [...input.files].slice(0, max || 1)) {
        const uploaded = await api(`/media?name=${encodeURIComponent(file.name)}`, { method: "POST", body: file });
        if (uploaded.status !== 201) {
          showSnackbar(`${file.name}: ${(uploaded.body && uploaded.body.detail) || `upload refused (${uploaded.status})`}`);
          continue;
        }
        state.sizes[uploaded.body.media_id] = file.size;
        files.push(uploaded.body);
      }
      // The screen is drawn again, and the new list shows the files from the form.
      setValue(c, files, true);
    });
    box.append(label(c), input, list);
  }

  function imageOf(src, alt, width, height) {
    if (!src) return element("span", { className: "muted", text: "(no image)" });
    const url = /^(data:|blob:|\/)/.test(src) ? src : `data:image/png;base64,${src}`;
    return element("img", { src: url, alt: alt || "", width, height });
  }

  // Meta disables the footer until the screen's required fields are filled.
  function updateFooter() {
    const button = $("#footer");
    if (!button) return;
    const missing = state.inputs.filter((c) => c.required && !truthy(state.current.form[c.name]));
    button.disabled = state.finished || button.dataset.enabled === "false" || missing.length > 0;
  }

  // ---------- actions ----------

  function inputErrors() {
    const errors = {};
    for (const c of state.inputs) {
      const value = state.current.form[c.name];
      if (c.type === "TextInput" && value) {
        if (c["min-chars"] && value.length < c["min-chars"]) errors[c.name] = `At least ${c["min-chars"]} characters.`;
        else if (c["input-type"] === "email" && !/^[^\s@]+@[^\s@]+$/.test(value)) errors[c.name] = "Enter a valid email address.";
        else if (c["input-type"] === "number" && Number.isNaN(Number(value))) errors[c.name] = "Enter a number.";
      }
    }
    return errors;
  }

  function submit(footer) {
    const errors = inputErrors();
    if (Object.keys(errors).length) {
      state.current.errors = errors;
      render();
      return;
    }
    perform(footer["on-click-action"]);
  }

  async function perform(action) {
    if (!action || state.finished || state.busy) return;
    const payload = resolve(action.payload || {});
    switch (action.name) {
      case "navigate": {
        const next = typeof action.next === "string" ? action.next : action.next && action.next.name;
        goTo(next, payload, true);
        break;
      }
      case "data_exchange":
        await exchange("data_exchange", state.current.id, payload);
        break;
      case "update_data":
        Object.assign(state.current.data, payload);
        render();
        break;
      case "open_url": {
        const box = $("#open-url");
        box.hidden = false;
        box.replaceChildren(element("b", { text: "open_url: " }), element("span", { id: "opened-url", text: action.url }), element("span", { className: "muted", text: " (not opened: the simulator stays on this page)" }));
        break;
      }
      case "complete":
        await complete(payload, "complete");
        break;
      default:
        logLocal(`Unknown action ${action.name}`, "error");
    }
  }

  function goTo(id, data, push) {
    const def = screenDef(id);
    if (!def) {
      showOutcome(`The flow cannot go on: there is no screen '${id}'.`, "error");
      return;
    }
    const filled = { ...(data || {}) };
    const missing = Object.keys(def.data || {}).filter((k) => !(k in filled));
    if (missing.length && push !== null) logLocal(`Screen ${id} opened without ${missing.join(", ")}: the phone would show an error (its examples are used here).`, "warning");
    for (const key of missing) filled[key] = def.data[key].__example__;
    if (state.current) {
      state.screens[state.current.id] = { data: state.current.data, form: state.current.form };
      if (push) state.history.push(state.current);
    }
    state.current = { id, data: filled, form: {}, errors: {} };
    showSnackbar(filled.error_message);
    render();
  }

  function showSnackbar(message) {
    const bar = $("#snackbar");
    bar.hidden = !message;
    bar.textContent = message || "";
  }

  async function back() {
    if (state.finished) return;
    const def = screenDef(state.current.id);
    if (def && def.refresh_on_back && state.flow.uses_endpoint) {
      await exchange("BACK", state.current.id, {});
      return;
    }
    if (!state.history.length) {
      showOutcome("BACK on the first screen closes the flow (nothing is sent).", "warning");
      state.finished = true;
      render();
      return;
    }
    state.screens[state.current.id] = { data: state.current.data, form: state.current.form };
    state.current = state.history.pop();
    showSnackbar(null);
    render();
  }

  function relayBody(request) {
    return {
      flow: state.flow.key,
      endpoint_url: state.session.endpoint_url,
      public_key_pem: $("#public-key").value.trim() || null,
      app_secret: $("#app-secret").value || null,
      request,
    };
  }

  async function exchange(action, screen, data) {
    if (!state.session.endpoint_url) {
      showOutcome("This flow has no endpoint: give an endpoint URL to run data_exchange.", "error");
      return;
    }
    state.busy = true;
    $("#phone").dataset.busy = "true";
    try {
      const request = { version: "3.0", action, flow_token: state.session.flow_token };
      if (screen) request.screen = screen;
      if (data) request.data = data;
      const { status, body } = await api("/exchange", { method: "POST", body: JSON.stringify(relayBody(request)) });
      if (status !== 200) {
        logLocal(`Relay refused: ${body && (body.detail || body.title)}`, "error");
        showOutcome(body && (body.detail || body.title), "error");
        return;
      }
      logExchange(body);
      if (body.status !== 200 || !body.response || body.findings.some((f) => f.code === "unknown_screen" || f.code === "unreadable_response")) {
        const message = body.response && body.response.error_msg;
        const problem = body.findings.length ? `, ${body.findings[0].code}` : "";
        showOutcome(`Something went wrong (${body.status || "no answer"}${problem})${message ? `: ${message}` : "."} See the exchanges.`, "error");
        return;
      }
      const answer = body.response;
      if (answer.screen === "SUCCESS") {
        const params = (answer.data && answer.data.extension_message_response && answer.data.extension_message_response.params) || {};
        await complete(params, "SUCCESS");
        return;
      }
      if (!answer.screen) return;
      if (action === "BACK" || answer.screen !== state.current.id) {
        if (action === "BACK") {
          state.current = state.history.pop() || state.current;
          goTo(answer.screen, answer.data, false);
        } else {
          goTo(answer.screen, answer.data, true);
        }
      } else {
        // The same screen again (bad input): its new data, the form initialized from it again, the error in a snackbar.
        state.current = { id: answer.screen, data: { ...answer.data }, form: {}, errors: {} };
        showSnackbar(answer.data && answer.data.error_message);
        render();
      }
    } finally {
      state.busy = false;
      $("#phone").dataset.busy = "false";
    }
  }

  async function complete(payload, how) {
    state.finished = true;
    render();
    if (!state.session.issued) {
      showOutcome(`Flow completed (${how}). Not issued by this backend, so no completion webhook is sent. response_json: ${JSON.stringify({ flow_token: state.session.flow_token, ...payload })}`, "ok");
      $("#phone").dataset.completed = "true";
      return;
    }
    const { status, body } = await api("/complete", { method: "POST", body: JSON.stringify({ flow_token: state.session.flow_token, payload }) });
    const li = element("li", { className: "exchange", "data-action": "webhook", "data-status": body && body.status });
    li.append(element("details", { open: true },
      element("summary", {}, element("b", { text: "completion webhook " }), element("span", { className: body && body.status === 200 ? "status-ok" : "status-bad", text: String(body && body.status) }),
        element("span", { className: "muted", text: body && body.signed ? " signed" : " unsigned" })),
      element("pre", { text: pretty(body && body.webhook) })));
    $("#exchanges").append(li);
    if (status === 200 && body.status === 200) {
      $("#phone").dataset.completed = "true";
      const outcome = showOutcome(`Flow completed (${how}); the webhook answered 200. `, "ok");
      outcome.append(element("a", { id: "session-link", href: `/dashboard/sessions/${state.session.session_key}`, text: "See the session on the dashboard" }));
    } else {
      showOutcome(`Flow completed (${how}), but the webhook answered ${body && body.status}.`, "error");
    }
  }

  function showOutcome(message, kind) {
    const box = $("#outcome");
    box.hidden = false;
    box.dataset.kind = kind;
    box.replaceChildren(element("span", { id: "outcome-text", text: message }));
    return box;
  }

  // ---------- side panel ----------

  function logExchange(x) {
    const ok = x.status === 200 && x.findings.length === 0;
    const request = x.request || {};
    const li = element("li", { className: "exchange", "data-action": request.action, "data-status": x.status, "data-screen": request.screen || "" });
    const findings = element("ul", { className: "list" });
    for (const f of x.findings) findings.append(element("li", { className: "finding", "data-severity": "error", "data-code": f.code, text: `${f.code}: ${f.message}` }));
    const t = x.timings;
    li.append(element("details", { open: true },
      element("summary", {},
        element("b", { text: `${request.action}${request.screen ? ` ${request.screen}` : ""} → ` }),
        element("span", { className: ok ? "status-ok" : "status-bad", "data-role": "status", text: String(x.status || "no answer") }),
        element("span", { className: "muted", text: ` ${x.response && x.response.screen ? x.response.screen : ""} · seal ${t.seal_ms.toFixed(1)} ms, round trip ${t.round_trip_ms.toFixed(1)} ms, open ${t.open_ms.toFixed(1)} ms${x.signed ? " · signed" : ""}` })),
      findings,
      element("p", { className: "muted", text: `POST ${x.endpoint_url}` }),
      element("div", {}, element("b", { text: "Request (clear)" }), element("pre", { "data-role": "request", text: pretty(request) })),
      element("div", {}, element("b", { text: "Response (clear)" }), element("pre", { "data-role": "response", text: x.response !== null && x.response !== undefined ? pretty(x.response) : x.response_text || "" }))));
    $("#exchanges").append(li);
  }

  function logLocal(message, severity) {
    $("#exchanges").append(element("li", { className: "finding", "data-severity": severity, text: message }));
  }

  function showFindings(findings) {
    const list = $("#findings");
    list.replaceChildren();
    const errors = findings.filter((f) => f.severity === "error").length;
    $("#findings-count").textContent = `${errors} errors, ${findings.length - errors} warnings`;
    if (!findings.length) list.append(element("li", { className: "finding", "data-severity": "ok", text: "No findings: Meta's rules are met." }));
    for (const f of findings) {
      list.append(element("li", { className: "finding", "data-severity": f.severity, "data-code": f.code },
        element("b", { text: `${f.severity} ${f.code}` }), element("code", { text: ` ${f.pointer}` }), element("div", { text: f.message })));
    }
  }

  // ---------- setup ----------

  function loaded(view) {
    state.flow = view;
    state.json = view.flow_json;
    state.finished = true;
    showFindings(view.findings || []);
    $("#flow-info").textContent = view.flow_json
      ? `${view.name}: Flow JSON ${view.flow_json.version}${view.flow_json.data_api_version ? `, data API ${view.flow_json.data_api_version}` : ", no endpoint"}, ${(view.flow_json.screens || []).length} screens`
      : `${view.name}: not Flow JSON`;
    $("#endpoint").value = view.endpoint_url || "";
    $("#start").disabled = !view.flow_json || !(view.flow_json.screens || []).length;
    $("#ping").disabled = false;
    document.body.dataset.flow = view.key;
  }

  async function loadFlow(key) {
    const { status, body } = await api(`/flows/${encodeURIComponent(key)}`);
    if (status !== 200) {
      showFindings([{ severity: "error", code: "NOT_FOUND", pointer: "/", message: `No flow '${key}'.` }]);
      return;
    }
    loaded(body);
  }

  async function uploadFile(file) {
    const text = await file.text();
    const { status, body } = await api(`/flows?name=${encodeURIComponent(file.name)}`, {
      method: "POST", body: new Blob([text], { type: "application/json" }), headers: { "Content-Type": "application/json" },
    });
    if (status === 201) {
      history.replaceState(null, "", `?flow=${body.key}`);
      loaded(body);
    } else {
      showFindings((body && body.findings) || [{ severity: "error", code: String(status), pointer: "/", message: body && (body.detail || body.title) }]);
    }
  }

  async function start() {
    $("#exchanges").replaceChildren();
    $("#open-url").hidden = true;
    $("#outcome").hidden = true;
    delete $("#phone").dataset.completed;
    const endpoint = $("#endpoint").value.trim();
    const { status, body } = await api("/sessions", { method: "POST", body: JSON.stringify({ flow: state.flow.key, endpoint_url: endpoint || null }) });
    if (status !== 200) {
      showOutcome(body && (body.detail || body.title), "error");
      return;
    }
    state.session = body;
    state.history = [];
    state.screens = {};
    state.current = null;
    state.finished = false;
    $("#session-info").textContent = body.issued ? `session issued by this backend (${body.session_key.slice(0, 8)}…)` : "minted token (not issued)";
    const first = state.json.screens[0];
    const mode = $("#start-mode").value;
    const init = mode === "init" || (mode === "auto" && state.session.endpoint_url && Object.keys(first.data || {}).length > 0);
    if (init) {
      state.current = { id: first.id, data: {}, form: {}, errors: {} };
      await exchange("INIT", null, null);
    } else {
      goTo(first.id, {}, null);
    }
  }

  async function ping() {
    const endpoint = $("#endpoint").value.trim();
    const { status, body } = await api("/exchange", {
      method: "POST",
      body: JSON.stringify({ flow: state.flow && state.flow.key, endpoint_url: endpoint, public_key_pem: $("#public-key").value.trim() || null, app_secret: $("#app-secret").value || null, request: { version: "3.0", action: "ping" } }),
    });
    if (status === 200) logExchange(body);
    else logLocal(`Relay refused: ${body && (body.detail || body.title)}`, "error");
  }

  async function init() {
    $("#start").addEventListener("click", start);
    $("#ping").addEventListener("click", ping);
    $("#back").addEventListener("click", back);
    $("#flow-select").addEventListener("change", (e) => {
      if (e.target.value) {
        history.replaceState(null, "", `?flow=${e.target.value}`);
        loadFlow(e.target.value);
      }
    });
    $("#flow-file").addEventListener("change", (e) => { if (e.target.files[0]) uploadFile(e.target.files[0]); });
    const { body } = await api("/flows");
    for (const flow of body || []) $("#flow-select").append(element("option", { value: flow.name, text: `${flow.name}${flow.served ? "" : " (not served)"}` }));
    const query = new URLSearchParams(location.search);
    const key = query.get("flow");
    if (key) {
      if ([...$("#flow-select").options].some((o) => o.value === key)) $("#flow-select").value = key;
      await loadFlow(key);
    }
    // `flows simulate … --endpoint URL` links carry the endpoint to run against.
    if (query.get("endpoint")) $("#endpoint").value = query.get("endpoint");
    document.body.dataset.ready = "true";
  }

  init();
})();
