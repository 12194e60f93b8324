// The timeline of a jobsplit report: canvas drawing, zoom, pan, hover and
// click. The data is the JSON blob #timeline-data; nothing is fetched.
(function () {
  "use strict";
  var errors = document.getElementById("page-errors");
  function record(msg) {
    errors.hidden = false;
    errors.textContent += msg + "\n";
    errors.dataset.count = String(Number(errors.dataset.count) + 1);
  }
  window.addEventListener("error", function (e) { record("error: " + e.message); });
  document.addEventListener("securitypolicyviolation", function (e) { record("blocked request: " + e.blockedURI); });

  var D = JSON.parse(document.getElementById("timeline-data").textContent);
  var canvas = document.getElementById("timeline");
  var tip = document.getElementById("tip");
  var detail = document.getElementById("detail");
  var ctx = canvas.getContext("2d");
  var laneH = 14, gap = 2, labelW = 110, top = 18;
  var span = Math.max(1, D.t1 - D.t0);
  var view = { from: 0, to: span };
  var B = D.bars;
  // movedFrom maps a bar of a stolen job to the machine the plan gave it.
  var movedFrom = {};
  if (B && B.mv) B.mv.forEach(function (i, k) { movedFrom[i] = B.mvf[k]; });

  var legend = document.getElementById("legend");
  D.statuses.forEach(function (s, i) {
    var el = document.createElement("span");
    var sw = document.createElement("i");
    sw.style.background = D.colors[i];
    el.appendChild(sw);
    el.appendChild(document.createTextNode(s));
    legend.appendChild(el);
  });

  // byLane holds each lane's bar indices in start order, for drawing only
  // what is in view and for finding the bar under the mouse.
  var byLane = [];
  for (var l = 0; l < D.lanes; l++) byLane.push([]);
  if (B) {
    for (var i = 0; i < B.s.length; i++) byLane[B.l[i]].push(i);
    byLane.forEach(function (list) { list.sort(function (a, b) { return B.s[a] - B.s[b]; }); });
  }

  function size() {
    var w = canvas.parentNode.clientWidth || 1000;
    canvas.width = w;
    canvas.height = top + D.lanes * (laneH + gap) + D.machines.length * 6 + 10;
  }

  function laneY(lane) {
    var extra = 0;
    D.machines.forEach(function (m, k) { if (lane >= m.base) extra = k * 6; });
    return top + lane * (laneH + gap) + extra;
  }

  function xOf(t) { return labelW + (t - view.from) / (view.to - view.from) * (canvas.width - labelW - 4); }
  function tOf(x) { return view.from + (x - labelW) / (canvas.width - labelW - 4) * (view.to - view.from); }

  function fmt(ms) {
    var s = ms / 1000;
    if (s < 1) return Math.round(ms) + "ms";
    if (s < 60) return s.toPrecision(3) + "s";
    if (s < 3600) return Math.floor(s / 60) + "m" + ("0" + Math.floor(s % 60)).slice(-2) + "s";
    return Math.floor(s / 3600) + "h" + ("0" + Math.floor(s % 3600 / 60)).slice(-2) + "m";
  }

  // drawn counts the bars the last draw painted, alone or binned into a
  // pixel column; the canvas carries it for tests.
  var drawn = 0;

  function draw() {
    drawn = 0;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#444";
    for (var k = 0; k <= 5; k++) {
      var t = view.from + k * (view.to - view.from) / 5;
      var x = xOf(t);
      ctx.fillText(fmt(t), Math.min(x, canvas.width - 40), 12);
      ctx.fillStyle = "#eee";
      ctx.fillRect(x, top - 4, 1, canvas.height);
      ctx.fillStyle = "#444";
    }
    D.machines.forEach(function (m) {
      ctx.fillStyle = "#222";
      ctx.fillText(m.name + " (" + m.lanes + ")", 2, laneY(m.base) + laneH - 3);
      for (var l = m.base; l < m.base + m.lanes; l++) {
        ctx.fillStyle = "#f6f6f6";
        ctx.fillRect(labelW, laneY(l), canvas.width - labelW, laneH);
        if (B) drawLane(l); else if (D.bins) drawBins(l);
      }
    });
    canvas.dataset.drawn = String(drawn);
  }

  // drawLane draws a lane's bars; bars narrower than a pixel are binned
  // into pixel columns whose opacity is how much of them was busy.
  function drawLane(l) {
    var y = laneY(l), cover = {}, worst = {};
    var list = byLane[l];
    for (var k = 0; k < list.length; k++) {
      var i = list[k];
      if (B.s[i] > view.to) break;
      if (B.s[i] + B.d[i] < view.from) continue;
      var x0 = xOf(B.s[i]), x1 = xOf(B.s[i] + B.d[i]);
      drawn++;
      if (x1 - x0 >= 1) {
        ctx.fillStyle = D.colors[B.st[i]];
        ctx.fillRect(x0, y, Math.max(1, x1 - x0 - 0.5), laneH);
        if (movedFrom[i] !== undefined) {
          // A stolen job: a dark mark along the bar's top edge.
          ctx.fillStyle = "#222";
          ctx.fillRect(x0, y, Math.max(1, x1 - x0 - 0.5), Math.max(1, laneH / 4));
        }
      } else {
        var px = Math.floor(x0);
        cover[px] = (cover[px] || 0) + (x1 - x0);
        if (worst[px] === undefined || (B.st[i] !== 0 && (worst[px] === 0 || B.st[i] < worst[px]))) worst[px] = B.st[i];
      }
    }
    for (var p in cover) {
      ctx.globalAlpha = Math.min(1, 0.3 + cover[p]);
      ctx.fillStyle = D.colors[worst[p]];
      ctx.fillRect(Number(p), y, 1, laneH);
    }
    ctx.globalAlpha = 1;
  }

  function drawBins(l) {
    var y = laneY(l), n = D.bins.n, w = D.bins.w;
    for (var c = 0; c < n; c++) {
      var v = D.bins.b[l * n + c];
      if (!v) continue;
      var x0 = xOf(c * w), x1 = xOf((c + 1) * w);
      if (x1 < labelW || x0 > canvas.width) continue;
      ctx.globalAlpha = Math.max(0.15, v / 100);
      ctx.fillStyle = D.colors[D.bins.st[l * n + c]];
      ctx.fillRect(Math.max(labelW, x0), y, Math.max(1, x1 - x0), laneH);
    }
    ctx.globalAlpha = 1;
  }

  function laneAt(y) {
    for (var l = 0; l < D.lanes; l++) {
      var ly = laneY(l);
      if (y >= ly && y < ly + laneH) return l;
    }
    return -1;
  }

  // barAt finds the bar under a point, allowing a few pixels for thin bars.
  function barAt(x, y) {
    if (!B) return -1;
    var l = laneAt(y);
    if (l < 0) return -1;
    var t = tOf(x), slack = 3 * (view.to - view.from) / canvas.width, best = -1;
    byLane[l].forEach(function (i) {
      if (B.s[i] - slack <= t && t <= B.s[i] + B.d[i] + slack) {
        if (best < 0 || Math.abs(B.s[i] + B.d[i] / 2 - t) < Math.abs(B.s[best] + B.d[best] / 2 - t)) best = i;
      }
    });
    return best;
  }

  function describe(i) {
    var j = B.j[i], lines = ["job " + B.ids[j] + "  attempt " + B.a[i] + "  " + D.statuses[B.st[i]] + "  exit code " + B.x[i],
      "duration " + fmt(B.d[i]) + "  started +" + fmt(B.s[i])];
    if (movedFrom[i] !== undefined) lines.push("planned on " + movedFrom[i] + ": stolen or taken over");
    var params = D.params.map(function (p, k) { return p + "=" + B.v[j][k]; });
    if (params.length) lines.push(params.join("  "));
    return lines.join("\n");
  }

  function show(i) {
    detail.textContent = i < 0 ? "" : describe(i);
    detail.dataset.job = i < 0 ? "" : B.ids[B.j[i]];
  }

  var drag = null;
  canvas.addEventListener("mousedown", function (e) { drag = { x: e.offsetX, from: view.from, to: view.to, moved: false }; });
  window.addEventListener("mouseup", function (e) {
    if (drag && !drag.moved && e.target === canvas) show(barAt(e.offsetX, e.offsetY));
    drag = null;
  });
  canvas.addEventListener("mousemove", function (e) {
    if (drag) {
      var dt = (e.offsetX - drag.x) / (canvas.width - labelW) * (drag.to - drag.from);
      if (Math.abs(e.offsetX - drag.x) > 2) drag.moved = true;
      view.from = drag.from - dt; view.to = drag.to - dt;
      draw();
      return;
    }
    var i = barAt(e.offsetX, e.offsetY);
    if (i < 0) { tip.hidden = true; return; }
    tip.hidden = false;
    tip.textContent = describe(i);
    tip.style.left = Math.min(e.offsetX + 12, canvas.width - 260) + "px";
    tip.style.top = (e.offsetY + 12) + "px";
  });
  canvas.addEventListener("mouseleave", function () { tip.hidden = true; });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var t = tOf(e.offsetX), f = e.deltaY > 0 ? 1.25 : 0.8;
    var w = Math.max(10, (view.to - view.from) * f);
    var at = (t - view.from) / (view.to - view.from);
    view.from = t - at * w; view.to = view.from + w;
    draw();
  }, { passive: false });
  canvas.addEventListener("dblclick", function () { view = { from: 0, to: span }; draw(); });
  window.addEventListener("resize", function () { size(); draw(); });

  // Test hooks, driven by the URL fragment so that a headless browser can
  // check the page: #test lists every bar drawn in #test-bars,
  // #test-click=JOB clicks the middle of that job's first bar, and
  // #test-zoom=N turns the wheel N notches in at the timeline's left end.
  function testHooks() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (!/^test/.test(hash) || !B) return;
    var out = document.createElement("ol");
    out.id = "test-bars";
    out.hidden = true;
    for (var i = 0; i < B.s.length; i++) {
      var li = document.createElement("li");
      li.dataset.job = B.ids[B.j[i]];
      li.dataset.attempt = B.a[i];
      li.dataset.lane = B.l[i];
      li.dataset.status = D.statuses[B.st[i]];
      if (movedFrom[i] !== undefined) li.dataset.moved = movedFrom[i];
      out.appendChild(li);
    }
    document.body.appendChild(out);
    var z = /^test-zoom=(\d+)$/.exec(hash);
    if (z) {
      var box = canvas.getBoundingClientRect();
      for (var n = 0; n < Number(z[1]); n++) {
        canvas.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, deltaY: -100,
          clientX: box.left + labelW + 5, clientY: box.top + top + 2 }));
      }
      return;
    }
    var m = /^test-click=(.*)$/.exec(hash);
    if (!m) return;
    for (var k = 0; k < B.s.length; k++) {
      if (B.ids[B.j[k]] !== m[1]) continue;
      var x = xOf(B.s[k] + B.d[k] / 2), y = laneY(B.l[k]) + laneH / 2;
      var r = canvas.getBoundingClientRect();
      var opts = { bubbles: true, clientX: r.left + x, clientY: r.top + y };
      canvas.dispatchEvent(new MouseEvent("mousedown", opts));
      canvas.dispatchEvent(new MouseEvent("mouseup", opts));
      return;
    }
    record("test-click: no bar of job " + m[1]);
  }

  size();
  draw();
  testHooks();
})();
