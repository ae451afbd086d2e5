// One self-contained HTML file (no network when opened): charts a person would rather look at than
// read, the control-by-control evidence, and a searchable inventory. Every value from the cloud
// travels in a JSON island (no "<" survives jsonForScript) and reaches the page through
// textContent, never innerHTML.
import type { Writable } from 'node:stream';
import { isoDay } from '../clock.js';
import { type Scan, SEVERITY_ORDER, gapStanding } from '../model.js';
import { controlIds, credentialAgeDays, daysSince, isOpen } from './common.js';
import { chartJsSource, htmlText, jsonForScript } from './html-assets.js';
import { compareNatural } from '../order.js';
import { createSink } from './sink.js';
import type { ReportContext, ReportHistory, Reporter } from './types.js';

const DEFAULT_ROTATION_DAYS = 90;

const rotationThreshold = (scan: Scan): number => {
  const days = scan.run.policies['rotation-age']?.options.maxAgeDays;
  return typeof days === 'number' ? days : DEFAULT_ROTATION_DAYS;
};

/** The history panel's data: what is new, and the trend (small: at most the store's trend window). */
const historySummary = (history: ReportHistory | undefined): Record<string, unknown> => {
  if (!history || history.status === 'off') return { status: 'off' };
  if (history.status === 'unavailable') return { status: 'unavailable', reason: history.reason };
  const sev = [...SEVERITY_ORDER].reverse();
  return {
    status: 'recorded',
    seq: history.seq,
    previous: history.previous ?? null,
    new: history.newSinceLastScan.map((f) => ({
      severity: f.severity,
      policy: f.policyId,
      identity: f.identityName,
      where: `${f.provider} ${f.location.scope}`,
      title: f.title,
    })),
    trend: {
      labels: history.trend.map((p) => `#${p.seq} ${isoDay(p.asOf)}`),
      severities: sev,
      open: Object.fromEntries(sev.map((s) => [s, history.trend.map((p) => p.open[s])])),
      identities: history.trend.map((p) => p.identities),
      credentials: history.trend.map((p) => p.credentials),
    },
  };
};

/** Counts and tables the charts read: small, whatever the estate's size. */
const summary = (
  scan: Scan,
  history: ReportHistory | undefined,
  controlTitles: ReadonlyMap<string, string> = new Map(),
): Record<string, unknown> => {
  const asOf = new Date(scan.run.asOf);
  const open = scan.findings.filter(isOpen);
  const count = (keys: string[]): Record<string, number> => {
    const m: Record<string, number> = {};
    for (const k of keys) m[k] = (m[k] ?? 0) + 1;
    return m;
  };
  const bySeverity = Object.fromEntries(
    [...SEVERITY_ORDER].reverse().map((s) => [s, open.filter((f) => f.severity === s).length]),
  );
  const bySoc2 = count(open.flatMap((f) => controlIds(f, 'SOC2')));
  const providers = [...new Set(scan.identities.map((i) => i.provider))].sort();
  const byProvider = providers.map((p) => ({
    provider: p,
    identities: scan.identities.filter((i) => i.provider === p).length,
    open: open.filter((f) => f.provider === p).length,
  }));
  const threshold = rotationThreshold(scan);
  const ages: number[] = [];
  for (const i of scan.identities)
    for (const c of i.credentials) {
      if (c.managedBy === 'provider' || c.status !== 'active') continue;
      const age = credentialAgeDays(c, asOf);
      if (age !== undefined) ages.push(age);
    }
  // Controls: from the evaluation counts when the scan has them, else from the findings' tags.
  const controls: Record<
    string,
    {
      pass: number;
      fail: number;
      unknown: number;
      notApplicable: number;
      open: number;
      excepted: number;
      title: string;
      policies: string[];
    }
  > = {};
  // Titles from the frameworks in force, else from a finding that carries one (a row only the
  // evaluation counts add, CIS or NIST say, still gets its title).
  const titles = new Map<string, string>();
  for (const f of scan.findings) for (const c of f.controls) titles.set(`${c.framework}:${c.id}`, c.title);
  for (const [key, title] of controlTitles) titles.set(key, title);
  // Every framework's tags count, so a CIS or NIST row's open findings agree with its fails.
  for (const f of scan.findings)
    for (const c of f.controls) {
      const key = `${c.framework}:${c.id}`;
      const row = (controls[key] ??= {
        pass: 0,
        fail: 0,
        unknown: 0,
        notApplicable: 0,
        open: 0,
        excepted: 0,
        title: titles.get(key) ?? c.title,
        policies: [],
      });
      if (isOpen(f)) row.open++;
      else row.excepted++;
      if (!row.policies.includes(f.policyId)) row.policies.push(f.policyId);
    }
  for (const [key, counts] of Object.entries(scan.evaluationSummary?.byControl ?? {})) {
    const row = (controls[key] ??= {
      pass: 0,
      fail: 0,
      unknown: 0,
      notApplicable: 0,
      open: 0,
      excepted: 0,
      title: titles.get(key) ?? '',
      policies: [],
    });
    Object.assign(row, counts, { evaluated: true });
  }
  // SOC 2 first, SOC 1 next (what the auditor reads), then the other frameworks; ids in natural order.
  const rank = (key: string): number => (key.startsWith('SOC2:') ? 0 : key.startsWith('SOC1:') ? 1 : 2);
  const orderedControls = Object.fromEntries(
    Object.entries(controls).sort(([a], [b]) => rank(a) - rank(b) || compareNatural(a, b)),
  );
  return {
    history: historySummary(history),
    run: {
      id: scan.run.id,
      version: scan.run.tool.version,
      asOf: scan.run.asOf,
      startedAt: scan.run.startedAt,
      complete: scan.run.complete,
    },
    totals: {
      identities: scan.identities.length,
      credentials: scan.identities.reduce((n, i) => n + i.credentials.length, 0),
      open: open.length,
      excepted: scan.findings.length - open.length,
      targets: scan.coverage.length,
      complete: scan.coverage.filter((c) => c.status === 'complete').length,
    },
    bySeverity,
    bySoc2,
    byProvider,
    rotation: { threshold, ages },
    controls: orderedControls,
    evaluated: scan.evaluationSummary !== undefined,
    gaps: scan.coverage.flatMap((c) =>
      c.gaps.map((g) => ({
        target: c.target,
        status: c.status,
        call: g.call,
        code: g.code,
        message: g.message,
        permission: g.permission ?? '',
        recovered: g.recovered,
        standing: gapStanding(g),
      })),
    ),
    incomplete: scan.coverage
      .filter((c) => c.status !== 'complete')
      .map((c) => ({ target: c.target, status: c.status })),
    exceptions: scan.exceptions.map((e) => ({
      id: e.id,
      status: e.status,
      approver: e.approver,
      expires: e.expires,
      justification: e.justification,
      findings: e.findings.length,
    })),
  };
};

const CSS = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--mute:#5d6678;--line:#e3e6ec;--crit:#7e1fa0;--high:#c62828;--med:#ef8f00;--low:#1e88e5;--info:#78909c;--ok:#2e7d32}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--ink)}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c5cad6}
main{padding:20px 28px;max-width:1400px;margin:auto}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.card b{display:block;font-size:26px}.card span{color:var(--mute)}
.warn{background:#fff4e5;border-color:#ffcc80}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px;margin-bottom:18px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;overflow:auto}
.panel h2{font-size:15px;margin:0 0 10px}.chart{position:relative;height:260px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{position:sticky;top:0;background:#fafbfc;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;padding:0 6px;border-radius:4px;color:#fff;font-size:12px;margin:1px 2px 1px 0}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.controls input,.controls select{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;margin-right:8px}
.mute{color:var(--mute)}.scroll{max-height:560px;overflow:auto}
`;

/** The page's own script: reads the JSON islands, draws the charts, drives the inventory filter. */
const APP = `
(function(){
'use strict';
var S=JSON.parse(document.getElementById('nhiscan-summary').textContent);
var INV=JSON.parse(document.getElementById('nhiscan-inventory').textContent);
var SEVC={critical:'#7e1fa0',high:'#c62828',medium:'#ef8f00',low:'#1e88e5',info:'#78909c'};
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=String(text);if(cls)e.className=cls;return e;}
function row(cells,numeric){var tr=el('tr');cells.forEach(function(c,i){var td=el('td');if(c instanceof Node)td.appendChild(c);else td.textContent=c===undefined||c===null?'':String(c);if(numeric&&numeric.indexOf(i)>=0)td.className='num';tr.appendChild(td);});return tr;}
function card(v,label,warn){var d=el('div',null,'card'+(warn?' warn':''));d.appendChild(el('b',v));d.appendChild(el('span',label));return d;}
var t=S.totals;var cards=document.getElementById('cards');
cards.appendChild(card(t.identities,'identities'));cards.appendChild(card(t.credentials,'credentials'));
cards.appendChild(card(t.open,'open findings',t.open>0));cards.appendChild(card(t.excepted,'excepted'));
cards.appendChild(card(t.complete+' / '+t.targets,'targets fully seen',t.complete<t.targets));
document.getElementById('run').textContent='Judged as of '+S.run.asOf+' \\u00b7 run '+S.run.id.slice(0,8)+' \\u00b7 nhiscan '+S.run.version+(S.run.complete?'':' \\u00b7 INCOMPLETE: some identities were not seen');
Chart.defaults.animation=false;Chart.defaults.maintainAspectRatio=false;
var H=S.history,hn=document.getElementById('history-note'),nb=document.getElementById('new-body');
if(H.status==='recorded'){
hn.textContent=H.previous?(H.new.length+' finding(s) new since the last scan (#'+H.previous.seq+', as of '+H.previous.asOf+'); this scan is #'+H.seq+' in the store.'):('First scan in this store (#'+H.seq+'): the baseline, nothing to compare with yet.');
H.new.forEach(function(f){nb.appendChild(row([el('span',f.severity,'sev '+f.severity),f.policy,f.identity,f.where,f.title]));});
if(H.previous&&!H.new.length)nb.appendChild(row(['nothing new','','','','']));
// One options object per chart, built fresh: Chart.js writes resolved settings into the object it is given.
var trendOptions=function(y){return{plugins:{legend:{position:'bottom'}},scales:{x:{title:{display:true,text:'scan'}},y:{beginAtZero:true,title:{display:true,text:y}}}};};
new Chart(document.getElementById('chart-trend-findings'),{type:'line',data:{labels:H.trend.labels,datasets:H.trend.severities.map(function(k){return{label:k,data:H.trend.open[k],borderColor:SEVC[k],backgroundColor:SEVC[k]};})},options:trendOptions('open findings')});
new Chart(document.getElementById('chart-trend-population'),{type:'line',data:{labels:H.trend.labels,datasets:[{label:'identities',data:H.trend.identities,borderColor:'#455a64',backgroundColor:'#455a64'},{label:'credentials',data:H.trend.credentials,borderColor:'#00897b',backgroundColor:'#00897b'}]},options:trendOptions('count')});
}else{
hn.textContent=H.status==='off'?'History is off: no store configured, so this report cannot say what is new since the last scan or draw trends (add --store PATH, or store: in the config).':'History unavailable: '+H.reason;
Array.prototype.forEach.call(document.querySelectorAll('.trend'),function(e){e.style.display='none';});
document.getElementById('new-table').style.display='none';}
var sevKeys=Object.keys(S.bySeverity);
new Chart(document.getElementById('chart-severity'),{type:'doughnut',data:{labels:sevKeys,datasets:[{data:sevKeys.map(function(k){return S.bySeverity[k];}),backgroundColor:sevKeys.map(function(k){return SEVC[k];})}]},options:{plugins:{legend:{position:'right'}}}});
var soc=Object.keys(S.bySoc2).sort();
new Chart(document.getElementById('chart-soc2'),{type:'bar',data:{labels:soc,datasets:[{label:'open findings',data:soc.map(function(k){return S.bySoc2[k];}),backgroundColor:'#3f51b5'}]},options:{indexAxis:'y',plugins:{legend:{display:false}}}});
new Chart(document.getElementById('chart-provider'),{type:'bar',data:{labels:S.byProvider.map(function(p){return p.provider;}),datasets:[{label:'identities',data:S.byProvider.map(function(p){return p.identities;}),backgroundColor:'#90a4ae'},{label:'open findings',data:S.byProvider.map(function(p){return p.open;}),backgroundColor:'#c62828'}]}});
var th=S.rotation.threshold,ages=S.rotation.ages,step=Math.max(30,Math.ceil(th/3/30)*30),maxAge=ages.reduce(function(a,b){return Math.max(a,b);},th),buckets=[];
for(var lo=0;lo<=maxAge;lo+=step)buckets.push(lo);
var counts=buckets.map(function(lo){return ages.filter(function(a){return a>=lo&&a<lo+step;}).length;});
new Chart(document.getElementById('chart-age'),{type:'bar',data:{labels:buckets.map(function(lo){return lo+'\\u2013'+(lo+step-1)+' d';}),datasets:[{label:'credentials (rotation threshold '+th+' days)',data:counts,backgroundColor:buckets.map(function(lo){return lo+step-1>th?'#c62828':'#2e7d32';})}]},options:{plugins:{legend:{display:true}},scales:{x:{title:{display:true,text:'days since last rotation (red: past '+th+' days)'}},y:{title:{display:true,text:'credentials'}}}}});
var cb=document.getElementById('controls-body');
Object.keys(S.controls).forEach(function(k){var c=S.controls[k];cb.appendChild(row([k,c.title,c.evaluated?c.pass:'\\u2014',c.evaluated?c.fail:'\\u2014',c.evaluated?c.unknown:'\\u2014',c.open,c.excepted,c.policies.join(', ')],[2,3,4,5,6]));});
var gb=document.getElementById('gaps-body');
S.incomplete.forEach(function(g){gb.appendChild(row([g.target,g.status,'','','']));});
S.gaps.forEach(function(g){gb.appendChild(row([g.target,g.code+(g.standing==='open'?'':' ('+g.standing+')'),g.call,g.permission,g.message]));});
if(!S.gaps.length&&!S.incomplete.length)gb.appendChild(row(['every target was fully seen','','','','']));
var eb=document.getElementById('exceptions-body');
S.exceptions.forEach(function(e){eb.appendChild(row([e.id,e.status,e.approver,e.expires,e.findings,e.justification],[4]));});
if(!S.exceptions.length)eb.appendChild(row(['no exceptions configured','','','','','']));
var filter=document.getElementById('filter'),prov=document.getElementById('provider'),only=document.getElementById('only'),body=document.getElementById('inventory-body'),shown=document.getElementById('shown');
Array.from(new Set(INV.map(function(i){return i.provider;}))).sort().forEach(function(p){var o=el('option',p);o.value=p;prov.appendChild(o);});
INV.forEach(function(i){i.hay=[i.name,i.uid,i.kind,i.scope,i.owner,i.privilege].concat(i.credentials.map(function(c){return c.uid;}),i.findings.map(function(f){return f.policy;})).join(' ').toLowerCase();});
var LIMIT=500;
function render(){var q=filter.value.trim().toLowerCase(),p=prov.value,o=only.value;var n=0,total=0;body.textContent='';
INV.forEach(function(i){if(p&&i.provider!==p)return;if(o==='findings'&&!i.findings.some(function(f){return f.open;}))return;if(o==='unowned'&&i.owner)return;if(q&&i.hay.indexOf(q)<0)return;total++;if(n>=LIMIT)return;n++;
var creds=el('div');i.credentials.forEach(function(c){creds.appendChild(el('div',c.type+' '+c.uid+' \\u00b7 '+c.status+(c.age!==null?' \\u00b7 '+c.age+' d old':'')+(c.lastUsed?' \\u00b7 used '+c.lastUsed:'')));});
var fs=el('div');i.findings.forEach(function(f){var s=el('span',f.severity,'sev '+f.severity);s.title=f.title;var d=el('div');d.appendChild(s);d.appendChild(document.createTextNode(f.policy+(f.open?'':' (excepted)')));fs.appendChild(d);});
body.appendChild(row([i.name,i.kind,i.provider+' '+i.scope,i.owner||'\\u2014 none',i.privilege,creds,fs]));});
shown.textContent='showing '+n+' of '+total+' matching ('+INV.length+' identities)';}
filter.addEventListener('input',render);prov.addEventListener('change',render);only.addEventListener('change',render);render();
})();
`;

export const writeHtml = async (scan: Scan, out: Writable, context: ReportContext = {}): Promise<void> => {
  const sink = createSink(out);
  const asOf = new Date(scan.run.asOf);
  const byIdentity = new Map<string, { severity: string; policy: string; title: string; open: boolean }[]>();
  for (const f of scan.findings) {
    const list = byIdentity.get(f.identityUid) ?? [];
    list.push({ severity: f.severity, policy: f.policyId, title: f.title, open: isOpen(f) });
    byIdentity.set(f.identityUid, list);
  }
  await sink.write(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">\n` +
      `<title>nhiscan report ${htmlText(scan.run.asOf)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n` +
      `<header><h1>Non-human identities: nhiscan report</h1><p id="run"></p></header>\n<main>\n<section class="cards" id="cards"></section>\n` +
      `<section class="grid">\n` +
      `<div class="panel"><h2>Open findings by severity</h2><div class="chart"><canvas id="chart-severity" aria-label="open findings by severity"></canvas></div></div>\n` +
      `<div class="panel"><h2>Open findings by SOC 2 criterion</h2><div class="chart"><canvas id="chart-soc2" aria-label="open findings by SOC 2 criterion"></canvas></div></div>\n` +
      `<div class="panel"><h2>Identities and open findings by provider</h2><div class="chart"><canvas id="chart-provider" aria-label="by provider"></canvas></div></div>\n` +
      `<div class="panel"><h2>Credential age against the rotation threshold</h2><div class="chart"><canvas id="chart-age" aria-label="credential age"></canvas></div></div>\n` +
      `</section>\n` +
      `<section class="grid" id="history">\n` +
      `<div class="panel"><h2>New since the last scan</h2><p id="history-note" class="mute"></p><div class="scroll"><table id="new-table"><thead><tr><th>Severity</th><th>Policy</th><th>Identity</th><th>Where</th><th>Title</th></tr></thead><tbody id="new-body"></tbody></table></div></div>\n` +
      `<div class="panel trend"><h2>Trend: open findings by severity</h2><div class="chart"><canvas id="chart-trend-findings" aria-label="open findings by severity over the last scans"></canvas></div></div>\n` +
      `<div class="panel trend"><h2>Trend: population</h2><div class="chart"><canvas id="chart-trend-population" aria-label="identities and credentials over the last scans"></canvas></div></div>\n` +
      `</section>\n` +
      `<section class="panel" style="margin-bottom:18px"><h2>Coverage gaps: what was not seen</h2><div class="scroll"><table><thead><tr><th>Target</th><th>Status / code</th><th>Call</th><th>Permission that restores it</th><th>Message</th></tr></thead><tbody id="gaps-body"></tbody></table></div></section>\n` +
      `<section class="panel" style="margin-bottom:18px"><h2>Exceptions (accepted risks)</h2><table><thead><tr><th>Id</th><th>Status</th><th>Approver</th><th>Expires</th><th>Findings</th><th>Justification</th></tr></thead><tbody id="exceptions-body"></tbody></table></section>\n` +
      `<section class="panel" style="margin-bottom:18px"><h2>Control by control: the evidence</h2><p class="mute">Evaluations (pass / fail / unknown) per control where the scan recorded them; open and excepted findings tagged with each control.</p><div class="scroll"><table><thead><tr><th>Control</th><th>Title</th><th>Pass</th><th>Fail</th><th>Unknown</th><th>Open findings</th><th>Excepted</th><th>Policies</th></tr></thead><tbody id="controls-body"></tbody></table></div></section>\n` +
      `<section class="panel"><h2>Inventory</h2><div class="controls"><input id="filter" type="search" placeholder="Filter: name, owner, kind, policy, key id…" size="40" aria-label="filter the inventory">` +
      `<select id="provider" aria-label="provider"><option value="">every provider</option></select>` +
      `<select id="only" aria-label="show"><option value="">every identity</option><option value="findings">with open findings</option><option value="unowned">without an owner</option></select>` +
      `<span id="shown" class="mute"></span></div>` +
      `<div class="scroll"><table><thead><tr><th>Identity</th><th>Kind</th><th>Where</th><th>Owner</th><th>Privilege</th><th>Credentials</th><th>Findings</th></tr></thead><tbody id="inventory-body"></tbody></table></div></section>\n` +
      `</main>\n`,
  );
  await sink.write(
    `<script type="application/json" id="nhiscan-summary">${jsonForScript(summary(scan, context.history, context.controlTitles))}</script>\n`,
  );
  await sink.write('<script type="application/json" id="nhiscan-inventory">[');
  for (const [n, i] of scan.identities.entries()) {
    const row = {
      name: i.name,
      uid: i.uid,
      kind: i.kind,
      provider: i.provider,
      scope: i.location.scope,
      owner: i.owner?.value ?? '',
      privilege: i.privilege.level,
      credentials: i.credentials.map((c) => ({
        uid: c.uid,
        type: c.type,
        status: c.status,
        age: credentialAgeDays(c, asOf) ?? null,
        lastUsed: c.lastUsedAt === null ? 'never' : c.lastUsedAt ? isoDay(c.lastUsedAt) : '',
      })),
      findings: byIdentity.get(i.uid) ?? [],
      lastUsedDays: daysSince(i.lastUsedAt, asOf) ?? null,
    };
    await sink.write((n ? ',' : '') + jsonForScript(row));
  }
  await sink.write(']</script>\n');
  await sink.write(`<script>${chartJsSource()}</script>\n<script>${APP}</script>\n</body>\n</html>\n`);
  await sink.flush();
};

export const htmlReporter: Reporter = {
  id: 'html',
  fileName: 'nhiscan-report.html',
  mediaType: 'text/html',
  description: 'one self-contained page: charts, control evidence, a searchable inventory',
  write: writeHtml,
};
