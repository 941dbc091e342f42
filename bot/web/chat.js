// citebot's page behaviour, loaded in <head> of the chat (/) and the widget (/widget/).
// Gradio owns the DOM; this script only reacts to it: it never builds content, so nothing from the
// index passes through here.
(function () {
  "use strict";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var motion = reduced ? "auto" : "smooth";

  // ---- 1. A new answer lands with its first line at the top of the chat box (and on screen).
  // Gradio's autoscroll (off for our Chatbot) would follow the end of the text; we pin the start of the
  // newest answer instead, for as long as it grows, unless the reader scrolls the box themselves.
  var pinned = -1; // index of the answer being pinned
  var pinnedAt = 0;
  var seen = 0;
  var userMoved = false;

  function scroller(msg) {
    return msg.closest(".bubble-wrap, .panel-wrap");
  }

  function pin(msg) {
    var box = scroller(msg);
    if (!box) return;
    var row = msg.closest(".message-row") || msg;
    var offset = row.getBoundingClientRect().top - box.getBoundingClientRect().top;
    if (Math.abs(offset - 4) > 1) box.scrollTop += offset - 4;
    // The box itself may be off screen (on a phone the question is typed below it): while the answer
    // settles in, keep the top of the box, where its first line is, on screen.
    if (performance.now() - pinnedAt < 2000) {
      var top = box.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight - 160) window.scrollBy({ top: top - 8, behavior: "auto" });
    }
  }

  // Once the reader scrolls (the chat or the page), the answer is theirs to move.
  var lastUserScroll = 0; // when the reader last scrolled: a scroll we started must not undo theirs (below)
  function onUserScroll(e) {
    var t = e.target;
    if (t && t.closest && t.closest("textarea, input")) return;
    lastUserScroll = performance.now();
    if (pinned >= 0) userMoved = true;
  }
  ["wheel", "touchmove"].forEach(function (t) {
    document.addEventListener(t, onUserScroll, { passive: true, capture: true });
  });
  document.addEventListener("keydown", function (e) {
    if (/^(PageUp|PageDown|ArrowUp|ArrowDown|Home|End| )$/.test(e.key)) onUserScroll(e);
  }, true);

  function followAnswers() {
    var msgs = document.querySelectorAll('#cb-chat [data-testid="bot"]');
    if (msgs.length < seen) seen = 0; // a new conversation
    if (msgs.length > seen) {
      seen = msgs.length;
      pinned = msgs.length - 1;
      pinnedAt = performance.now();
      userMoved = false;
    }
    if (pinned >= 0 && pinned < msgs.length && !userMoved) pin(msgs[pinned]);
  }

  // ---- 5. Assistive technology hears text, not markup. Gradio labels each message with its raw
  // Markdown/HTML and marks the example list as a list of buttons; both are repaired here.
  function plain(el) {
    return (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
  }

  var labelled = new WeakMap(); // message -> [its textContent, its plain-text label]: innerText costs a layout

  function repairA11y() {
    document.querySelectorAll('#cb-chat [data-testid="bot"], #cb-chat [data-testid="user"]').forEach(function (m) {
      var raw = m.textContent, known = labelled.get(m);
      if (!known || known[0] !== raw) {
        known = [raw, (m.getAttribute("data-testid") === "bot" ? "citebot: " : "You: ") + plain(m)];
        labelled.set(m, known);
      }
      if (m.getAttribute("aria-label") !== known[1]) m.setAttribute("aria-label", known[1]);
    });
    // The Chatbot's sanitizer keeps a link's title but not aria-label: the title ("Source 1: <title>") names it.
    document.querySelectorAll("#cb-chat a.cb-cite[title]").forEach(function (a) {
      var name = a.getAttribute("title");
      if (a.getAttribute("aria-label") !== name) a.setAttribute("aria-label", name);
    });
    document.querySelectorAll('#cb-chat .examples[role="list"]').forEach(function (l) {
      l.setAttribute("role", "group");
      l.setAttribute("aria-label", "Example questions");
    });
  }

  var queued = false;
  function onMutate() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      followAnswers();
      repairA11y();
    });
  }
  function watch() {
    new MutationObserver(onMutate).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label"],
    });
    onMutate();
  }
  if (document.body) watch();
  else document.addEventListener("DOMContentLoaded", watch);

  // ---- 2. A citation shows its evidence: open the card, scroll the supporting sentence (the <mark>)
  // into view inside the card's own scroll box and the page, and move focus to the card, whose
  // accessible name is "Source n: title". Capture phase, so the Chatbot's link handling (which opens
  // links in a new tab) never sees these in-page anchors; Enter on a link fires the same click.
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a[href^="#src-"]') : null;
    if (!a) return;
    var card = document.getElementById(a.getAttribute("href").slice(1));
    if (!card) return;
    e.preventDefault();
    e.stopPropagation();
    for (var d = card; d; d = d.parentElement) { if (d.tagName === "DETAILS") d.open = true; }
    var inner = card.querySelector("details");
    if (inner) inner.open = true;
    card.focus({ preventScroll: true });
    var mark = card.querySelector("mark");
    var text = card.querySelector(".cb-src-text");
    if (mark && text) {
      var off = mark.getBoundingClientRect().top - text.getBoundingClientRect().top;
      text.scrollTop += off - Math.max(0, (text.clientHeight - mark.offsetHeight) / 2);
    }
    var target = mark || card;
    target.scrollIntoView({ behavior: motion, block: "center" });
    // A smooth scroll can be cut short (the page re-rendering under it): make sure it arrived, unless the reader
    // has scrolled since (then the view is theirs: scrolling back would fight them).
    var clickedAt = performance.now();
    setTimeout(function () {
      if (lastUserScroll > clickedAt) return;
      var r = target.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight - 24) target.scrollIntoView({ block: "center" });
    }, 800);
    card.classList.remove("cb-flash");
    void card.offsetWidth;
    card.classList.add("cb-flash");
    setTimeout(function () { card.classList.remove("cb-flash"); }, 2000);
  }, true);
})();
