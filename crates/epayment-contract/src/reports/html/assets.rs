//! The page's style and its one script, inline: the report is one file that needs nothing else.

/// The page's style. Errors wrap rather than scroll; the exchange a failing step looked at is
/// marked in its list, its arrows and its box.
pub const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
h3.rule { font-size: 1em; margin: 1.2em 0 .4em; color: #444; }
.summary span { margin-right: 1.5em; font-weight: 600; }
section.comparison { background: #f5f7fa; border: 1px solid #ddd; border-radius: 6px; padding: .2em 1em; }
.passed > summary .status, .status.passed { color: #17692b; } .failed > summary .status, .status.failed { color: #b3261e; }
details.scenario { border: 1px solid #ddd; border-radius: 6px; margin: .6em 0; padding: .3em .8em; }
details.scenario.failed { border-color: #b3261e; }
details.scenario > summary { cursor: pointer; font-weight: 600; }
table.example { border-collapse: collapse; margin: .4em 0; font-size: 13px; }
table.example th, table.example td { border: 1px solid #ccc; padding: .1em .6em; }
.failure { background: #fdecea; border-left: 4px solid #b3261e; padding: .4em .8em; margin: .5em 0; overflow-wrap: anywhere; }
.failure p { margin: .2em 0; }
ol.steps { margin: .4em 0; padding-left: 1.6em; } ol.steps > li { margin: .15em 0; }
.step-failed > .text { color: #b3261e; font-weight: 600; } .step-skipped > .text { color: #888; }
pre { background: #f6f8fa; padding: .6em; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.error { color: #b3261e; background: #fff6f5; }
details.exchange { margin: .1em 0 .1em .4em; font-size: 13px; }
details.exchange > summary { cursor: pointer; color: #333; }
details.exchange.broken > summary { color: #b3261e; font-weight: 600; }
details.exchange.looked-at { outline: 2px solid #d9822b; border-radius: 4px; padding: .1em .3em; }
details.exchange.looked-at > summary::after { content: "  ← the failing step looked here"; color: #a15c12; font-weight: 600; }
.problem { background: #fdecea; border-left: 4px solid #b3261e; padding: .4em .8em; margin: .5em 0; overflow-wrap: anywhere; }
.problem ul { margin: .2em 0; }
.diff-add { color: #17692b; } .diff-del { color: #b3261e; }
.written { color: #7a5d00; }
.differences { background: #fff8e1; border-left: 4px solid #d9822b; padding: .4em .8em; margin: .5em 0; overflow-wrap: anywhere; }
.differences ul { margin: .2em 0; } .sides { display: grid; grid-template-columns: 1fr 1fr; gap: .6em; }
.sides p { margin: .3em 0 0; font-weight: 600; }
svg.sequence { display: block; margin: .6em 0; max-width: 100%; }
svg.sequence text { font: 12px system-ui, sans-serif; }
svg .lifeline { stroke: #999; stroke-dasharray: 4 3; } svg .actor { font-weight: 600; }
svg .arrow { stroke: #333; stroke-width: 1.4; } svg .head { fill: #333; }
svg .arrow.answer { stroke-dasharray: 5 3; }
svg .arrow.broken { stroke: #b3261e; stroke-width: 2.2; } svg .head.broken { fill: #b3261e; }
svg .arrow.looked { stroke: #d9822b; stroke-width: 2.6; } svg .head.looked { fill: #d9822b; }
svg .label.broken { fill: #b3261e; font-weight: 600; } svg .label.looked { fill: #a15c12; font-weight: 600; }
svg .note rect { fill: #eef3fb; stroke: #8aa4cf; } svg .note.clock rect { fill: #f3f0fb; stroke: #9b8ac9; }
svg .note.fault rect { fill: #fff4e5; stroke: #d9a45b; }
svg .note.setup rect { fill: #eef7ee; stroke: #7fb27f; }
"#;

/// Draws each scenario's diagram from its `data-timeline` JSON, in the order things happened:
/// a request and an answer arrow per exchange (red where the document is broken, orange
/// where the failing step looked), a band across the lifelines for the clock moving, the
/// customer acting or a fault set up, and a delivery and its answer per webhook. It also opens
/// an exchange a link points to.
pub const SCRIPT: &str = r#"
(function () {
  var NS = 'http://www.w3.org/2000/svg';
  var X = { client: 90, api: 380, receiver: 670 };
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function arrow(svg, from, to, y, label, cls) {
    var x1 = X[from], x2 = X[to], dir = x2 > x1 ? 1 : -1;
    svg.appendChild(el('line', { x1: x1, y1: y, x2: x2 - dir * 9, y2: y, 'class': 'arrow' + cls }));
    var p = 'M' + x2 + ',' + y + ' L' + (x2 - dir * 10) + ',' + (y - 5) + ' L' + (x2 - dir * 10) + ',' + (y + 5) + ' z';
    svg.appendChild(el('path', { d: p, 'class': 'head' + cls.replace(' answer', '') }));
    svg.appendChild(el('text', { x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle', 'class': 'label' + cls.replace(' answer', '') }, label));
  }
  document.querySelectorAll('[data-timeline]').forEach(function (holder) {
    var items = JSON.parse(holder.getAttribute('data-timeline'));
    var height = 50;
    items.forEach(function (it) { height += it.note ? 30 : 56; });
    var svg = el('svg', { 'class': 'sequence', width: 760, height: height, viewBox: '0 0 760 ' + height });
    [['client', 'client'], ['api', 'ePayment API'], ['receiver', 'webhook receiver']].forEach(function (a) {
      svg.appendChild(el('text', { x: X[a[0]], y: 18, 'text-anchor': 'middle', 'class': 'actor' }, a[1]));
      svg.appendChild(el('line', { x1: X[a[0]], y1: 26, x2: X[a[0]], y2: height - 6, 'class': 'lifeline' }));
    });
    var y = 52;
    items.forEach(function (it) {
      if (it.note) {
        var g = el('g', { 'class': 'note ' + it.kind });
        g.appendChild(el('rect', { x: 30, y: y - 15, width: 700, height: 22, rx: 5 }));
        g.appendChild(el('text', { x: 380, y: y, 'text-anchor': 'middle' }, it.note));
        svg.appendChild(g);
        y += 30;
        return;
      }
      var cls = it.broken ? ' broken' : (it.looked ? ' looked' : '');
      if (it.delivery) {
        arrow(svg, 'api', 'receiver', y, 'webhook ' + it.delivery, '');
        arrow(svg, 'receiver', 'api', y + 28, String(it.status), ' answer');
      } else {
        arrow(svg, 'client', 'api', y, it.n + '. ' + it.method + ' ' + it.path, cls);
        arrow(svg, 'api', 'client', y + 28, it.status === 0 ? 'connection dropped' : String(it.status), cls + ' answer');
      }
      y += 56;
    });
    holder.appendChild(svg);
  });
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    for (var e = target; e; e = e.parentElement) if (e.tagName === 'DETAILS') e.open = true;
    if (target) target.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();
"#;
