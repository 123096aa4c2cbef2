// Ringmaster topology page: polls the monitor's JSON API every POLL_MS and draws what it says.
// No library, no build step; everything is built with DOM calls (never innerHTML), so the page runs under a
// Content-Security-Policy without 'unsafe-inline' and no host, role or message text can inject markup.
// The API token is kept in this page's memory and in sessionStorage (this tab only), nowhere else.
'use strict';

(function () {
  const POLL_MS = 500;
  const REQUEST_TIMEOUT_MS = 3000;
  const COMMAND_TIMEOUT_MS = 120000; // a switchover waits for catch-up, bounded by the monitor's own timeouts
  const TOKEN_KEY = 'ringmaster.apiToken';
  const SVG = 'http://www.w3.org/2000/svg';
  const BOX_W = 210, BOX_H = 74, COL_W = 260, ROW_H = 96, TOP = 60, LEFT = 16, INDENT = 24;

  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  const last = {}; // section -> JSON text last drawn: redraw only on change, so a button is not replaced mid-click
  let busy = false; // a command is running

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function headers() {
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  async function call(method, path, timeoutMs) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const r = await fetch('api/v1/' + path, { method, headers: headers(), signal: abort.signal,
        cache: 'no-store', credentials: 'omit' });
      let body = null;
      try { body = await r.json(); } catch (e) { body = { ok: false, error: 'HTTP ' + r.status }; }
      return { status: r.status, body };
    } catch (e) {
      return { status: 0, body: { ok: false, error: e.name === 'AbortError'
        ? 'no answer within ' + timeoutMs + ' ms' : String(e.message || e) } };
    } finally {
      clearTimeout(timer);
    }
  }

  function showTokenState() {
    $('token-state').textContent = token ? 'token set for this tab' : 'no token';
  }

  function say(text, failed) {
    const m = $('message');
    m.hidden = !text;
    m.textContent = text || '';
    m.classList.toggle('failed', !!failed);
  }

  function changed(section, value) {
    const s = JSON.stringify(value);
    if (last[section] === s) return false;
    last[section] = s;
    return true;
  }

  // ------------------------------------------------------------------ polling

  async function poll() {
    const [status, recoveries, routes] = await Promise.all([
      call('GET', 'status', REQUEST_TIMEOUT_MS),
      call('GET', 'recoveries', REQUEST_TIMEOUT_MS),
      call('GET', 'routes', REQUEST_TIMEOUT_MS)]);
    const err = $('error');
    if (status.status === 200) {
      err.hidden = true;
      document.body.classList.remove('stale');
      drawStatus(status.body);
      if (recoveries.status === 200) drawRecoveries(recoveries.body.recoveries || []);
      if (routes.status === 200) drawRoutes(routes.body);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } else {
      document.body.classList.add('stale');
      err.hidden = false;
      err.textContent = status.status === 401
        ? 'This monitor needs the API token for every request (it listens beyond loopback): enter it above.'
        : 'Monitor not answering (' + (status.body.error || 'HTTP ' + status.status) + '); showing what it said last.';
    }
    setTimeout(poll, POLL_MS);
  }

  function drawStatus(s) {
    $('cluster').textContent = s.cluster || '';
    $('writer').textContent = s.writer || 'none';
    $('mode').textContent = s.mode + (s.ready ? '' : ' (starting)');
    $('epoch').textContent = s.epoch;
    if (changed('topology', [s.hosts, s.writer])) drawTopology(s.hosts || [], s.writer);
    if (changed('hosts', [s.hosts, s.writer])) drawHosts(s.hosts || [], s.writer);
    if (changed('findings', s.findings)) drawFindings(s.findings || []);
    // the listeners of the router in the monitor's process, then those of every standalone router that follows it
    const listeners = (s.routes || []).map((l) => Object.assign({ router: 'monitor' }, l));
    for (const r of s.routers || []) {
      for (const l of r.listeners || []) listeners.push(Object.assign({ router: r.id, lastPollAgoMs: r.lastPollAgoMs }, l));
    }
    if (changed('routers', listeners)) drawRouters(listeners);
  }

  // ------------------------------------------------------------------ topology (SVG)

  function drawTopology(hosts, writer) {
    const byName = new Map(hosts.map((h) => [h.name, h]));
    const masters = hosts.filter((h) => h.mode === 'master');
    const column = new Map(masters.map((m, i) => [m.name, i]));
    // every other host goes under the master it replicates from, through any chain of replicas, indented by depth
    const rootOf = (h) => {
      const seen = new Set();
      let cur = h, depth = 0;
      while (cur && !column.has(cur.name) && !seen.has(cur.name)) {
        seen.add(cur.name);
        cur = byName.get(cur.source);
        depth++;
      }
      return cur && column.has(cur.name) ? [column.get(cur.name), depth] : [masters.length, 1];
    };
    const pos = new Map();
    masters.forEach((m, i) => pos.set(m.name, { x: LEFT + i * COL_W, y: TOP }));
    const rows = new Map(); // column -> replicas in it so far
    let orphans = false; // a column for replicas that follow no known master
    let maxRow = 0;
    for (const h of hosts) {
      if (column.has(h.name)) continue;
      const [col, depth] = rootOf(h);
      orphans = orphans || col === masters.length;
      const row = (rows.get(col) || 0) + 1;
      rows.set(col, row);
      maxRow = Math.max(maxRow, row);
      pos.set(h.name, { x: LEFT + col * COL_W + INDENT * Math.min(depth, 2), y: TOP + row * ROW_H });
    }
    const cols = Math.max(1, masters.length + (orphans ? 1 : 0));
    const s = $('topology');
    s.replaceChildren();
    s.setAttribute('width', LEFT * 2 + (cols - 1) * COL_W + BOX_W + 2 * INDENT);
    s.setAttribute('height', TOP + maxRow * ROW_H + BOX_H + 16);
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7',
      markerHeight: '7', orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }));
    defs.append(marker);
    s.append(defs);
    const edges = svg('g', { class: 'edges' });
    s.append(edges);
    // replication links, from source to replica
    for (const h of hosts) {
      const from = pos.get(h.source), to = pos.get(h.name);
      if (!from || !to) continue;
      const src = byName.get(h.source);
      let d;
      if (column.has(h.name) && column.has(h.source)) {
        const a = column.get(h.source), b = column.get(h.name);
        if (Math.abs(a - b) === 1) { // neighbours: straight, two links of a pair side by side
          const dy = a < b ? -8 : 8;
          const x1 = a < b ? from.x + BOX_W : from.x, x2 = a < b ? to.x : to.x + BOX_W;
          d = `M ${x1} ${from.y + BOX_H / 2 + dy} L ${x2} ${to.y + BOX_H / 2 + dy}`;
        } else { // the link that closes a ring: an arc above the row
          const x1 = from.x + BOX_W / 2, x2 = to.x + BOX_W / 2;
          d = `M ${x1} ${from.y} C ${x1} ${from.y - 50}, ${x2} ${to.y - 50}, ${x2} ${to.y}`;
        }
      } else {
        // a tree: down the source's left edge, then across to the replica
        const x = from.x + INDENT / 2;
        d = `M ${x} ${from.y + BOX_H} L ${x} ${to.y + BOX_H / 2} L ${to.x} ${to.y + BOX_H / 2}`;
      }
      edges.append(svg('path', { d, class: 'edge' + (src && src.mode === 'master' && column.has(h.name)
        ? ' master' : ''), 'marker-end': 'url(#arrow)', 'data-from': h.source, 'data-to': h.name }));
    }
    for (const h of hosts) {
      const p = pos.get(h.name);
      const isWriter = h.name === writer;
      const g = svg('g', { class: 'node s-' + h.state + (isWriter ? ' writer' : ''), id: 'node-' + h.name,
        'data-host': h.name, 'data-state': h.state, 'data-writer': String(isWriter),
        transform: `translate(${p.x} ${p.y})` });
      g.append(svg('rect', { width: BOX_W, height: BOX_H, rx: 6 }));
      g.append(svg('text', { x: 8, y: 17, class: 'name' }, h.name + (isWriter ? '  ✎ writer' : '')));
      g.append(svg('text', { x: 8, y: 33 }, h.state));
      g.append(svg('text', { x: 8, y: 49 }, 'roles: ' + ((h.roles || []).join(', ') || '–')));
      const stale = h.state === 'HARD_OFFLINE' ? ' (last seen)' : '';
      g.append(svg('text', { x: 8, y: 65 }, 'read_only ' + flag(h.readOnly) + stale + ' · lag ' + lag(h.lagSeconds)));
      const title = svg('title', {}, `${h.name} ${h.address} ${h.mode}: ${h.reason || ''}`);
      g.append(title);
      s.append(g);
    }
  }

  function flag(v) {
    return v === true ? 'ON' : v === false ? 'OFF' : '?';
  }

  function lag(v) {
    return typeof v === 'number' ? v.toFixed(2) + ' s' : '–';
  }

  // ------------------------------------------------------------------ tables

  function drawHosts(hosts, writer) {
    const body = $('hosts').tBodies[0];
    body.replaceChildren();
    for (const h of hosts) {
      const actions = el('td', { class: 'actions' });
      // the states the monitor's state machine takes each command from (others it would refuse)
      if (h.state === 'ADMIN_OFFLINE' || h.state === 'AWAITING_RECOVERY') {
        actions.append(button('set online', 'set-online', h.name,
          `Set ${h.name} online? It takes roles again.`, 'hosts/' + enc(h.name) + '/set-online'));
      }
      if (['ONLINE', 'REPLICATION_DELAY', 'REPLICATION_FAIL', 'AWAITING_RECOVERY'].includes(h.state)) {
        actions.append(button('set offline', 'set-offline', h.name,
          `Set ${h.name} offline?` + (h.name === writer ? ' It is the writer: the monitor switches over first.' : ''),
          'hosts/' + enc(h.name) + '/set-offline'));
      }
      if (h.mode === 'master' && h.name !== writer && h.state === 'ONLINE') {
        actions.append(button('move writer here', 'move-writer', h.name,
          `Move the writer role to ${h.name}? (switchover: writes pause briefly)`,
          'roles/writer/move?host=' + enc(h.name)));
      }
      body.append(el('tr', { 'data-host': h.name },
        el('td', { text: h.name + (h.name === writer ? ' (writer)' : '') }),
        el('td', { text: h.mode }),
        el('td', { class: 'state-' + h.state, text: h.state }),
        el('td', { text: (h.roles || []).join(', ') }),
        el('td', { text: flag(h.readOnly) }),
        el('td', { class: 'num', text: lag(h.lagSeconds) }),
        el('td', { text: h.source || '' }),
        el('td', { text: h.reason || '' }),
        actions));
    }
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  function button(label, action, host, question, path) {
    const b = el('button', { type: 'button', 'data-action': action, 'data-host': host, text: label });
    b.addEventListener('click', () => command(question, path));
    return b;
  }

  async function command(question, path) {
    if (busy) { say('another command is still running', true); return; }
    if (!token) {
      say('Commands need the API token (monitor.api_token): enter it above first.', true);
      $('token').focus();
      return;
    }
    if (!window.confirm(question)) return;
    busy = true;
    say('running: POST ' + path + ' …');
    try {
      const r = await call('POST', path, COMMAND_TIMEOUT_MS);
      if (r.status === 200 && r.body.ok) {
        say('done: ' + (r.body.message || 'ok'));
      } else {
        say('refused (' + (r.status || 'no answer') + '): ' + (r.body.error || 'unknown error'), true);
      }
    } finally {
      busy = false;
    }
  }

  function drawFindings(findings) {
    const ul = $('findings');
    ul.replaceChildren();
    if (findings.length === 0) { ul.append(el('li', { class: 'none', text: 'none' })); return; }
    for (const f of findings) {
      ul.append(el('li', { 'data-code': f.code },
        el('span', { class: 'code', text: f.code }), ' ',
        el('span', { text: (f.host ? f.host + ': ' : '') + f.summary }), el('br'),
        el('span', { class: 'fix', text: 'to clear: ' + f.howToClear })));
    }
  }

  function drawRoutes(t) {
    if (!changed('routes', t.roles)) return;
    const div = $('routes');
    div.replaceChildren(el('p', { text: `route table version ${t.version}, epoch ${t.epoch}`
      + (t.writerChanging ? ' (writer changing: new writer connections are held)' : '') }));
    const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'role' }),
      el('th', { text: 'backends' }))));
    const body = el('tbody');
    for (const [role, backends] of Object.entries(t.roles || {})) {
      body.append(el('tr', { 'data-role': role }, el('td', { text: role }), el('td', {
        text: backends.map((b) => `${b.host} (${b.address}:${b.port})`).join(', ') || 'none' })));
    }
    table.append(body);
    div.append(table);
  }

  function drawRouters(listeners) {
    const div = $('routers');
    div.replaceChildren();
    if (listeners.length === 0) {
      div.append(el('p', { class: 'none', text: 'no router listener (none in the monitor\'s process, no standalone router polling)' }));
      return;
    }
    const table = el('table', {}, el('thead', {}, el('tr', {}, ...['router', 'listener', 'role', 'listen', 'state',
      'backends (open / total)', 'accepted', 'held', 'refused'].map((t) => el('th', { text: t })))));
    const body = el('tbody');
    for (const l of listeners) {
      body.append(el('tr', { 'data-listener': l.name, 'data-router': l.router },
        el('td', { text: l.router + (l.lastPollAgoMs === undefined ? '' : ` (polled ${l.lastPollAgoMs} ms ago)`) }),
        el('td', { text: l.name }), el('td', { text: l.role }), el('td', { text: l.listen }),
        el('td', { text: l.state }),
        el('td', { text: (l.backends || []).map((b) => `${b.name}${b.current ? '' : ' (old)'}: ${b.open} / ${b.total}`)
          .join(', ') || 'none' }),
        el('td', { class: 'num', text: String(l.accepted) }),
        el('td', { class: 'num', text: `${l.held} (${l.heldNow} now)` }),
        el('td', { class: 'num', text: String(l.refused) })));
    }
    table.append(body);
    div.append(table);
  }

  function drawRecoveries(list) {
    const recent = list.slice(0, 5);
    if (!changed('recoveries', recent)) return;
    const div = $('recoveries');
    div.replaceChildren();
    if (recent.length === 0) { div.append(el('p', { class: 'none', text: 'none' })); return; }
    recent.forEach((r, i) => {
      const took = r.finished ? ' in ' + (Date.parse(r.finished) - Date.parse(r.started)) + ' ms' : ' (running)';
      const d = el('details', { class: 'recovery', 'data-id': r.id });
      if (i === 0) d.open = true;
      d.append(el('summary', { text: `${r.id}: ${r.kind} ${r.from || '–'} → ${r.to}, started ${r.started}${took}: `
        + `${r.outcome || ''}` + (r.transactionsLost ? `, ${r.transactionsLost} transactions lost` : '') }));
      d.append(el('p', { text: 'reason: ' + (r.reason || '') }));
      const table = el('table', {}, el('thead', {}, el('tr', {}, ...['step', 'ok', 'ms', 'detail']
        .map((t) => el('th', { text: t })))));
      const body = el('tbody');
      for (const st of r.steps || []) {
        body.append(el('tr', {}, el('td', { text: st.step }), el('td', { class: 'ok-' + st.ok, text: st.ok ? 'ok' : 'failed' }),
          el('td', { class: 'num', text: String(st.millis) }), el('td', { text: st.detail || '' })));
      }
      table.append(body);
      d.append(table);
      div.append(d);
    });
  }

  // ------------------------------------------------------------------ start

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      token = $('token').value.trim();
      $('token').value = '';
      if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
      say(token ? 'token kept for this tab (sessionStorage) only' : '');
    });
    $('token-forget').addEventListener('click', () => {
      token = '';
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
      say('token forgotten');
    });
    showTokenState();
    poll();
  });
})();
