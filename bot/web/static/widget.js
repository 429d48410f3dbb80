/* The chat widget of the Hertfordshire Police and Crime Commissioner's assistant.
 * Embed on any page:  <script src="https://ASSISTANT/static/widget.js" data-api="https://ASSISTANT" defer></script>
 * Optional: data-exit-url (the neutral site the quick exit goes to).
 * Plain ES2019, no dependencies, no build step. Everything lives in a shadow root so the host page's
 * CSS and ours cannot touch each other. Text is only ever inserted as text nodes, never as HTML. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.hpccChatLoaded) return; // a second copy of the snippet must not add a second widget
  window.hpccChatLoaded = true;

  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var EXIT_URL = script.getAttribute("data-exit-url") || "https://www.bbc.co.uk/weather";
  var CSS_URL = new URL("widget.css", script.src).href;
  // sessionStorage, not localStorage: the conversation must not outlive the tab on a shared computer. A browser
  // brings a closed tab's sessionStorage back ("Reopen closed tab", a restored session), so what was saved
  // longer ago than this is not shown again either: the next person at the computer finds a new conversation.
  var KEY = "hpcc-chat";
  var KEPT_MS = 30 * 60 * 1000;
  var EXIT_PRESSES = 3;
  var EXIT_WINDOW_MS = 5000; // as GOV.UK's "Exit this page"
  var REQUEST_TIMEOUT_MS = 15000; // the server answers (or apologises) within 5 s; this is for lost connections
  var NETWORK_RETRIES = 5; // then give up: 1 + 2 + 4 + 8 + 16 s of trying
  var LIMITED_RETRIES = 3; // a 429 is retried after its Retry-After this many times, then given up
  // Sources: [police-101] (101), [pcc-ar-2014-15] (Beacon 0300 011 5555), [emergency-999].
  var CALL_US = "To talk to someone, call the police non-emergency number 101, or Beacon, for victims of crime, " +
    "on 0300 011 5555. In an emergency call 999.";
  var TEXT = {
    failed: "Sorry, the assistant can't answer just now. " + CALL_US,
    unreachable: "I couldn't reach the assistant, so your message wasn't sent. It's back in the box below: send " +
      "it again when you're online. " + CALL_US,
    offline: "You seem to be offline. Your message is kept and will be sent when the connection is back.",
    ended: "That conversation had ended, so I've started a new one. Your message is back in the box below: " +
      "press Send to ask again.",
    tooFast: "You're sending messages very quickly. Please wait a moment, then send your message again.",
    launcher: "Ask our assistant",
    launcherUnread: "Ask our assistant: new reply",
    unread: "The assistant has replied. Open the chat to read it.",
    limited: function (seconds) {
      return "You're sending messages very quickly. I'll send yours again in " + seconds + " second" +
        (seconds === 1 ? "" : "s") + ".";
    },
  };
  var INTRO = "Hello, I'm the Commissioner's automated assistant. Ask me about reporting a crime, " +
    "support for victims, complaints about the police, your crime case or lost property.";
  var FEEDBACK = { yes: '/feedback{"helpful": true}', no: '/feedback{"helpful": false}' };

  var state = load() || fresh();
  var busy = false;
  var retryTimer = 0;
  var tries = { network: 0, limited: 0 }; // bounded: a message is never retried for ever
  var exiting = false;
  var presses = { key: "", count: 0, timer: 0 };
  var lastKeyWasModified = false;

  function fresh() {
    return { sender: uuid(), messages: [], outbox: [], open: false, draft: "", feedback: null };
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (!saved || typeof saved.sender !== "string" || !Array.isArray(saved.messages)) return null;
      var age = Date.now() - Number(saved.savedAt);
      if (!(age >= -60000 && age <= KEPT_MS)) { // too old, or saved "in the future" by a clock since put back
        sessionStorage.removeItem(KEY);
        return null;
      }
      return saved;
    } catch (e) {
      return null; // storage blocked or corrupt: start afresh rather than break the page
    }
  }

  function save() {
    if (exiting) return;
    state.savedAt = Date.now();
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }

  function randomHex(bytes) {
    var values = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.prototype.map.call(values, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function uuid() {
    // randomUUID exists only in secure contexts; the fallback builds the same version-4 UUID.
    if (crypto.randomUUID) return crypto.randomUUID();
    var h = randomHex(16).split("");
    h[12] = "4";
    h[16] = "89ab"[parseInt(h[16], 16) & 3];
    h = h.join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // ---- the DOM ---------------------------------------------------------------------------------
  var host = el("div", { id: "hpcc-chat", "data-hpcc-chat": "" });
  var root = host.attachShadow({ mode: "open" });
  var sheet = el("link", { rel: "stylesheet", href: CSS_URL });
  var frame = el("div", { class: "w" });
  frame.style.visibility = "hidden"; // through the CSSOM: a page's CSP may forbid style attributes
  // Shown only once our CSS is in, so the widget never flashes unstyled; shown anyway if it fails.
  sheet.addEventListener("load", function () { frame.style.visibility = ""; });
  sheet.addEventListener("error", function () { frame.style.visibility = ""; });

  var title = el("h2", { id: "title", class: "title", text: "Ask our assistant" });
  var closeButton = el("button", { type: "button", class: "btn close", text: "Close", "aria-label": "Close chat" });
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Messages" });
  var replies = el("div", { class: "replies", role: "group", "aria-label": "Suggested replies" });
  var feedback = el("div", { class: "feedback", role: "group", "aria-labelledby": "fb-q" });
  // Messages, quick replies and feedback scroll together; focusable so the keyboard can scroll it too.
  var scroller = el("div", { class: "scroll", role: "region", "aria-label": "Conversation", tabindex: "0" }, [
    log, replies, feedback,
  ]);
  var typing = el("p", { class: "typing", role: "status" });
  var network = el("p", { class: "network", role: "alert" });
  var input = el("input", {
    id: "msg", class: "input", type: "text", name: "message", autocomplete: "off", maxlength: "1000",
  });
  var form = el("form", { class: "form", novalidate: "" }, [
    el("label", { for: "msg", class: "label", text: "Your message" }),
    el("div", { class: "row" }, [input, el("button", { type: "submit", class: "btn send", text: "Send" })]),
  ]);
  var head = el("div", { class: "head" }, [title, exitButton(), closeButton]);
  // tabindex -1: a click on the panel's text (its title, a message) focuses the panel, not the page behind it, so
  // the Escape presses the safety answers tell of still count (onKeyDown). Tab never stops on it.
  var panel = el("section", {
    id: "panel", class: "panel", role: "dialog", "aria-labelledby": "title", tabindex: "-1",
  }, [
    head,
    el("p", { class: "notice", text: "Please don't share personal details here. In an emergency call 999." }),
    scroller, typing, network, form,
  ]);
  var launcher = el("button", {
    type: "button", class: "btn launcher", "aria-expanded": "false", "aria-controls": "panel", text: TEXT.launcher,
  });
  var bar = el("div", { class: "bar" }, [exitButton(), launcher]);
  var announcer = el("p", { class: "vh", role: "status" });
  frame.append(panel, bar, announcer);
  root.append(sheet, frame);

  function exitButton() {
    var button = el("button", { type: "button", class: "btn exit", text: "Leave this site" });
    button.addEventListener("click", quickExit);
    return button;
  }

  // ---- rendering -------------------------------------------------------------------------------
  // The safe markdown subset: [text](https://...) links and bare https:// or www. addresses. Anything
  // else, including anything that looks like HTML, stays text.
  var LINKS = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|\b(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'])|\b(www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[^\s<>"]*[^\s<>".,;:!?)'])?)/gi;

  function safeUrl(raw) {
    try {
      var url = new URL(/^www\./i.test(raw) ? "https://" + raw : raw);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(text, href) {
    // noopener: the new tab cannot reach back into this page; noreferrer: it is not told where we were.
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [
      document.createTextNode(text), el("span", { class: "vh", text: " (opens in a new tab)" }),
    ]);
  }

  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(LINKS, function (match, label, target, bare, www, offset) {
      var href = safeUrl(target || bare || www);
      if (!href) return match;
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(link(label || bare || www, href));
      last = offset + match.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function messageNode(message) {
    var who = message.from === "user" ? "You said: " : "Assistant: ";
    var kind = message.kind === "problem" ? " problem" : "";
    var node = el("div", { class: "msg " + message.from + kind }, [el("span", { class: "vh", text: who })]);
    node.appendChild(message.from === "bot" ? richText(message.text) : document.createTextNode(message.text));
    if (message.status) node.appendChild(el("span", { class: "status", text: message.status }));
    node.setAttribute("data-id", message.id || "");
    return node;
  }

  function renderLog() {
    log.textContent = "";
    [{ from: "bot", text: INTRO }].concat(state.messages).forEach(function (m) { log.appendChild(messageNode(m)); });
  }

  function updateMessage(id, status) {
    // Changed in place, not re-rendered: the live log would otherwise read the whole message again.
    state.messages.forEach(function (m) { if (m.id === id) m.status = status; });
    var node = log.querySelector('[data-id="' + id + '"]');
    var old = node && node.querySelector(".status");
    if (old) old.remove();
    if (node && status) node.appendChild(el("span", { class: "status", text: status }));
  }

  function botTurnBefore(end) {
    // The assistant's messages just before state.messages[end], oldest first (none if the resident spoke last).
    var turn = [];
    for (var i = end - 1; i >= 0 && state.messages[i].from === "bot"; i--) turn.unshift(state.messages[i]);
    return turn;
  }

  function buttonsOf(turn) {
    return turn.reduce(function (all, m) { return all.concat(m.buttons || []); }, []);
  }

  function renderReplies() {
    // Quick replies belong to the bot's latest turn only; older ones would answer a question no longer asked.
    replies.textContent = "";
    var buttons = buttonsOf(latestTurn());
    if (!state.messages.length) buttons = [{ title: "What can you help with?", payload: "What can you help with?" }];
    buttons.forEach(function (b) {
      var href = /^https?:\/\//i.test(b.payload || "") ? safeUrl(b.payload) : null;
      if (href) { replies.appendChild(link(b.title, href)); return; }
      var button = el("button", { type: "button", class: "btn reply", text: b.title });
      button.addEventListener("click", function () { send(b.payload, b.title); input.focus(); });
      replies.appendChild(button);
    });
    replies.hidden = !buttons.length;
    renderFeedback(buttons);
  }

  function latestTurn() {
    // The assistant's messages since the resident last said something.
    return botTurnBefore(state.messages.length);
  }

  function lastUserMessage() {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      if (state.messages[i].from === "user") return state.messages[i];
    }
    return null;
  }

  function renderFeedback(buttons) {
    // "Was this helpful?" only under an answer to a question (the server marks each message's kind): never
    // under a form's question or a safety message, so a press can never be taken as a form's answer.
    feedback.textContent = "";
    var given = state.feedback && typeof state.feedback === "object" ? state.feedback : {};
    var turn = latestTurn();
    var last = turn[turn.length - 1];
    var safety = turn.some(function (m) { return m.kind === "safety"; });
    var answer = last && last.kind === "answer" && !safety ? last : null;
    var botAsks = buttons.some(function (b) { return /^\/feedback/.test(b.payload || ""); });
    var sentFeedback = given.sent && lastUserMessage() && lastUserMessage().id === given.sent;
    if (sentFeedback) {
      feedback.hidden = false;
      feedback.appendChild(el("p", { class: "fb-q", id: "fb-q", text: "Thank you for your feedback." }));
      return;
    }
    feedback.hidden = !answer || botAsks || given.answer === answer.id;
    if (feedback.hidden) return;
    feedback.appendChild(el("p", { class: "fb-q", id: "fb-q", text: "Was this helpful?" }));
    [["yes", "Yes, it helped"], ["no", "No, it didn't"]].forEach(function (choice) {
      var button = el("button", { type: "button", class: "btn reply", text: choice[1] });
      button.addEventListener("click", function () {
        state.feedback = { answer: answer.id, sent: send(FEEDBACK[choice[0]], choice[1]) };
        renderReplies();
        save();
        input.focus();
      });
      feedback.appendChild(button);
    });
  }

  function setBusy(on) {
    busy = on;
    typing.textContent = "";
    if (on) typing.append("The assistant is typing", el("span", { class: "dots", "aria-hidden": "true", text: "..." }));
  }

  function scrollDown(from) {
    // A new answer is shown from its start, so a long one is read from the top; otherwise the end shows.
    // At 400% zoom the whole panel scrolls rather than the conversation alone.
    // The panel's header stays at its top then (widget.css): a message is shown below it, not under it.
    [scroller, panel].forEach(function (box) {
      var covered = box === panel && getComputedStyle(head).position === "sticky" ? head.offsetHeight : 0;
      if (from) box.scrollTop += from.getBoundingClientRect().top - box.getBoundingClientRect().top - covered - 8;
      else box.scrollTop = box.scrollHeight;
    });
  }

  // ---- talking to the server -------------------------------------------------------------------
  function send(text, shown, typed) {
    text = text.trim();
    if (!text) return "";
    var id = randomHex(12);
    // The same words sent again after an apology are the same message: its id lets the server answer it
    // once, with Rasa's answer to the first try if that came after all, rather than as a second message.
    var resend = state.resend && state.resend.text === text ? state.resend.key : "";
    state.resend = null;
    var message = { from: "user", text: shown || text, id: id };
    state.messages.push(message);
    state.outbox.push({ id: id, key: resend || id, text: text, typed: !!typed });
    log.appendChild(messageNode(message));
    renderReplies();
    save();
    scrollDown();
    pump();
    return id;
  }

  function pump() {
    if (busy || exiting || !state.outbox.length) return;
    // A 429's Retry-After (kept with the conversation): nothing is sent before it, whatever else happens
    // meanwhile, a reload included.
    var now = Date.now();
    state.holdUntil = Math.min(Number(state.holdUntil) || 0, now + 60000); // 60 s at most, if the clock went back
    var wait = state.holdUntil - now;
    if (wait > 0) { later(wait); return; } // a new message or the network coming back must not cut it short
    var item = state.outbox[0];
    var sender = state.sender;
    setBusy(true);
    // A connection that hangs counts as a lost one (the server itself answers within a few seconds).
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, REQUEST_TIMEOUT_MS);
    fetch(API + "/api/chat", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      // The message id lets the server recognise a retry, so a message is never answered twice.
      body: JSON.stringify({ sender: sender, message: item.text, message_id: item.key || item.id }),
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      var retryAfter = response.headers.get("Retry-After"); // readable cross-origin: the server exposes it
      return response.json().catch(function () { return null; }).then(function (body) {
        received(item, response.status, body, retryAfter);
      });
    }, function () {
      clearTimeout(timer);
      unreachable(item);
    });
  }

  function later(ms) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, ms);
  }

  function received(item, status, body, retryAfter) {
    setBusy(false);
    if (exiting) return;
    network.textContent = "";
    tries.network = 0;
    if (status === 200 && Array.isArray(body)) {
      tries.limited = 0;
      answered(item, body);
    } else if (status === 429 && tries.limited < LIMITED_RETRIES) {
      // Wait as long as the server asks (within reason), then send the same message again.
      tries.limited += 1;
      var seconds = Math.min(Math.max(parseInt(retryAfter, 10) || 5, 1), 60);
      state.holdUntil = Date.now() + seconds * 1000;
      updateMessage(item.id, "Waiting to send");
      network.textContent = TEXT.limited(seconds);
      save();
      later(seconds * 1000);
    } else if (status === 410) {
      state.sender = uuid(); // that conversation was ended: carry on in a new one
      failed(item, TEXT.ended);
    } else if (status === 429) {
      failed(item, TEXT.tooFast);
    } else {
      // The server's own words (for a 5xx, its apology with the phone number for what they were doing, and
      // 999); our own when it sent none.
      var why = body && body.error && typeof body.error.message === "string" ? body.error.message : "";
      failed(item, why || TEXT.failed);
    }
  }

  function answered(item, body) {
    state.outbox.shift();
    updateMessage(item.id, "");
    var first = null;
    body.forEach(function (reply) {
      if (!reply || (typeof reply.text !== "string" && !Array.isArray(reply.buttons))) return; // images, custom
      var message = {
        from: "bot", text: reply.text || "", buttons: (reply.buttons || []).filter(validButton),
        kind: typeof reply.kind === "string" ? reply.kind : "other", id: randomHex(8),
      };
      state.messages.push(message);
      var node = log.appendChild(messageNode(message));
      if (!first) notice(message.id);
      first = first || node;
    });
    renderReplies();
    save();
    scrollDown(first);
    pump();
  }

  function failed(item, why) {
    // Said kindly, once; what they typed goes back into the box, and nothing is retried behind their back.
    // Nor is anything queued behind it sent: it would reach the assistant before the message given back (a form
    // would take it as the answer to the question that one answered), so it goes back in the box too, in order.
    tries.limited = 0;
    var waiting = state.outbox.splice(0);
    state.resend = waiting.length === 1 ? resendOf(item) : null;
    waiting.forEach(function (i) {
      if (state.feedback && state.feedback.sent === i.id) state.feedback = null; // it was not taken: no thanks
      updateMessage(i.id, "Not sent");
    });
    restore(waiting);
    problem(why, waiting.length === 1 ? offeredWith(item) : []);
  }

  function offeredWith(item) {
    // A quick reply that was not taken is offered again with the others, so the resident can press it again
    // (its payload, and so its message id, unchanged); typed words go back in the box instead.
    if (item.typed) return [];
    return buttonsOf(botTurnBefore(state.messages.findIndex(function (m) { return m.id === item.id; })));
  }

  function resendOf(item) {
    // What a message given back to the resident keeps, so that the same words sent again keep its id.
    return { key: item.key || item.id, text: item.text };
  }

  function problem(text, buttons) {
    var message = { from: "bot", text: text, kind: "problem", id: randomHex(8), buttons: buttons || [] };
    state.messages.push(message);
    notice(message.id);
    var node = log.appendChild(messageNode(message));
    renderReplies();
    save();
    scrollDown(node);
  }

  function restore(items) {
    // Before anything typed since, so nothing is lost (sent again as it was, it keeps its id).
    var typed = items.filter(function (i) { return i.typed; }).map(function (i) { return i.text; });
    if (!typed.length) return;
    input.value = typed.concat(input.value.trim() ? [input.value] : []).join(" ");
    state.draft = input.value;
  }

  function validButton(b) {
    return b && typeof b.title === "string" && typeof b.payload === "string";
  }

  function unreachable(item) {
    setBusy(false);
    if (exiting) return;
    if (tries.network < NETWORK_RETRIES) {
      // Nothing is lost: the message stays queued (also across a reload) and goes again with the same id.
      updateMessage(item.id, "Waiting to send");
      network.textContent = TEXT.offline;
      save();
      later(1000 * Math.pow(2, tries.network));
      tries.network += 1;
      return;
    }
    // Still nothing after the last try: stop, and give everything waiting back to the resident.
    tries.network = 0;
    network.textContent = "";
    var waiting = state.outbox.splice(0);
    waiting.forEach(function (i) { updateMessage(i.id, "Not sent"); });
    // It may have reached the server before the connection went: sent again as it was, it keeps its id.
    state.resend = waiting.length === 1 ? resendOf(waiting[0]) : null;
    restore(waiting);
    problem(TEXT.unreachable, waiting.length === 1 ? offeredWith(waiting[0]) : []);
  }

  window.addEventListener("online", function () {
    if (!state.outbox.length || busy) return;
    clearTimeout(retryTimer);
    tries.network = 0;
    pump();
  });

  // ---- opening, closing and the quick exit -----------------------------------------------------
  function notice(id) {
    // An answer that comes while the widget is closed (closed to read the page, or to hide it) must not go
    // unseen or unheard: its button says so, and a screen reader hears it once. Opened, the widget shows the
    // first message not yet read from its start (a safety answer's 999 line), not the end of the last.
    if (state.open) return;
    if (!state.unread || !state.unreadFrom) state.unreadFrom = id;
    state.unread = true;
    showUnread();
    announcer.textContent = TEXT.unread;
  }

  function showUnread() {
    launcher.textContent = state.unread ? TEXT.launcherUnread : TEXT.launcher;
  }

  function setOpen(open, moveFocus) {
    var unread = open && state.unread && state.unreadFrom ? log.querySelector('[data-id="' + state.unreadFrom + '"]') : null;
    state.open = open;
    if (open) { state.unread = false; state.unreadFrom = null; }
    showUnread();
    panel.hidden = !open;
    bar.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    host.classList.toggle("hpcc-open", open);
    markModal();
    save();
    if (moveFocus) (open ? input : launcher).focus();
    if (open) scrollDown(unread); // after the focus, which would scroll to the box
  }

  // On a phone, or zoomed in, the open panel fills the screen (widget.css, the same media query) and hides
  // the page: it is then a modal dialog, and Tab goes round its controls rather than onto the hidden page.
  var FILLS_SCREEN = window.matchMedia ? window.matchMedia("(max-width: 40em), (max-height: 30em)") : null;

  function fillsScreen() {
    return !!(FILLS_SCREEN && FILLS_SCREEN.matches && state.open);
  }

  function markModal() {
    if (fillsScreen()) panel.setAttribute("aria-modal", "true");
    else panel.removeAttribute("aria-modal");
  }

  if (FILLS_SCREEN) {
    if (FILLS_SCREEN.addEventListener) FILLS_SCREEN.addEventListener("change", markModal);
    else FILLS_SCREEN.addListener(markModal);
  }

  panel.addEventListener("keydown", function (event) {
    if (event.key !== "Tab" || !fillsScreen()) return;
    var stops = Array.prototype.filter.call(panel.querySelectorAll("button, input, a[href], [tabindex]"),
      function (node) { return node.tabIndex >= 0 && node.getClientRects().length > 0; });
    var first = stops[0];
    var last = stops[stops.length - 1];
    var at = root.activeElement;
    // From the panel itself (focused by a click on its text), Shift+Tab would leave for the page before it.
    if (at === panel || (event.shiftKey ? at === first : at === last)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  });

  function quickExit() {
    if (exiting) return;
    exiting = true;
    var started = state.messages.length > 0;
    try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
    if (started) forgetOnServer(state.sender);
    // Blank the page at once: the next site may take a moment to load, and someone may be looking.
    document.title = "Loading";
    document.body.textContent = "";
    location.replace(EXIT_URL); // replace, so Back does not come back here
  }

  function forgetOnServer(sender) {
    // A beacon outlives the page; it can only POST, hence /forget. keepalive fetch where beacons are missing.
    var url = API + "/api/chat/" + encodeURIComponent(sender) + "/forget";
    if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
    fetch(url, { method: "POST", keepalive: true, mode: "no-cors", credentials: "omit" }).catch(function () {});
  }

  function insideOpenWidget() {
    var focused = root.activeElement;
    return document.activeElement === host && !!focused && state.open && panel.contains(focused);
  }

  function count(key) {
    if (presses.key !== key) presses.count = 0;
    presses.key = key;
    presses.count += 1;
    clearTimeout(presses.timer);
    presses.timer = setTimeout(function () { presses.count = 0; announcer.textContent = ""; }, EXIT_WINDOW_MS);
    if (presses.count >= EXIT_PRESSES) { quickExit(); return; }
    var left = EXIT_PRESSES - presses.count;
    announcer.textContent = key + ": press " + left + " more time" + (left > 1 ? "s" : "") + " to leave this site.";
  }

  function reset() {
    presses.count = 0;
    clearTimeout(presses.timer);
    announcer.textContent = ""; // "press 2 more times" is no longer true
  }

  function onKeyDown(event) {
    // Escape counts only inside the widget: people press Escape on the page to close its menus. The first,
    // in the open widget, closes it (focus goes to its button), and the next two there leave the site.
    if (event.key !== "Escape") return;
    if (event.repeat) return;
    var continuing = presses.key === "Escape" && presses.count > 0 && root.activeElement === launcher &&
      document.activeElement === host;
    if (!insideOpenWidget() && !continuing) { reset(); return; }
    count("Escape");
    if (!exiting && state.open) setOpen(false, true);
  }

  function onKeyUp(event) {
    // As GOV.UK's "Exit this page": Shift three times within a few seconds, anywhere on the page; any other
    // key in between starts again, and Shift released after typing a capital letter does not count.
    if (event.key === "Shift" && !lastKeyWasModified) count("Shift");
    else if (event.key !== "Escape" && event.key !== "Shift") reset();
    lastKeyWasModified = event.shiftKey;
  }

  launcher.addEventListener("click", function () { setOpen(true, true); });
  closeButton.addEventListener("click", function () { setOpen(false, true); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    state.draft = "";
    send(text, "", true);
  });
  input.addEventListener("input", function () { state.draft = input.value; save(); });
  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("keyup", onKeyUp, true);
  // Any element of the host page marked data-hpcc-exit (the page's own "Leave this site") does the same.
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-hpcc-exit]") : null;
    if (target) { event.preventDefault(); quickExit(); }
  });
  // A link with role="button" (GOV.UK's "Exit this page" is one) must answer Space as a button does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " || !event.target || !event.target.closest) return;
    if (event.target.closest('[data-hpcc-exit][role="button"]')) { event.preventDefault(); quickExit(); }
  });
  // Coming back through the back/forward cache: the storage is the truth. After a quick exit in another page
  // of the tab nothing old shows (not even a half-typed message); otherwise the conversation as another page
  // left it, never this page's older copy (its next save would overwrite the newer one).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    state = load() || fresh();
    network.textContent = "";
    announcer.textContent = "";
    input.value = state.draft || "";
    renderLog();
    renderReplies();
    setOpen(!!state.open, false);
    pump();
  });

  renderLog();
  renderReplies();
  input.value = state.draft || "";
  setOpen(!!state.open, false);
  document.body.appendChild(host);
  pump(); // a message still queued when the page was reloaded goes now (the server drops it if it was a repeat)
})();
