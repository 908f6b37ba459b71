// The live zone map (GET /): one canvas per zoned LU, a cell per zone coloured by condition with
// the WP fill drawn inside, counts per condition, open zones against the limit, commands/s and
// MB/s. It loads the tables once (/api/zone-tables) and then applies the changed zones that
// /api/events streams, redrawing only those cells. A click shows a zone and offers actions.
// Served as one self-contained page (no external assets), so it works offline.
export const ZONE_MAP_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zbc-target zone map</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}
h1{font-size:18px;margin:0 0 8px} h2{font-size:15px;margin:16px 0 6px}
.bar{display:flex;gap:18px;flex-wrap:wrap;align-items:center;margin:4px 0}
.legend span{display:inline-flex;align-items:center;gap:4px;margin-right:10px}
.sw{width:12px;height:12px;display:inline-block;border:1px solid #0003}
canvas{background:#fff;border:1px solid #ccc;cursor:crosshair;display:block;margin-top:6px}
#detail{position:fixed;right:16px;top:16px;width:300px;background:#fff;border:1px solid #bbb;
 box-shadow:0 2px 8px #0002;padding:10px;display:none}
#detail table{border-collapse:collapse;width:100%} #detail td{padding:2px 4px}
#detail button{margin:6px 4px 0 0} .err{color:#b00020}
</style></head><body>
<h1>zbc-target zone map</h1>
<div class="bar"><span id="rate">0 commands/s, 0.0 MB/s</span><span id="conn">connecting...</span></div>
<div class="legend" id="legend"></div>
<div id="luns"></div>
<div id="detail"><b id="dtitle"></b><table id="dtable"></table>
<div><button data-act="reset">Reset WP</button><button data-act="finish">Finish</button>
<button data-act="offline">Offline</button><button data-act="read-only">Read only</button>
<button data-act="normal">Normal</button><button data-act="close">Close</button></div>
<div id="dmsg"></div></div>
<script>
"use strict";
var COND = {0:["not write pointer","#b0bec5"],1:["empty","#eceff1"],2:["implicitly open","#66bb6a"],
 3:["explicitly open","#2e7d32"],4:["closed","#ffa726"],5:["inactive","#8d6e63"],13:["read only","#ab47bc"],
 14:["full","#1e88e5"],15:["offline","#d32f2f"]};
var FILL = {1:"#90a4ae",2:"#1b5e20",3:"#0b3d0f",4:"#e65100",13:"#6a1b9a",14:"#1e88e5"};
var GAP = "#ffffff";
var params = new URLSearchParams(location.search);
var token = params.get("token");
function q(u){ return token ? u + (u.indexOf("?")<0?"?":"&") + "token=" + encodeURIComponent(token) : u; }
function api(method, url, body){
  var h = {"content-type":"application/json"}; if (token) h.authorization = "Bearer " + token;
  return fetch(url, {method:method, headers:h, body: body===undefined?undefined:JSON.stringify(body)})
    .then(function(r){ return r.text().then(function(t){ var j = t ? JSON.parse(t) : {}; if(!r.ok) throw new Error(j.error||r.status); return j; }); });
}
function b64(s){ var bin = atob(s), a = new Uint8Array(bin.length); for (var i=0;i<bin.length;i++) a[i]=bin.charCodeAt(i); return a; }
var legend = document.getElementById("legend");
Object.keys(COND).forEach(function(k){ var s=document.createElement("span");
  s.innerHTML='<i class="sw" style="background:'+COND[k][1]+'"></i>'+COND[k][0]; legend.appendChild(s); });
var views = {}; var seq = -1; var pending = [];
window.zoneMap = { views: views, applied: 0, frames: [] };
function key(t,l){ return t + "|" + l; }
function layout(n){
  var width = Math.min(1200, Math.max(320, window.innerWidth - 48));
  var cell = Math.max(3, Math.min(40, Math.floor(Math.sqrt(width * 700 / n))));
  var cols = Math.max(1, Math.floor(width / cell)); return {cell:cell, cols:cols, rows:Math.ceil(n/cols)};
}
function drawCell(v, i){
  var g = v.geo, x = (i % g.cols) * g.cell, y = Math.floor(i / g.cols) * g.cell, s = g.cell - (g.cell > 4 ? 1 : 0);
  var c = v.cond[i], ctx = v.ctx;
  ctx.fillStyle = v.type[i] === 5 ? GAP : (COND[c] ? COND[c][1] : "#000"); ctx.fillRect(x, y, s, s);
  var f = v.fill[i];
  if (f > 0 && FILL[c] && c !== 14) { ctx.fillStyle = FILL[c]; ctx.fillRect(x, y + s - Math.max(1, Math.round(s * f / 255)), s, Math.max(1, Math.round(s * f / 255))); }
}
function addLun(t){
  var k = key(t.target, t.lun), box = document.createElement("div");
  box.innerHTML = '<h2></h2><div class="bar stats"></div>';
  box.querySelector("h2").textContent = t.target + " LUN " + t.lun + " (" + t.zoneCount + " zones)";
  var canvas = document.createElement("canvas"); var g = layout(t.zoneCount);
  canvas.width = g.cols * g.cell; canvas.height = g.rows * g.cell; canvas.dataset.lun = k; box.appendChild(canvas);
  document.getElementById("luns").appendChild(box);
  var v = {target:t.target, lun:t.lun, n:t.zoneCount, type:b64(t.type), cond:b64(t.condition), fill:b64(t.fill),
    geo:g, ctx:canvas.getContext("2d"), canvas:canvas, stats:box.querySelector(".stats")};
  views[k] = v;
  for (var i = 0; i < v.n; i++) drawCell(v, i);
  canvas.addEventListener("click", function(e){ var r = canvas.getBoundingClientRect();
    var i = Math.floor((e.clientY - r.top) / g.cell) * g.cols + Math.floor((e.clientX - r.left) / g.cell);
    if (i >= 0 && i < v.n) showZone(v, i); });
}
function showStats(l){
  var v = views[key(l.target, l.lun)]; if (!v) return;
  var parts = Object.keys(l.counts).map(function(c){ return (COND[c]?COND[c][0]:c) + ": " + l.counts[c]; });
  var limit = l.maxOpen === null ? "no limit" : l.maxOpen;
  v.stats.textContent = "open " + (l.implicitOpen + l.explicitOpen) + " / " + limit + " (implicit " + l.implicitOpen +
    ", explicit " + l.explicitOpen + ") | " + parts.join(", ");
}
function applyTick(t){
  if (t.seq <= seq) return; seq = t.seq;
  t.changes.forEach(function(c){ var v = views[key(c.target, c.lun)]; if (!v) return;
    c.zones.forEach(function(z){ v.cond[z[0]] = z[1]; v.fill[z[0]] = z[2]; drawCell(v, z[0]); window.zoneMap.applied++; }); });
  t.luns.forEach(showStats);
  document.getElementById("rate").textContent = Math.round(t.commandsPerSecond) + " commands/s, " +
    (t.bytesPerSecond / 1e6).toFixed(1) + " MB/s";
  if (current) refreshDetail();
}
var current = null;
function showZone(v, i){ current = {v:v, i:i}; document.getElementById("dmsg").textContent = ""; refreshDetail(); }
function zoneUrl(){ return "/api/targets/" + encodeURIComponent(current.v.target) + "/luns/" + current.v.lun + "/zones/" + current.i; }
function refreshDetail(){
  var c = current; api("GET", zoneUrl()).then(function(z){ if (c !== current) return;
    var d = document.getElementById("detail"); d.style.display = "block";
    document.getElementById("dtitle").textContent = "Zone " + z.index + " (LUN " + c.v.lun + ")";
    var rows = [["start", z.start], ["length", z.length], ["capacity", z.capacity], ["write pointer", z.writePointer],
      ["condition", COND[z.condition] ? COND[z.condition][0] : z.condition], ["type", {1:"conventional",2:"sequential write required",3:"sequential write preferred",5:"gap"}[z.type] || z.type]];
    document.getElementById("dtable").innerHTML = rows.map(function(r){ return "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td></tr>"; }).join("");
  }).catch(function(e){ document.getElementById("dmsg").textContent = e.message; });
}
document.querySelectorAll("#detail button").forEach(function(b){ b.addEventListener("click", function(){
  var act = b.dataset.act, msg = document.getElementById("dmsg");
  if (act === "close") { current = null; document.getElementById("detail").style.display = "none"; return; }
  var p = act === "reset" || act === "finish" ? api("POST", zoneUrl() + "/" + act, {})
    : api("POST", zoneUrl() + "/condition", {condition: act, persist: false});
  p.then(function(){ msg.className = ""; msg.textContent = act + ": done"; refreshDetail(); })
   .catch(function(e){ msg.className = "err"; msg.textContent = e.message; });
}); });
var es = new EventSource(q("/api/events"));
es.addEventListener("hello", function(){
  document.getElementById("conn").textContent = "live";
  api("GET", "/api/zone-tables").then(function(r){ document.getElementById("luns").innerHTML = "";
    for (var k in views) delete views[k];
    r.tables.forEach(addLun); seq = r.seq; pending.forEach(applyTick); pending = [];
    document.body.dataset.ready = "1"; });
});
es.onmessage = function(e){ var t = JSON.parse(e.data); if (document.body.dataset.ready) applyTick(t); else pending.push(t); };
es.onerror = function(){ document.getElementById("conn").textContent = "reconnecting..."; };
var last = 0; function frame(ts){ if (last) { window.zoneMap.frames.push(ts - last); if (window.zoneMap.frames.length > 600) window.zoneMap.frames.shift(); } last = ts; requestAnimationFrame(frame); }
requestAnimationFrame(frame);
</script></body></html>`;
