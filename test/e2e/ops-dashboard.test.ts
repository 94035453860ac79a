import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, TestApp } from '../support/app';
import { parsePrometheusText } from '../support/prometheus-text';

const OPS = join(__dirname, '../../ops');

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

/** The metric families a PromQL expression names (histogram series mapped to their family). */
function familiesIn(expr: string): string[] {
  const names = expr.match(/\brankfeed_[a-z0-9_]+/g) ?? [];
  return names.map((n) => n.replace(/_(bucket|count|sum)$/, ''));
}

/**
 * ops/grafana-dashboard.json and ops/prometheus.yml against what the service really exports: a
 * panel querying a metric that was renamed or never existed would stay empty without any error.
 */
describe('the Grafana dashboard and the Prometheus scrape config', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'ops_dashboard' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('queries only metric families /metrics exports, and covers every family of the service', async () => {
    const dashboard = JSON.parse(readFileSync(join(OPS, 'grafana-dashboard.json'), 'utf8')) as {
      panels: Panel[];
    };
    const queried = new Map<string, string[]>();
    for (const panel of dashboard.panels) {
      const exprs = (panel.targets ?? []).map((target) => target.expr);
      expect(exprs.length).toBeGreaterThan(0);
      for (const family of exprs.flatMap(familiesIn)) {
        queried.set(family, [...(queried.get(family) ?? []), panel.title]);
      }
    }
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    const exported = new Set(
      [...parsePrometheusText(res.text).keys()].filter((n) => n.startsWith('rankfeed_')),
    );
    const missing = [...queried.keys()].filter((family) => !exported.has(family));
    expect(missing).toEqual([]);
    // Every family of the service's own (not the default process ones) has a panel.
    const own = [...exported].filter((n) => !/^rankfeed_(process|nodejs)_/.test(n));
    const shown = own.filter((family) => queried.has(family));
    expect(own.filter((family) => !shown.includes(family))).toEqual([]);
  });

  it('scrapes the path the service serves its metrics on', () => {
    const config = readFileSync(join(OPS, 'prometheus.yml'), 'utf8');
    expect(config).toMatch(/^\s+metrics_path: \/metrics$/m);
    expect(config).toMatch(/^\s+- job_name: rankfeed$/m);
  });
});
