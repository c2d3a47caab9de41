/* ChatVault HTML export: search over the prebuilt index, jump to a message, highlight it.
   The only script the pages run (their Content-Security-Policy allows no other). Data files are
   added as <script src> on demand: browsers refuse fetch() of file:// pages. Everything shown
   comes from our data files and is inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.documentElement;
  var CHAT = root.getAttribute("data-chat");            /* "c1" on a chat's pages, null on the index */
  var CHATS = (root.getAttribute("data-chats") || "").split(" ").filter(Boolean);
  var store = { meta: {}, shard: {}, doc: {} };
  var waiting = {};
  var CVS = (window.CVS = {});
  var T = (root.lang || "").indexOf("zh") === 0 ?
    { type: "请输入要搜索的词。", busy: "正在搜索……", one: "找到 1 条消息", many: "找到 {n} 条消息",
      close: "关闭", more: "显示更多" } :
    { type: "Type a word to search.", busy: "Searching…", one: "1 message found", many: "{n} messages found",
      close: "Close", more: "Show more" };

  function arrived(key) {
    var list = waiting[key] || [];
    waiting[key] = "done";
    list.forEach(function (cb) { cb(); });
  }
  CVS.meta = function (chat, m) { store.meta[chat] = m; arrived(chat + "/meta"); };
  CVS.shard = function (chat, k, d) { store.shard[chat + "/" + k] = d; arrived(chat + "/t" + k); };
  CVS.doc = function (chat, p, rows) { store.doc[chat + "/" + p] = rows; arrived(chat + "/d" + p); };

  function base(chat) { return CHAT ? "" : chat + "/"; }

  function load(chat, name, cb) {
    var key = chat + "/" + name;
    if (waiting[key] === "done") { cb(); return; }
    if (waiting[key]) { waiting[key].push(cb); return; }
    waiting[key] = [cb];
    var s = document.createElement("script");
    s.src = base(chat) + "s/" + name + ".js";
    s.addEventListener("error", function () { arrived(key); });
    document.head.appendChild(s);
  }

  function loadAll(chat, names, cb) {
    var left = names.length;
    if (!left) { cb(); return; }
    names.forEach(function (n) { load(chat, n, function () { if (--left === 0) cb(); }); });
  }

  /* --- tokens: the same rules as chatvault/search/text.py and export/html/searchindex.py ---- */
  var CJK = "\\u1100-\\u11FF\\u2E80-\\u2FDF\\u3040-\\u30FF\\u3100-\\u312F\\u3130-\\u318F\\u31A0-\\u31FF" +
    "\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uA960-\\uA97F\\uAC00-\\uD7FF\\uF900-\\uFAFF\\u{20000}-\\u{3FFFF}";
  var SINGLE = "[" + CJK + "\\u{1F000}-\\u{1FAFF}\\p{So}]";
  var TOKEN = new RegExp("(" + SINGLE + ")|((?:(?!" + SINGLE + ")[\\p{L}\\p{N}])+)", "gu");
  var IS_CJK = new RegExp("^[" + CJK + "]$", "u");

  function fold(w) { return w.toLowerCase().normalize("NFD").replace(/\p{M}/gu, ""); }

  function tokens(q) {
    var out = [], run = [], end = -1, m;
    function flush() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(q))) {
      if (m[1] && IS_CJK.test(m[1])) {
        if (m.index !== end) flush();
        run.push(m[1]);
        end = m.index + m[1].length;
        continue;
      }
      flush();
      out.push(m[1] ? m[1] : fold(m[2]));
    }
    flush();
    return out.filter(function (t, i) { return out.indexOf(t) === i; });
  }

  function shardOf(tok, n) {
    var h = 2166136261;
    for (var ch of tok) { h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0; }
    return h % n;
  }

  function postings(s) {
    var out = [], prev = 0;
    if (!s) return out;
    s.split(",").forEach(function (x) { prev += parseInt(x, 36); out.push(prev); });
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  function pageOf(meta, ord) {
    var lo = 0, hi = meta.pages.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (meta.pages[mid][2] <= ord) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function searchChat(chat, toks, cb) {
    load(chat, "meta", function () {
      var meta = store.meta[chat];
      if (!meta || !meta.shards) { cb([]); return; }
      var need = toks.map(function (t) { return "t" + shardOf(t, meta.shards); });
      loadAll(chat, need, function () {
        var lists = toks.map(function (t) {
          var d = store.shard[chat + "/" + shardOf(t, meta.shards)] || {};
          return postings(Object.prototype.hasOwnProperty.call(d, t) ? d[t] : "");
        });
        lists.sort(function (a, b) { return a.length - b.length; });
        var hits = lists.reduce(function (acc, l) { return acc === null ? l : intersect(acc, l); }, null) || [];
        cb(hits.reverse().map(function (o) { return [chat, o]; }));      /* newest first */
      });
    });
  }

  /* --- results panel ------------------------------------------------------------------- */
  var panel, shown = 0, results = [], query = "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function run(q) {
    query = q.trim();
    panel = document.getElementById("cv-results");
    if (!panel) return;
    var toks = tokens(query);
    panel.hidden = false;
    panel.textContent = "";
    if (!toks.length) { panel.appendChild(el("p", "none", T.type)); return; }
    panel.appendChild(el("p", "busy", T.busy));
    var chats = CHAT ? [CHAT] : CHATS, left = chats.length, all = [];
    chats.forEach(function (c) {
      searchChat(c, toks, function (hits) {
        all = all.concat(hits);
        if (--left === 0) { results = all; shown = 0; panel.textContent = ""; header(); more(); }
      });
    });
  }

  function header() {
    var h = el("p", "count", results.length === 1 ? T.one :
      T.many.replace("{n}", results.length.toLocaleString()));
    var close = el("button", "close", T.close);
    close.type = "button";
    close.addEventListener("click", function () { panel.hidden = true; });
    h.appendChild(close);
    panel.appendChild(h);
    panel.appendChild(el("ol", "hits"));
  }

  function more() {
    var old = panel.querySelector("button.more");
    if (old) old.remove();
    var batch = results.slice(shown, shown + 50);
    shown += batch.length;
    var list = panel.querySelector("ol.hits");
    batch.forEach(function (r) {
      var li = el("li", "hit");
      list.appendChild(li);
      load(r[0], "meta", function () {
        var meta = store.meta[r[0]], p = pageOf(meta, r[1]), page = meta.pages[p];
        load(r[0], "d" + p, function () {
          var rows = store.doc[r[0] + "/" + p] || [], row = rows[r[1] - page[2]] || ["", "", ""];
          var a = el("a");
          a.href = base(r[0]) + page[0] + "#n" + r[1] + "/" + encodeURIComponent(query);
          a.appendChild(el("span", "when", row[0]));
          if (!CHAT) a.appendChild(el("span", "chat", meta.title));
          if (row[1]) a.appendChild(el("span", "who", row[1]));
          a.appendChild(el("span", "snip", row[2]));
          li.appendChild(a);
        });
      });
    });
    if (shown < results.length) {
      var b = el("button", "more", T.more);
      b.type = "button";
      b.addEventListener("click", more);
      panel.appendChild(b);
    }
  }

  /* --- jump to a message and mark the words --------------------------------------------- */
  function mark(node, words) {
    if (!words.length) return;
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT), texts = [], t;
    while ((t = walker.nextNode())) {
      if (!t.parentNode.closest("details")) texts.push(t);
    }
    var re = new RegExp(words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "giu");
    texts.forEach(function (tn) {
      var s = tn.nodeValue, m, last = 0, frag = document.createDocumentFragment(), any = false;
      re.lastIndex = 0;
      while ((m = re.exec(s))) {
        if (!m[0]) { re.lastIndex++; continue; }
        any = true;
        frag.appendChild(document.createTextNode(s.slice(last, m.index)));
        frag.appendChild(el("mark", "", m[0]));
        last = m.index + m[0].length;
      }
      if (!any) return;
      frag.appendChild(document.createTextNode(s.slice(last)));
      tn.parentNode.replaceChild(frag, tn);
    });
  }

  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    if (!h) return;
    if (h.indexOf("q=") === 0) {
      var input = document.getElementById("cv-q");
      if (input) input.value = h.slice(2);
      run(h.slice(2));
      return;
    }
    var slash = h.indexOf("/"), id = slash < 0 ? h : h.slice(0, slash), q = slash < 0 ? "" : h.slice(slash + 1);
    if (root.classList.contains("go")) { goTo(id); return; }
    var target = document.getElementById(id);
    if (!target) return;
    document.querySelectorAll(".hit-msg").forEach(function (e) { e.classList.remove("hit-msg"); });
    target.classList.add("hit-msg");
    if (q) mark(target, q.split(/\s+/).filter(Boolean).map(function (w) { return w.replace(/^-/, ""); }));
    target.scrollIntoView({ block: "center" });
  }

  function goTo(id) {
    var ord = parseInt(id.replace(/^n/, ""), 10);
    load(CHAT, "meta", function () {
      var meta = store.meta[CHAT];
      if (!meta || !meta.pages.length || isNaN(ord)) return;
      location.replace(meta.pages[pageOf(meta, ord)][0] + "#n" + ord);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("cv-search");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var q = document.getElementById("cv-q").value;
        history.replaceState(null, "", "#q=" + encodeURIComponent(q));
        run(q);
      });
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
  CVS.tokens = tokens;
  CVS.shardOf = shardOf;
})();
