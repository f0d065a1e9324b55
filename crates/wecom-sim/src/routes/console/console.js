"use strict";
// The simulator console: members on the left, the selected member's chat with the app on the
// right. Everything from the API is untrusted: the DOM is built with textContent; only the
// markdown renderer writes innerHTML, and it escapes its input first.
(() => {
  const POLL_MS = 2000;
  const ORG_EVERY = 15; // polls between two directory reloads
  const MAX_LISTED = 300;
  const LOCAL_KEY = "wecom-sim-console";
  const STATUS = { 2: "已禁用", 4: "未激活", 5: "已退出" };
  const MEDIA = { image: "[图片]", voice: "[语音]", video: "[视频]", file: "[文件]" };
  const DROP_REASON = { member_per_minute: "超出每人每分钟 30 条", member_per_hour: "超出每人每小时 1000 条" };

  const S = {
    config: null, users: [], byId: new Map(), depts: new Map(), counts: {}, orgVersion: 0,
    selected: null, filter: "", listSig: "", feedSig: "", callsSig: "", msgCount: 0,
    polls: 0, timer: 0, running: false, again: false, jump: false,
    openRaw: new Set(), busy: new Set(), local: {},
  };

  // ---------- helpers ----------
  const $ = (id) => document.getElementById(id);
  const str = (v) => (v == null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
  const arr = (v) => (Array.isArray(v) ? v : []);
  const pad2 = (n) => String(n).padStart(2, "0");

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function add(parent, ...kids) {
    for (const k of kids) if (k) parent.appendChild(k);
    return parent;
  }
  function safeUrl(u) {
    const s = str(u).trim();
    return /^https?:\/\//i.test(s) ? s : null;
  }
  function link(text, url, cls) {
    const a = el("a", cls, text);
    const u = safeUrl(url);
    if (u) { a.href = u; a.target = "_blank"; a.rel = "noopener noreferrer"; a.title = u; }
    return a;
  }
  function esc(s) {
    return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function fmtTime(ms) {
    const d = new Date(ms), hm = pad2(d.getHours()) + ":" + pad2(d.getMinutes());
    return d.toDateString() === new Date().toDateString() ? hm : `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  }
  function fmtClock(ms) {
    const d = new Date(ms);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }
  function avatar(name, seed) {
    const chars = [...str(name)];
    const text = /[\u4e00-\u9fff]/.test(name) ? chars.slice(-2).join("") : (chars[0] || "?").toUpperCase();
    const a = el("div", "avatar", text);
    let h = 0;
    for (const ch of str(seed)) h = (h * 31 + ch.codePointAt(0)) % 360;
    a.style.background = `hsl(${h}, 55%, 55%)`;
    return a;
  }
  function toast(text, bad) {
    const t = add($("toasts"), el("div", "toast" + (bad ? " bad" : ""), text)).lastChild;
    setTimeout(() => t.remove(), 5000);
  }

  async function api(path, body) {
    const init = body === undefined ? { cache: "no-store" }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const r = await fetch(path, init);
    let data = null;
    try { data = await r.json(); } catch (_) { /* not JSON */ }
    if (!r.ok) throw new Error((data && data.error) || `HTTP ${r.status}`);
    return data;
  }

  // What the member did in this browser session (texts sent, buttons clicked): the simulator
  // does not record it, so it lives in sessionStorage. `after` = messages seen at the time.
  function loadLocal() {
    try { return obj(JSON.parse(sessionStorage.getItem(LOCAL_KEY))); } catch (_) { return {}; }
  }
  function saveLocal() {
    try { sessionStorage.setItem(LOCAL_KEY, JSON.stringify(S.local)); } catch (_) { /* full */ }
  }
  function pushLocal(userid, item) {
    const key = userid.toLowerCase();
    (S.local[key] = arr(S.local[key])).push({ after: S.msgCount, at: Date.now(), ...item });
    saveLocal();
    return S.local[key][S.local[key].length - 1];
  }
  function delivery(d) {
    const at = arr(obj(d).attempts).map(obj), last = at[at.length - 1] || {};
    const tries = at.length > 1 ? `，第 ${at.length} 次尝试` : "";
    if (d.delivered) return `已送达应用（HTTP 200，${str(last.elapsed_ms)} ms${tries}）${d.reply ? "，含被动回复" : ""}`;
    return "未送达应用：" + (at.map((a) => (a.status ? `HTTP ${a.status}` : str(a.error) || "错误")).join("；") || "无尝试");
  }

  // ---------- members ----------
  async function loadOrg() {
    const org = obj(await api("/sim/org"));
    S.depts = new Map(arr(org.departments).map(obj).map((d) => [d.id, str(d.name)]));
    S.users = arr(org.users).map(obj).filter((u) => u.userid).map((u) => {
      const ids = arr(u.department), main = u.main_department;
      const sorted = ids.includes(main) ? [main, ...ids.filter((x) => x !== main)] : ids;
      const dept = sorted.map((id) => S.depts.get(id) || `部门 ${id}`).join("、");
      return { ...u, userid: str(u.userid), name: str(u.name), position: str(u.position), dept };
    });
    S.byId = new Map(S.users.map((u) => [u.userid.toLowerCase(), u]));
    S.orgVersion++;
  }
  const userById = (id) => S.byId.get(str(id).toLowerCase());

  function renderMembers() {
    const sig = JSON.stringify([S.filter, S.selected, S.orgVersion, S.counts]);
    if (sig === S.listSig) return;
    S.listSig = sig;
    const q = S.filter.trim().toLowerCase();
    const last = (u) => obj(S.counts[u.userid]).last_at_ms || 0;
    const found = S.users
      .filter((u) => !q || `${u.name} ${u.userid} ${u.dept} ${u.position}`.toLowerCase().includes(q))
      .sort((a, b) => last(b) - last(a)); // stable: directory order among equals
    $("member-note").textContent = found.length > MAX_LISTED
      ? `共 ${found.length} 人，显示前 ${MAX_LISTED} 人，请搜索` : `共 ${found.length} 人`;
    const ul = $("members"), top = ul.scrollTop;
    ul.replaceChildren(...found.slice(0, MAX_LISTED).map(memberItem));
    ul.scrollTop = top;
  }
  function memberItem(u) {
    const c = obj(S.counts[u.userid]);
    const sel = S.selected && u.userid.toLowerCase() === S.selected.toLowerCase();
    const li = el("li", "member" + (sel ? " sel" : "") + (u.status !== 1 ? " off" : ""));
    const name = add(el("div", "name", u.name), STATUS[u.status] && el("span", "tag", STATUS[u.status]));
    const info = add(el("div", "info"), name, el("div", "sub", `${u.dept} · ${u.userid}`));
    add(li, avatar(u.name, u.userid), info);
    if (c.dropped) add(li, Object.assign(el("span", "badge gray", `丢${c.dropped}`), { title: `${c.dropped} 条被静默丢弃` }));
    if (c.messages) add(li, Object.assign(el("span", "badge", c.messages), { title: `收到 ${c.messages} 条消息` }));
    li.addEventListener("click", () => select(u.userid));
    return li;
  }

  function select(userid) {
    choose(userid);
    tick();
  }
  function choose(userid) {
    S.selected = userid;
    S.feedSig = "";
    S.jump = true;
    S.msgCount = 0;
    history.replaceState(null, "", "#u=" + encodeURIComponent(userid));
    document.body.classList.add("chatting");
    $("text").disabled = $("send").disabled = false;
    const u = userById(userid);
    $("who-name").textContent = u ? u.name : userid;
    $("who-sub").textContent = u ? [u.dept, u.position, u.userid].filter(Boolean).join(" · ") : "";
    $("dropped").hidden = true;
    $("feed").replaceChildren(el("div", "empty", "加载中…"));
    renderMembers();
  }

  // ---------- chat ----------
  async function refreshChat() {
    const uid = S.selected;
    if (!uid) return;
    const q = encodeURIComponent(uid);
    const [msgs, ups, dropped] = await Promise.all([
      api("/sim/messages?userid=" + q), api("/sim/card_updates?userid=" + q), api("/sim/dropped?userid=" + q),
    ]);
    if (uid !== S.selected) return;
    S.msgCount = arr(msgs).length;
    renderDropped(arr(dropped).map(obj));
    const local = arr(S.local[uid.toLowerCase()]);
    const sig = JSON.stringify([msgs, ups, local, [...S.busy]]);
    if (sig === S.feedSig) return;
    S.feedSig = sig;
    renderFeed(arr(msgs).map(obj), arr(ups).map(obj), local);
  }

  function renderDropped(list) {
    const d = $("dropped");
    d.hidden = list.length === 0;
    d.textContent = `⚠ ${list.length} 条被丢弃`;
    d.title = "企业微信超出频率限制后静默丢弃（接口仍返回 errcode 0）：\n" +
      list.slice(-20).map((x) => `${fmtClock(x.at_ms)}  ${DROP_REASON[x.reason] || str(x.reason)}  ${str(x.msgid)}`).join("\n");
  }

  function renderFeed(msgs, ups, local) {
    const feed = $("feed");
    const atBottom = feed.scrollHeight - feed.scrollTop - feed.clientHeight < 80;
    const top = feed.scrollTop;
    const items = [];
    const localAt = (i) => local.filter((l) => Math.min(Number(l.after) || 0, msgs.length) === i);
    for (let i = 0; i <= msgs.length; i++) {
      for (const l of localAt(i)) items.push({ l, at: l.at });
      if (i < msgs.length) items.push({ m: msgs[i], at: msgs[i].at_ms });
    }
    const frag = document.createDocumentFragment();
    let prev = -Infinity;
    for (const it of items) {
      if (Math.abs(it.at - prev) > 5 * 60000) frag.appendChild(el("div", "time", fmtTime(it.at)));
      prev = it.at;
      frag.appendChild(it.m ? messageRow(it.m, ups) : localRow(it.l));
    }
    if (!items.length) frag.appendChild(el("div", "empty", "还没有收到应用的消息"));
    feed.replaceChildren(frag);
    feed.scrollTop = atBottom || S.jump ? feed.scrollHeight : top;
    S.jump = false;
  }

  function messageRow(m, ups) {
    if (m.recalled) return el("div", "note", "应用撤回了一条消息");
    const a = el("div", "avatar app", "应用");
    a.title = `应用 ${str(m.agent_id)}\n${str(m.msgtype)} · ${fmtClock(m.at_ms)}\nmsgid ${str(m.msgid)}`;
    const body = el("div", "body");
    if (S.config && arr(S.config.apps).length > 1) body.appendChild(el("div", "from", `应用 ${str(m.agent_id)}`));
    let node = null;
    try { node = content(m, ups); } catch (e) { console.warn("render failed", e, m); }
    body.appendChild(node || rawJson(m, `无法渲染的消息「${str(m.msgtype)}」`));
    return add(el("div", "row"), a, body);
  }

  function content(m, ups) {
    const body = obj(m.body);
    if (!(str(m.msgtype) in body)) return rawJson(m, `缺少「${str(m.msgtype)}」内容的消息`);
    const c = obj(body[m.msgtype]);
    switch (m.msgtype) {
      case "text": return el("div", "bubble", str(c.content));
      case "markdown": {
        const b = el("div", "bubble md");
        b.innerHTML = markdown(str(c.content));
        return b;
      }
      case "textcard": return textcard(c);
      case "template_card": return templateCard(m, c, ups);
      case "news": case "mpnews": return news(c);
      case "image": case "voice": case "video": case "file":
        return el("div", "bubble", `${MEDIA[m.msgtype]} ${str(c.title)} ${str(c.media_id)}`.replace(/ +/g, " "));
      default: return rawJson(m, `未知消息类型「${str(m.msgtype)}」`);
    }
  }

  function rawJson(m, label) {
    const d = el("details", "raw"), key = str(m.msgid);
    d.open = S.openRaw.has(key);
    d.addEventListener("toggle", () => (d.open ? S.openRaw.add(key) : S.openRaw.delete(key)));
    return add(d, el("summary", null, `${label} · 原始 JSON`), el("pre", null, JSON.stringify(m.body, null, 2)));
  }

  // WeCom markdown subset: headings, bold, links, inline code, quotes, <font color>.
  // The source is escaped first; the patterns only ever insert fixed tags.
  function markdown(src) {
    const lines = esc(src).split("\n");
    return lines.map((line, i) => {
      const h = /^(#{1,6})\s+(.*)$/.exec(line);
      if (h) return `<div class="h h${h[1].length}">${inline(h[2])}</div>`;
      const q = /^&gt;\s?(.*)$/.exec(line);
      if (q) return `<div class="quote">${inline(q[1])}</div>`;
      return inline(line) + (i < lines.length - 1 ? "<br>" : "");
    }).join("");
  }
  function inline(s) {
    return s
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
      .replace(/&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;\/font&gt;/g, '<span class="$1">$2</span>');
  }

  // textcard description: WeCom allows <div class="gray|normal|highlight"> and <br>. It is
  // parsed in an inert document (no scripts, no loads) and copied as text + those divs.
  function richDesc(html) {
    const doc = new DOMParser().parseFromString(str(html), "text/html");
    const out = el("div", "tc-desc");
    const walk = (node, into) => {
      for (const n of node.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) into.appendChild(document.createTextNode(n.nodeValue));
        else if (n.nodeType !== Node.ELEMENT_NODE) continue;
        else if (n.tagName === "BR") into.appendChild(el("br"));
        else if (n.tagName === "DIV") {
          const cls = ["gray", "normal", "highlight"].find((k) => n.classList.contains(k));
          walk(n, into.appendChild(el("div", cls ? "tc-" + cls : null)));
        } else walk(n, into);
      }
    };
    walk(doc.body, out);
    return out;
  }

  function textcard(c) {
    const pad = add(el("div", "pad"), el("div", "title", str(c.title)), richDesc(c.description));
    const foot = add(el("div", "foot"), link(str(c.btntxt) || "详情", c.url), el("span", "muted", "›"));
    return add(el("div", "card"), pad, foot);
  }

  function news(c) {
    const card = el("div", "card");
    for (const a of arr(c.articles).map(obj)) {
      const pad = add(el("div", "pad"), link(str(a.title), a.url, "title"));
      if (a.description || a.digest) pad.appendChild(el("div", "desc", str(a.description || a.digest)));
      card.appendChild(pad);
    }
    return card;
  }

  // template_card with its updates: a full update replaces the card, a replace_name (or the
  // card's replace_text) greys the buttons out, as the WeCom client shows it.
  function templateCard(m, original, ups) {
    let card = original, closed = "";
    for (const u of ups) {
      if (u.agent_id !== m.agent_id || !m.task_id || u.task_id !== m.task_id) continue;
      if (u.template_card) { card = obj(u.template_card); closed = ""; } else if (u.replace_name) closed = str(u.replace_name);
    }
    if (!closed && card.replace_text) closed = str(card.replace_text);
    const taskId = str(m.task_id || card.task_id);
    const action = obj(card.card_action);
    const notice = /_notice$/.test(str(card.card_type));
    const pad = el("div", "pad");

    const src = obj(card.source);
    if (src.desc || src.icon_url) {
      const s = el("div", "src c" + (Number(src.desc_color) || 0));
      pad.appendChild(add(s, el("span", "dot", "应"), el("span", null, str(src.desc))));
    }
    const mt = obj(card.main_title);
    if (mt.title) pad.appendChild(notice ? el("div", "title", str(mt.title)) : link(str(mt.title), action.url, "title"));
    if (mt.desc) pad.appendChild(el("div", "desc", str(mt.desc)));
    const em = obj(card.emphasis_content);
    if (em.title || em.desc) pad.appendChild(add(el("div", "emph"), el("div", "big", str(em.title)), el("div", "desc", str(em.desc))));
    const qa = obj(card.quote_area);
    if (qa.title || qa.quote_text) {
      pad.appendChild(add(el("div", "quote-area"), qa.title && el("div", null, str(qa.title)), qa.quote_text && el("div", "muted", str(qa.quote_text))));
    }
    if (card.sub_title_text) pad.appendChild(el("div", "subtitle", str(card.sub_title_text)));
    for (const v of arr(card.vertical_content_list).map(obj)) {
      pad.appendChild(add(el("div", "subtitle"), el("b", null, str(v.title)), v.desc && el("div", "desc", str(v.desc))));
    }
    for (const h of arr(card.horizontal_content_list).map(obj)) pad.appendChild(kvRow(h));
    const jumps = arr(card.jump_list).map(obj);
    if (jumps.length) pad.appendChild(add(el("div", "jumps"), ...jumps.map((j) => link(str(j.title), j.url))));
    choices(card, pad);
    if (taskId) pad.appendChild(add(el("div", "meta"), document.createTextNode(`task_id ${taskId}`)));

    const box = add(el("div", "card"), pad, buttons(m, card, taskId, closed));
    if (notice || (!card.button_list && action.url)) {
      const target = Number(action.type) === 2 ? el("span", "muted", `小程序 ${str(action.appid)}`) : link("查看详情", action.url);
      box.appendChild(add(el("div", "foot"), target, el("span", "muted", "›")));
    }
    return box;
  }

  function kvRow(h) {
    const t = Number(h.type) || 0;
    let v;
    if (t === 1) v = link(str(h.value) || str(h.url), h.url, "v");
    else if (t === 2) v = el("span", "v", `📎 ${str(h.value)}`);
    else if (t === 3) v = el("span", "v", str(h.value) || (userById(h.userid) || {}).name || str(h.userid));
    else v = el("span", "v", str(h.value));
    return add(el("div", "kv"), el("span", "k", str(h.keyname)), v);
  }

  // Read-only renderings of drop-downs, votes and multiple selections.
  function choices(card, pad) {
    const selects = [card.button_selection, ...arr(card.select_list)].filter(Boolean).map(obj);
    for (const s of selects) {
      const sel = el("select");
      sel.disabled = true;
      for (const o of arr(s.option_list).map(obj)) {
        const opt = el("option", null, str(o.text));
        opt.selected = o.id === s.selected_id;
        sel.appendChild(opt);
      }
      pad.appendChild(add(el("div", "choice"), el("div", "muted", str(s.title)), sel));
    }
    const cb = obj(card.checkbox);
    if (cb.option_list) {
      const box = el("div", "choice");
      for (const o of arr(cb.option_list).map(obj)) {
        const input = el("input");
        input.type = Number(cb.mode) === 1 ? "checkbox" : "radio";
        input.disabled = true;
        input.checked = !!o.is_checked;
        box.appendChild(add(el("label"), input, document.createTextNode(" " + str(o.text))));
      }
      pad.appendChild(box);
    }
  }

  function buttons(m, card, taskId, closed) {
    const wrap = el("div", "btns");
    if (closed) return add(wrap, el("div", "closed", closed));
    const list = arr(card.button_list).map(obj);
    const submit = obj(card.submit_button);
    if (submit.key) list.push({ text: submit.text || "提交", key: submit.key, style: 1 });
    if (!list.length) return null;
    for (const b of list) {
      const label = str(b.text) || str(b.key), style = "s" + (Number(b.style) || 1);
      if (Number(b.type) === 1) { wrap.appendChild(link(label, b.url, style)); continue; }
      const btn = el("button", style, label);
      btn.type = "button";
      btn.disabled = S.busy.has(str(m.msgid));
      btn.addEventListener("click", () => clickCard(m, taskId, str(b.key), label, wrap));
      wrap.appendChild(btn);
    }
    return wrap;
  }

  async function clickCard(m, taskId, key, label, wrap) {
    const id = str(m.msgid);
    S.busy.add(id);
    for (const b of wrap.querySelectorAll("button")) b.disabled = true;
    try {
      const d = obj(await api("/sim/click", { userid: m.userid, task_id: taskId, key }));
      pushLocal(str(m.userid), { kind: "note", text: `你点击了「${label}」· ${d.delivered ? "回调已送达" : "回调未送达"}` });
      toast(`点击「${label}」：${delivery(d)}`, !d.delivered);
    } catch (e) {
      toast(`点击「${label}」失败：${e.message}`, true);
    } finally {
      S.busy.delete(id);
      S.feedSig = "";
      tick();
      setTimeout(tick, 600); // the app usually updates the card right after the callback
    }
  }

  function localRow(l) {
    if (l.kind === "note") return el("div", "note", str(l.text));
    const u = userById(S.selected) || { name: S.selected, userid: S.selected };
    const st = { sending: "发送中…", ok: "已送达应用", fail: `未送达：${str(l.detail)}` }[l.status] || "";
    const body = add(el("div", "body"), el("div", "bubble", str(l.text)), el("div", "status" + (l.status === "fail" ? " fail" : ""), st));
    return add(el("div", "row me"), avatar(u.name, u.userid), body);
  }

  async function sendText(ev) {
    ev.preventDefault();
    const uid = S.selected, input = $("text"), content = input.value;
    if (!uid || !content.trim()) return;
    input.value = "";
    const item = pushLocal(uid, { kind: "text", text: content, status: "sending" });
    S.jump = true;
    tick();
    try {
      const d = obj(await api("/sim/text", { userid: uid, content }));
      item.status = d.delivered ? "ok" : "fail";
      item.detail = delivery(d);
      toast(`消息${delivery(d)}`, !d.delivered);
    } catch (e) {
      item.status = "fail";
      item.detail = e.message;
      toast(`发送失败：${e.message}`, true);
    }
    saveLocal();
    S.jump = true;
    tick();
  }

  // ---------- calls ----------
  function renderCalls(calls) {
    const errors = calls.filter((c) => (c.errcode != null && c.errcode !== 0) || c.http_status !== 200 || c.fault).length;
    $("calls-n").textContent = `（${calls.length} 条${errors ? `，${errors} 条异常` : ""}）`;
    const sig = JSON.stringify(calls.map((c) => [c.at_ms, c.path, c.errcode, c.http_status, c.fault]));
    if (sig === S.callsSig) return;
    S.callsSig = sig;
    $("calls-body").replaceChildren(...calls.slice().reverse().map((c) => {
      const code = c.errcode == null ? "—" : str(c.errcode);
      return add(el("tr"),
        el("td", null, fmtClock(c.at_ms)), el("td", null, str(c.method)), el("td", null, str(c.path)),
        el("td", c.http_status !== 200 ? "err" : null, c.http_status === 0 ? "断开" : str(c.http_status)),
        el("td", c.errcode ? "err" : null, code), el("td", "fault", str(c.fault)));
    }));
  }

  // ---------- polling ----------
  function setConn(ok, why) {
    const c = $("conn");
    c.className = "conn" + (ok ? "" : " bad");
    c.textContent = ok ? `已连接 · 每 ${POLL_MS / 1000} 秒刷新` : `连接失败：${why}`;
  }

  async function tick() {
    if (S.running) { S.again = true; return; }
    S.running = true;
    clearTimeout(S.timer);
    try {
      if (!S.config) {
        S.config = obj(await api("/sim/config"));
        const apps = arr(S.config.apps).map((a) => obj(a).agent_id).join("、");
        $("corp").textContent = `CorpID ${str(S.config.corp_id)} · 应用 AgentId ${apps}`;
      }
      if (!S.orgVersion || S.polls % ORG_EVERY === 0) {
        await loadOrg();
        const m = /^#u=(.+)$/.exec(location.hash);
        const u = !S.selected && m && userById(decodeURIComponent(m[1]));
        if (u) choose(u.userid);
      }
      S.polls++;
      const [counts, calls] = await Promise.all([api("/sim/message_counts"), api("/sim/calls?limit=50")]);
      S.counts = obj(counts);
      renderMembers();
      renderCalls(arr(calls).map(obj));
      await refreshChat();
      setConn(true);
    } catch (e) {
      setConn(false, e.message);
    } finally {
      S.running = false;
      S.timer = setTimeout(tick, S.again ? 0 : POLL_MS);
      S.again = false;
    }
  }

  S.local = loadLocal();
  $("search").addEventListener("input", (e) => { S.filter = e.target.value; renderMembers(); });
  $("compose").addEventListener("submit", sendText);
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("compose").requestSubmit(); }
  });
  $("back").addEventListener("click", () => document.body.classList.remove("chatting"));
  tick();
})();
